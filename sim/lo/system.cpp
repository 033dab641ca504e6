#include "sim/lo/system.hpp"

#include <algorithm>
#include <cassert>
#include <charconv>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/hash.hpp"

namespace frsim::sim::lo {

std::string to_string(Address address) {
  return fmt::format("d{}/s{}", address.device, address.service);
}

std::string_view to_string(MessageKind kind) {
  switch (kind) {
    case MessageKind::one_way: return "one-way";
    case MessageKind::request: return "request";
    case MessageKind::success: return "success";
    case MessageKind::failure: return "failure";
  }
  return "?";
}

std::string to_string(const EventTag& tag) {
  std::string out = fmt::format("[task {} of {}", tag.task, tag.service);
  if (!tag.pending.empty()) {
    out += "; pending";
    for (auto request : tag.pending) out += fmt::format(" #{}", request);
  }
  out += "]";
  return out;
}

namespace {

bool is_response_kind(MessageKind kind) { return kind == MessageKind::success || kind == MessageKind::failure; }

// Reads an unsigned number at the front of `text` and drops it; nullopt if none.
std::optional<std::uint64_t> take_number(std::string_view& text) {
  std::uint64_t n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end == text.data()) return std::nullopt;
  text.remove_prefix(static_cast<std::size_t>(end - text.data()));
  return n;
}

bool take(std::string_view& text, std::string_view prefix) {
  if (!text.starts_with(prefix)) return false;
  text.remove_prefix(prefix.size());
  return true;
}

}  // namespace

std::optional<EventTag> parse_tag(std::string_view text) {
  constexpr std::string_view open = " [task ";
  const auto at = text.rfind(open);
  if (at == std::string_view::npos || !text.ends_with("]")) return std::nullopt;
  std::string_view rest = text.substr(at + open.size());
  rest.remove_suffix(1);
  EventTag tag;
  const auto task = take_number(rest);
  if (!task || !take(rest, " of ")) return std::nullopt;
  tag.task = *task;
  const auto pending_at = rest.find("; pending");
  tag.service = std::string(rest.substr(0, pending_at));
  if (pending_at == std::string_view::npos) return tag;
  rest.remove_prefix(pending_at + std::string_view("; pending").size());
  while (take(rest, " #")) {
    const auto request = take_number(rest);
    if (!request) return std::nullopt;
    tag.pending.push_back(*request);
  }
  if (!rest.empty()) return std::nullopt;
  return tag;
}

// ---- TaskContext ------------------------------------------------------------

bool TaskContext::is_response() const {
  return message_->kind == MessageKind::success || message_->kind == MessageKind::failure;
}

void TaskContext::check_not_halted() const {
  if (record_->happened() && system_.failure_handling_ != FailureHandling::swallow) {
    throw core::Error(fmt::format("refused: the task has halted on an {}", record_->first()));
  }
}

Environment& TaskContext::env() {
  check_not_halted();
  return *system_.live_task(task_)->env;
}

core::Value TaskContext::self() const { return System::value_of(system_.live_task(task_)->service); }

core::Value TaskContext::sender() const { return System::value_of(message_->from); }

core::Value TaskContext::lookup(std::uint32_t device, std::string_view name) const {
  auto address = system_.find(device, name);
  if (!address) throw core::Error(fmt::format("no Lo service '{}' on device {}", name, device));
  return System::value_of(*address);
}

void TaskContext::send(const core::Value& to, core::Value payload) {
  check_not_halted();
  const System::Task& task = *system_.live_task(task_);
  system_.post(MessageKind::one_way, task.service, System::address_of(to), 0, std::move(payload), &task);
}

std::uint64_t TaskContext::request(const core::Value& to, core::Value payload) {
  check_not_halted();
  System::Task& task = *system_.live_task(task_);
  const std::uint64_t id =
      system_.post(MessageKind::request, task.service, System::address_of(to), 0, std::move(payload), &task);
  task.pending.insert(id);
  system_.requester_[id] = task_;
  return id;
}

void TaskContext::respond(bool success, core::Value payload) {
  check_not_halted();
  System::Task& task = *system_.live_task(task_);
  if (task.initiating.kind != MessageKind::request) {
    throw core::Error("respond: the task was started by a one-way message, which has no return address");
  }
  if (task.responded) {
    // Seed 001: "Once a worker has responded to a request, it cannot respond
    // again". The attempt is still an event, so that lo-one-response can name
    // the program's bug; nothing is posted and the task halts.
    system_.refuse_response(task, success, payload);
    throw core::Error("respond: the request has been answered already");
  }
  system_.respond(task, success, std::move(payload));
}

core::Value TaskContext::bind(std::string name, Procedure procedure) {
  check_not_halted();
  System::Task& task = *system_.live_task(task_);
  const Address address{task.service.device, system_.next_service_[task.service.device]++};
  system_.emit(EventKind::created, address.device, 0, no_device,
               fmt::format("lo bind {} {} {}", to_string(address), name, to_string(system_.tag(task))));
  system_.services_[address] =
      System::Service{std::move(name), std::make_shared<const Procedure>(std::move(procedure)), task.id, task.env};
  return System::value_of(address);
}

// ---- System -----------------------------------------------------------------

System::System(std::uint32_t devices, NestedPolicy policy, Emit emit, IdSource next_id)
    : devices_(devices),
      policy_(policy),
      emit_(std::move(emit)),
      next_id_(std::move(next_id)),
      next_service_(devices, user_service + 1),
      user_inbox_(devices) {}

Address System::install(std::uint32_t device, std::string name, Procedure procedure) {
  assert(device < devices_);
  if (find(device, name)) throw core::Error(fmt::format("Lo service '{}' installed twice", name));
  const Address address{device, next_service_[device]++};
  services_[address] =
      Service{std::move(name), std::make_shared<const Procedure>(std::move(procedure)), std::nullopt, nullptr};
  return address;
}

Address System::address_of(const core::Value& address) {
  const auto [device, service] = address.as_address();
  return Address{device, service};
}

core::Value System::value_of(Address address) {
  return core::Value::address(core::ServiceKey{}, address.device, address.service);
}

std::optional<Address> System::find(std::uint32_t device, std::string_view name) const {
  for (const auto& [address, service] : services_) {
    if (address.device == device && !service.outer && service.name == name) return address;
  }
  return std::nullopt;
}

std::uint64_t System::user_request(std::uint32_t device, Address to, core::Value payload) {
  return post(MessageKind::request, Address{device, user_service}, to, 0, std::move(payload));
}

std::uint64_t System::user_send(std::uint32_t device, Address to, core::Value payload) {
  return post(MessageKind::one_way, Address{device, user_service}, to, 0, std::move(payload));
}

std::uint64_t System::post(MessageKind kind, Address from, Address to, std::uint64_t request,
                           core::Value payload, const Task* by) {
  const std::uint64_t id = next_id_ ? next_id_() : own_next_id_++;
  Message m{id, kind, to, from, kind == MessageKind::request ? id : request, std::move(payload)};
  const bool is_response = kind == MessageKind::success || kind == MessageKind::failure;
  emit(is_response ? EventKind::response : kind == MessageKind::request ? EventKind::request : EventKind::sent,
       from.device, id, to.device,
       fmt::format("lo {} #{} {} -> {}{}{}", to_string(kind), id, to_string(from), to_string(to),
                   is_response ? fmt::format(" (answers #{})", request) : std::string(),
                   by != nullptr ? fmt::format(" {}", to_string(tag(*by))) : std::string()),
       {m.payload});
  in_flight_.push_back(std::move(m));
  return id;
}

std::vector<System::Step> System::enabled(
    const std::function<bool(std::uint32_t, std::uint32_t)>& blocked) const {
  std::vector<Step> steps;
  for (const auto& m : in_flight_) {
    if (blocked && blocked(m.from.device, m.to.device)) continue;
    steps.push_back(Step{Step::Kind::deliver, m.id, {}});
  }
  for (const auto& [address, queue] : queues_) {
    if (queue.empty() || !runnable(address, queue.front())) continue;
    steps.push_back(Step{Step::Kind::run, 0, address});
  }
  return steps;
}

std::string System::describe(const Step& step) const {
  if (step.kind == Step::Kind::deliver) {
    const Message* m = find_in_flight(step.message);
    if (m == nullptr) return fmt::format("lo deliver #{}", step.message);
    return fmt::format("lo deliver #{} {} -> {}", m->id, to_string(m->from), to_string(m->to));
  }
  auto queue = queues_.find(step.queue);
  if (queue == queues_.end() || queue->second.empty()) return fmt::format("lo run {}", to_string(step.queue));
  return fmt::format("lo run {} #{}", to_string(step.queue), queue->second.front().id);
}

// Whether a response to `request` waits in the queue at `at` already (a
// duplicate of it finds it there).
bool System::response_queued(Address at, std::uint64_t request) const {
  auto queue = queues_.find(at);
  if (queue == queues_.end()) return false;
  return std::any_of(queue->second.begin(), queue->second.end(), [request](const Message& m) {
    return (m.kind == MessageKind::success || m.kind == MessageKind::failure) && m.request == request;
  });
}

bool System::runnable(Address queue, const Message& head) const {
  if (head.kind == MessageKind::success || head.kind == MessageKind::failure) return true;
  auto service = services_.find(queue);
  if (service == services_.end() || !service->second.outer) return true;
  const Task* outer = live_task(*service->second.outer);
  if (outer == nullptr) return true;  // the outer task has ended: no more waiting
  // The outer task is alive, so it is waiting for responses to subrequests.
  return policy_ == NestedPolicy::inner_while_outer_waits;
}

const Message* System::find_in_flight(std::uint64_t id) const {
  auto it = std::find_if(in_flight_.begin(), in_flight_.end(), [id](const Message& m) { return m.id == id; });
  return it == in_flight_.end() ? nullptr : &*it;
}

void System::drop(std::uint64_t id) {
  auto it = std::find_if(in_flight_.begin(), in_flight_.end(), [id](const Message& m) { return m.id == id; });
  assert(it != in_flight_.end());
  emit(EventKind::dropped, it->to.device, id, it->from.device,
       fmt::format("lo drop #{} {} -> {}", id, to_string(it->from), to_string(it->to)), {it->payload});
  in_flight_.erase(it);
}

// The copy is the same message (a request keeps its request id) under a new message id.
std::uint64_t System::duplicate(std::uint64_t id) {
  const Message* original = find_in_flight(id);
  assert(original != nullptr);
  Message copy = *original;
  copy.id = next_id_ ? next_id_() : own_next_id_++;
  emit(EventKind::duplicated, copy.to.device, copy.id, copy.from.device,
       fmt::format("lo duplicate #{} as #{} {} -> {}", id, copy.id, to_string(copy.from), to_string(copy.to)),
       {copy.payload});
  in_flight_.push_back(std::move(copy));
  return in_flight_.back().id;
}

void System::apply(const Step& step) {
  if (step.kind == Step::Kind::deliver) {
    deliver(step.message);
  } else {
    run(step.queue);
  }
}

void System::deliver(std::uint64_t message_id) {
  auto it = std::find_if(in_flight_.begin(), in_flight_.end(),
                         [message_id](const Message& m) { return m.id == message_id; });
  assert(it != in_flight_.end());
  Message m = std::move(*it);
  in_flight_.erase(it);
  const bool is_response = m.kind == MessageKind::success || m.kind == MessageKind::failure;
  if (is_response && m.to.service == user_service) {
    auto& inbox = user_inbox_.at(m.to.device);
    if (std::any_of(inbox.begin(), inbox.end(), [&m](const Message& got) { return got.request == m.request; })) {
      emit(EventKind::dropped, m.to.device, m.id, m.from.device,
           fmt::format("lo #{} response dropped: the user of d{} has its response to #{}", m.id, m.to.device,
                       m.request));
      return;
    }
    emit(EventKind::delivered, m.to.device, m.id, m.from.device,
         fmt::format("lo #{} {} response to the user of d{}", m.id, to_string(m.kind), m.to.device),
         {m.payload});
    user_inbox_.at(m.to.device).push_back(std::move(m));
    return;
  }
  if (is_response) {
    auto requester = requester_.find(m.request);
    const Task* task = requester == requester_.end() ? nullptr : live_task(requester->second);
    if (task != nullptr && response_queued(m.to, m.request)) {
      emit(EventKind::dropped, m.to.device, m.id, m.from.device,
           fmt::format("lo #{} response dropped: a response to #{} is queued already", m.id, m.request));
      return;
    }
    if (task == nullptr || task->failed) {
      // Seed 001: "as will any responses received for subrequests after the task has failed".
      emit(EventKind::dropped, m.to.device, m.id, m.from.device,
           fmt::format("lo #{} response dropped: its requesting task has failed or is gone", m.id));
      return;
    }
  } else if (!services_.contains(m.to)) {
    emit(EventKind::dropped, m.to.device, m.id, m.from.device,
         fmt::format("lo #{} dropped: no service at {}", m.id, to_string(m.to)));
    return;
  }
  emit(EventKind::delivered, m.to.device, m.id, m.from.device,
       fmt::format("lo #{} queued at {}{}", m.id, to_string(m.to),
                   is_response ? fmt::format(" (answers #{})", m.request) : std::string()));
  queues_[m.to].push_back(std::move(m));
}

void System::run(Address queue_address) {
  auto& queue = queues_.at(queue_address);
  assert(!queue.empty());
  Message m = std::move(queue.front());
  queue.pop_front();
  if (queue.empty()) queues_.erase(queue_address);
  if (m.kind == MessageKind::success || m.kind == MessageKind::failure) {
    Task* task = live_task(requester_.at(m.request));
    assert(task != nullptr && task->pending.contains(m.request));
    task->pending.erase(m.request);
    requester_.erase(m.request);
    activate(*task, m);
    return;
  }
  const Service& service = services_.at(queue_address);
  const std::uint64_t id = next_task_++;
  auto env = service.env ? service.env : std::make_shared<Environment>();
  Task& task = tasks_[id];
  task.id = id;
  task.service = queue_address;
  task.env = std::move(env);
  task.initiating = m;
  activate(task, task.initiating);
}

void System::activate(Task& task, const Message& message) {
  const auto procedure = services_.at(task.service).procedure;  // held: bind may rehash
  const std::uint64_t id = task.id;
  // Seed 001: an invalid operation halts the task "immediately", whatever the
  // procedure does with the exception: the worker records it as it happens.
  core::InvalidOperationRecord invalid;
  std::optional<std::string> thrown;
  try {
    TaskContext context(*this, id, message, invalid);
    (*procedure)(context);
  } catch (const core::Error& error) {
    thrown = error.what();
  }
  if (invalid.happened()) {
    Task& t = *live_task(id);
    emit(EventKind::aborted, t.service.device, 0, no_device,
         fmt::format("lo invalid operation in task at {}: {} {}", to_string(t.service), invalid.first(),
                     to_string(tag(t))));
    if (failure_handling_ != FailureHandling::swallow || thrown) {
      fail(t, invalid.first());
      return;
    }
  } else if (thrown) {
    fail(*live_task(id), *thrown);
    return;
  }
  Task& after = *live_task(id);
  if (after.pending.empty()) {
    after.finished = true;
    tasks_.erase(id);
  }
}

void System::respond(Task& task, bool success, core::Value payload) {
  assert(task.initiating.kind == MessageKind::request && !task.responded);
  task.responded = true;
  // A task answers once; a duplicate of its request, run as a task of its
  // own, answers again (lo-one-response judges whether that is the same answer).
  ++responses_[task.initiating.request];
  post(success ? MessageKind::success : MessageKind::failure, task.service, task.initiating.from,
       task.initiating.request, std::move(payload), &task);
}

void System::refuse_response(const Task& task, bool success, const core::Value& payload) {
  emit(EventKind::response, task.service.device, 0, task.initiating.from.device,
       fmt::format("lo {} refused: a second response {} -> {} (answers #{}) {}",
                   to_string(success ? MessageKind::success : MessageKind::failure), to_string(task.service),
                   to_string(task.initiating.from), task.initiating.request, to_string(tag(task))),
       {payload});
}

EventTag System::tag(const Task& task) const {
  return EventTag{task.id, services_.at(task.service).name, {}};
}

void System::fail(Task& task, const std::string& why) {
  // Seed 001: "the worker immediately halts execution of the procedure".
  EventTag halted = tag(task);
  halted.pending.assign(task.pending.begin(), task.pending.end());
  const auto& m = task.initiating;
  emit(EventKind::aborted, task.service.device, m.kind == MessageKind::request ? m.request : m.id, no_device,
       fmt::format("lo task at {} halted: {} {}", to_string(task.service), why, to_string(halted)));
  // "If the task is a request, the worker sends a failure response to the sender."
  if (task.initiating.kind == MessageKind::request && !task.responded) {
    respond(task, false, core::Value::string(why));
  }
  // The broken worker of the self-tests leaves a task that still awaits responses alive.
  if (failure_handling_ == FailureHandling::keep_task && !task.pending.empty()) return;
  task.failed = true;
  // "Any responses already received and enqueued for subrequests will be dropped".
  drop_queued(
      task.service, [&task](const Message& m) { return is_response_kind(m.kind) && task.pending.contains(m.request); },
      "its requesting task has failed");
  // Later responses find no live requester and are dropped on delivery.
  for (auto request : task.pending) requester_.erase(request);
  if (failure_handling_ != FailureHandling::keep_bound_services) stop_bound_services(task);
  tasks_.erase(task.id);
}

// The nested services a halted task bound live in its environment, which is
// gone: they stop, their queued messages are dropped, and later messages find
// no service at their addresses.
void System::stop_bound_services(const Task& task) {
  for (auto it = services_.begin(); it != services_.end();) {
    if (it->second.outer != task.id) {
      ++it;
      continue;
    }
    const Address address = it->first;
    it = services_.erase(it);
    drop_queued(address, [](const Message&) { return true; }, "its service stopped with the task that bound it");
  }
}

void System::drop_queued(Address at, const std::function<bool(const Message&)>& which, std::string_view why) {
  auto queue = queues_.find(at);
  if (queue == queues_.end()) return;
  auto& q = queue->second;
  for (auto it = q.begin(); it != q.end();) {
    if (!which(*it)) {
      ++it;
      continue;
    }
    emit(EventKind::dropped, at.device, it->id, it->from.device, fmt::format("lo #{} {}: {}", it->id,
                                                                               is_response_kind(it->kind) ? "response dropped" : "dropped", why));
    it = q.erase(it);
  }
  if (q.empty()) queues_.erase(queue);
}

void System::assign(const System& other) {
  if (this == &other) return;
  devices_ = other.devices_;
  policy_ = other.policy_;
  failure_handling_ = other.failure_handling_;
  own_next_id_ = other.own_next_id_;
  next_task_ = other.next_task_;
  next_service_ = other.next_service_;
  queues_ = other.queues_;
  requester_ = other.requester_;
  responses_ = other.responses_;
  in_flight_ = other.in_flight_;
  user_inbox_ = other.user_inbox_;
  // Environments are the only mutable state reached through pointers: each
  // is copied once, and whoever shared it shares the copy.
  std::map<const Environment*, std::shared_ptr<Environment>> copies;
  auto copy_env = [&copies](const std::shared_ptr<Environment>& env) -> std::shared_ptr<Environment> {
    if (!env) return nullptr;
    auto& copy = copies[env.get()];
    if (!copy) copy = std::make_shared<Environment>(*env);
    return copy;
  };
  services_ = other.services_;
  for (auto& [address, service] : services_) service.env = copy_env(service.env);
  tasks_ = other.tasks_;
  for (auto& [id, task] : tasks_) task.env = copy_env(task.env);
}

void System::crash(std::uint32_t device) {
  std::erase_if(tasks_, [device](const auto& entry) { return entry.second.service.device == device; });
  std::erase_if(queues_, [device](const auto& entry) { return entry.first.device == device; });
  std::erase_if(services_, [device](const auto& entry) {
    return entry.first.device == device && entry.second.outer.has_value();
  });
  std::erase_if(requester_, [this](const auto& entry) { return !tasks_.contains(entry.second); });
}

System::Task* System::live_task(std::uint64_t id) {
  auto it = tasks_.find(id);
  return it == tasks_.end() ? nullptr : &it->second;
}

const System::Task* System::live_task(std::uint64_t id) const {
  auto it = tasks_.find(id);
  return it == tasks_.end() ? nullptr : &it->second;
}

std::uint32_t System::responses_sent(std::uint64_t request) const {
  auto it = responses_.find(request);
  return it == responses_.end() ? 0 : it->second;
}

std::size_t System::live_tasks() const { return tasks_.size(); }

std::uint64_t System::fingerprint() const {
  // Message ids are names, not state: hash contents; in-flight order-independently.
  auto message_hash = [](const Message& m) {
    std::uint64_t h = core::hash_combine(static_cast<std::uint64_t>(m.kind), m.to.device);
    h = core::hash_combine(h, m.to.service);
    h = core::hash_combine(h, m.from.device);
    h = core::hash_combine(h, m.from.service);
    return core::hash_combine(h, m.payload.hash());
  };
  std::uint64_t sum = 0;
  for (const auto& m : in_flight_) sum += core::mix64(message_hash(m));
  std::uint64_t h = core::hash_combine(0x6c6fULL, sum);
  for (const auto& [address, queue] : queues_) {
    h = core::hash_combine(h, address.device);
    h = core::hash_combine(h, address.service);
    for (const auto& m : queue) h = core::hash_combine(h, message_hash(m));
  }
  for (const auto& [id, task] : tasks_) {
    h = core::hash_combine(h, task.service.service);
    h = core::hash_combine(h, task.pending.size());
    for (const auto& [key, value] : *task.env) {
      h = core::hash_combine(h, core::hash_bytes(key));
      h = core::hash_combine(h, value.hash());
    }
  }
  for (const auto& inbox : user_inbox_) h = core::hash_combine(h, inbox.size());
  return h;
}

void System::emit(EventKind kind, std::uint32_t device, std::uint64_t message, std::uint32_t peer,
                  std::string text, std::vector<core::Value> values) {
  if (!emit_) return;
  Event e;
  e.device = device;
  e.kind = kind;
  e.message = message;
  e.peer = peer;
  e.values = std::move(values);
  e.text = std::move(text);
  emit_(std::move(e));
}

}  // namespace frsim::sim::lo
