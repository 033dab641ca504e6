#include "sim/world.hpp"

#include <algorithm>
#include <array>
#include <cassert>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/hash.hpp"

namespace frsim::sim {

namespace {

constexpr std::array<std::string_view, transition_kind_count> transition_names = {
    "fire", "step", "send", "deliver", "drop", "duplicate",
    "crash", "restart", "partition", "heal", "lo",
};

std::string message_text(const Message& m) {
  return fmt::format("#{} {} d{}->d{}", m.id, m.name, m.from, m.to);
}

}  // namespace

std::string_view to_string(TransitionKind kind) {
  return transition_names.at(static_cast<std::size_t>(kind));
}

std::string Action::description() const {
  return fmt::format("{} {} {}", kind == Kind::fire ? "fire" : "request", target, value.to_string());
}

// ---- Device -------------------------------------------------------------------

std::optional<core::Value> Device::value(std::string_view label) const {
  if (!runtime_) return std::nullopt;
  auto r = runtime_->find(label);
  if (!r) return std::nullopt;
  return runtime_->value(*r);
}

std::vector<std::pair<std::string, core::Value>> Device::distributed_values() const {
  std::vector<std::pair<std::string, core::Value>> out;
  if (!runtime_) return out;
  for (const auto& [name, r] : runtime_->distributed()) out.emplace_back(name, runtime_->value(r));
  return out;
}

// Forwards the runtime's rule applications to the world's event stream.
// Texts name what happened; the values are in Event::values (printed by
// readers), so the hot path never prints a value.
class Device::Observer final : public core::Observer {
 public:
  Observer(World& world, Device& device) : world_(world), device_(device) {}

  void created(core::ReactiveId r, core::ReactiveKind kind, std::string_view label) override {
    emit(EventKind::created, r, {}, fmt::format("create {} {}", core::to_string(kind), label));
  }
  void action_started(core::ActionKind kind, core::ReactiveId r, const core::Value& v) override {
    const char* what = kind == core::ActionKind::fire ? "fire" : kind == core::ActionKind::receive ? "receive" : "create";
    emit(EventKind::action_started, r, {v}, fmt::format("{} {}", what, label(r)));
  }
  void reevaluated(core::ReactiveId r, std::span<const core::ReactiveId>,
                   std::span<const core::Value> inputs) override {
    emit(EventKind::reevaluated, r, {inputs.begin(), inputs.end()}, fmt::format("reevaluate {}", label(r)));
  }
  void written(core::ReactiveId r, const core::Value& v) override {
    emit(EventKind::written, r, {v}, fmt::format("write {}", label(r)));
  }
  void skipped(core::ReactiveId r) override { emit(EventKind::skipped, r, {}, fmt::format("skip {}", label(r))); }
  void committed(std::span<const core::ReactiveId> active) override {
    std::string text = "commit, active:";
    std::vector<core::Value> ids;
    for (auto r : active) {
      text += " ";
      text += label(r);
      ids.push_back(core::Value::integer(r));
    }
    emit(EventKind::committed, no_reactive, std::move(ids), std::move(text));
  }
  void aborted(const core::Error& error) override {
    std::string text = "abort: ";
    text += error.what();
    emit(EventKind::aborted, no_reactive, {}, std::move(text));
  }
  void merged(core::ReactiveId r, const core::Value& local, const core::Value& remote,
              const core::Value& result) override {
    emit(EventKind::merged, r, {local, remote, result}, fmt::format("merge {}: local ⊔ remote", label(r)));
  }
  void restored(core::ReactiveId r, const core::Value& v) override {
    emit(EventKind::restored, r, {v}, fmt::format("restore {} from the snapshot", label(r)));
  }

 private:
  std::string label(core::ReactiveId r) const {
    const auto* rt = device_.runtime_.get();
    if (rt == nullptr || r >= rt->size()) return fmt::format("r{}", r);
    const auto& l = rt->label(r);
    return l.empty() ? fmt::format("r{}", r) : l;
  }
  void emit(EventKind kind, core::ReactiveId r, std::vector<core::Value> values, std::string text) {
    Event e;
    e.device = device_.id_;
    e.kind = kind;
    e.reactive = r;
    if (r != no_reactive) e.reactive_label = label(r);
    e.values = std::move(values);
    e.text = std::move(text);
    world_.emit(std::move(e));
  }

  World& world_;
  Device& device_;
};

// ---- World ----------------------------------------------------------------------

World::World(const Scenario& scenario, WorldConfig config, std::uint64_t seed, EventSink* sink)
    : World(std::make_shared<const Scenario>(scenario), config, seed, sink) {}

World::World(std::shared_ptr<const Scenario> scenario, WorldConfig config, std::uint64_t seed,
             EventSink* sink)
    : scenario_(std::move(scenario)),
      config_(config),
      seed_(seed),
      sink_(sink),
      network_(config.topology, (validate(config), config.devices), seed),
      lo_(config.devices, config.nested, [this](Event e) { emit(std::move(e)); },
          [this] { return network_.allocate_id(); }),
      budgets_{config.drops, config.dups, config.crashes, config.partitions} {
  assert(scenario_ && scenario_->create);
  for (std::uint32_t d = 0; d < config_.devices; ++d) {
    auto device = std::make_unique<Device>();
    device->id_ = d;
    if (scenario_->workload) device->workload_ = scenario_->workload(d, config_.devices);
    devices_.push_back(std::move(device));
  }
  for (const auto& service : scenario_->services) {
    for (std::uint32_t d = 0; d < config_.devices; ++d) lo_.install(d, service.name, service.procedure);
  }
  for (auto& device : devices_) start_device(*device, false);
}

World::~World() = default;

void World::start_device(Device& device, bool restart) {
  device.observer_ = std::make_unique<Device::Observer>(*this, device);
  core::RuntimeOptions options;
  if (scenario_->customize_runtime) scenario_->customize_runtime(device.id_, options);
  options.observer = device.observer_.get();
  device.runtime_ = std::make_unique<core::Runtime>(device.storage_, std::move(options));
  if (restart) {
    Event e;
    e.device = device.id_;
    e.kind = EventKind::restarted;
    e.text = fmt::format("restart d{} from a snapshot of {} commits", device.id_, device.storage_.commits);
    emit(std::move(e));
  }
  // Paper §2.4: the dataflow graph is reconstructed from the application code;
  // Source/Fold creation takes Σ(r) when present (rules (source), (fold)).
  scenario_->create(*device.runtime_, DeviceContext{device.id_, config_.devices});
}

void World::emit(Event event) {
  event.step = step_;
  event_hash_ = combine_event_hash(event_hash_, event);
  if (sink_ != nullptr) sink_->on_event(event);
  if (record_events_) events_.push_back(std::move(event));
}

// Lemma 4.13: a busy worker takes no (receive); only a checker's mutant
// (core::ConcurrentActions::join_running) lets one start anyway.
bool World::can_receive(const Device& device) const {
  return device.up() && (!device.propagating() || device.runtime_->admits_concurrent_actions());
}

// ---- enabled ----------------------------------------------------------------------

std::vector<Transition> World::enabled() const {
  std::vector<Transition> out;
  auto add = [&out](TransitionKind kind, std::uint32_t device, std::string text) -> Transition& {
    Transition t;
    t.kind = kind;
    t.device = device;
    t.text = std::move(text);
    out.push_back(std::move(t));
    return out.back();
  };
  for (const auto& device : devices_) list_device(*device, out);
  const auto messages = network_.distinct();
  for (const Message* m : messages) {
    if (!can_receive(*devices_[m->to]) || network_.blocked(m->from, m->to)) continue;
    add(TransitionKind::deliver, m->to, "deliver " + message_text(*m)).message = m->id;
  }
  if (budgets_.drops > 0) {
    for (const Message* m : messages) add(TransitionKind::drop, m->to, "drop " + message_text(*m)).message = m->id;
  }
  if (budgets_.dups > 0) {
    for (const Message* m : messages) {
      add(TransitionKind::duplicate, m->to, "duplicate " + message_text(*m)).message = m->id;
    }
  }
  for (const auto& device : devices_) {
    if (device->up() && budgets_.crashes > 0) add(TransitionKind::crash, device->id_, fmt::format("crash d{}", device->id_));
    if (!device->up()) add(TransitionKind::restart, device->id_, fmt::format("restart d{}", device->id_));
  }
  if (!network_.partitioned() && budgets_.partitions > 0 && devices() >= 2) {
    // Isolating one device; with two devices both choices are the same split.
    const std::uint32_t choices = devices() == 2 ? 1 : devices();
    for (std::uint32_t d = 0; d < choices; ++d) {
      add(TransitionKind::partition, d, fmt::format("partition d{} from the others", d));
    }
  }
  if (network_.partitioned()) add(TransitionKind::heal, no_device, "heal the partition");
  const auto lo_steps = lo_.enabled([this](std::uint32_t from, std::uint32_t to) {
    return network_.blocked(from, to) || !devices_[to]->up();
  });
  for (const auto& step : lo_steps) {
    const std::uint32_t d = step.kind == lo::System::Step::Kind::run ? step.queue.device : no_device;
    add(TransitionKind::lo, d, step.description).lo_step = step;
  }
  return out;
}

void World::list_device(const Device& device, std::vector<Transition>& out) const {
  if (!device.up()) return;
  const core::Runtime& rt = *device.runtime_;
  auto add = [&](TransitionKind kind, std::string text) -> Transition& {
    Transition t;
    t.kind = kind;
    t.device = device.id_;
    t.text = std::move(text);
    out.push_back(std::move(t));
    return out.back();
  };
  auto add_fire = [&] {
    if (device.next_action_ >= device.workload_.size()) return;
    add(TransitionKind::fire, fmt::format("d{} {}", device.id_, device.workload_[device.next_action_].description()));
  };
  if (rt.propagating()) {
    // Fine grain: every outdated ready reactive is a choice (Fig. 8). The
    // (skip)s are already applied (skip_ready): what the reduction prunes is
    // only where skips fall among reevaluations, never an order of
    // reevaluations. Only an engine mutant can leave nothing outdated ready.
    auto ready = rt.ready(true);
    if (ready.empty()) ready = {rt.ready(false).front()};
    for (auto r : ready) {
      const auto& label = rt.label(r);
      add(TransitionKind::step, fmt::format("d{} step {}", device.id_, label.empty() ? fmt::format("r{}", r) : label))
          .reactive = r;
    }
    // Lemma 4.13: no action starts now, unless a checker's mutant
    // (core::ConcurrentActions::join_running) lets it.
    if (rt.admits_concurrent_actions()) add_fire();
    return;
  }
  add_fire();
  // Rule (send): any device may send when no propagation runs.
  for (const auto& [name, r] : rt.distributed()) {
    const core::Value& v = rt.value(r);
    for (auto peer : network_.neighbors(device.id_)) {
      auto last = device.last_sent_.find({peer, name});
      if (last != device.last_sent_.end() && last->second == v) continue;
      Transition& t = add(TransitionKind::send, fmt::format("d{} send {} to d{}", device.id_, name, peer));
      t.peer = peer;
      t.name = name;
    }
  }
}

// ---- apply ----------------------------------------------------------------------

void World::apply(const Transition& t) {
  assert(!healed_);
  // The trace records t's position in enabled(), checked by its description.
  const auto list = enabled();
  auto it = std::find_if(list.begin(), list.end(), [&t](const Transition& e) { return e.text == t.text; });
  assert(it != list.end());
  choices_.emplace_back(static_cast<std::size_t>(it - list.begin()), t.text);
  do_apply(t);
}

Transition World::apply_index(std::size_t index) {
  auto list = enabled();
  apply_enabled(list, index);
  return std::move(list.at(index));
}

void World::apply_enabled(const std::vector<Transition>& enabled, std::size_t index) {
  assert(!healed_);
  assert(index < enabled.size());
  choices_.emplace_back(index, enabled[index].text);
  do_apply(enabled[index]);
}

void World::do_apply(const Transition& t) {
  ++step_;
  switch (t.kind) {
    case TransitionKind::fire: apply_fire(*devices_.at(t.device)); break;
    case TransitionKind::step: apply_step(*devices_.at(t.device), t.reactive); break;
    case TransitionKind::send: apply_send(*devices_.at(t.device), t.peer, t.name); break;
    case TransitionKind::deliver: apply_deliver(t.message); break;
    case TransitionKind::drop: {
      assert(budgets_.drops > 0);
      --budgets_.drops;
      const Message m = network_.take(t.message);
      emit(Event{0, m.to, EventKind::dropped, no_reactive, {}, {m.value}, m.id, m.from, "drop " + message_text(m)});
      break;
    }
    case TransitionKind::duplicate: {
      assert(budgets_.dups > 0);
      --budgets_.dups;
      const std::uint64_t copy = network_.duplicate(t.message);
      const Message& m = *network_.find(copy);
      emit(Event{0, m.to, EventKind::duplicated, no_reactive, {}, {m.value}, copy, m.from,
                 fmt::format("duplicate #{} as {}", t.message, message_text(m))});
      break;
    }
    case TransitionKind::crash: apply_crash(*devices_.at(t.device)); break;
    case TransitionKind::restart: start_device(*devices_.at(t.device), true); break;
    case TransitionKind::partition: {
      assert(budgets_.partitions > 0);
      --budgets_.partitions;
      std::vector<std::uint8_t> side(devices(), 0);
      side.at(t.device) = 1;
      network_.partition(std::move(side));
      emit(Event{0, t.device, EventKind::partitioned, no_reactive, {}, {}, 0, no_device,
                 fmt::format("partition: d{} | the others", t.device)});
      break;
    }
    case TransitionKind::heal:
      network_.heal();
      emit(Event{0, no_device, EventKind::healed, no_reactive, {}, {}, 0, no_device, "partition healed"});
      break;
    case TransitionKind::lo: lo_.apply(t.lo_step); break;
  }
}

void World::apply_fire(Device& device) {
  const Action action = device.workload_.at(device.next_action_++);
  if (action.kind == Action::Kind::request) {
    auto address = lo_.find(device.id_, action.target);
    if (!address) {
      throw core::Error(fmt::format("workload of d{}: no Lo service '{}'", device.id_, action.target));
    }
    lo_.user_request(device.id_, *address, action.value);
    return;
  }
  // Lo: `fire` is a request to the device, answered when the action commits.
  const std::uint64_t request = network_.allocate_id();
  emit(Event{0, device.id_, EventKind::request, no_reactive, {}, {action.value}, request, no_device,
             fmt::format("d{} user: {}", device.id_, action.description())});
  core::Runtime& rt = *device.runtime_;
  auto r = rt.find(action.target);
  if (!r) {
    device.running_request_ = request;
    core::ActionResult failed;
    failed.committed = false;
    failed.failure = fmt::format("no reactive labelled '{}'", action.target);
    after_action(device, failed);
    return;
  }
  device.running_request_ = request;
  if (config_.grain == Grain::coarse) {
    after_action(device, rt.fire(*r, action.value));
  } else {
    after_action(device, skip_ready(rt, rt.begin_fire(*r, action.value)));
  }
}

void World::apply_step(Device& device, core::ReactiveId r) {
  after_action(device, skip_ready(*device.runtime_, device.runtime_->step(r)));
}

// Fine grain: (skip) applied at once to every ready reactive that is not
// outdated, until only outdated ones are ready. A skip changes neither µ nor
// A, and a ready reactive that is not outdated stays so (its inputs are all
// processed: none can join A), so skipping it early only makes more
// reactives ready: every order of (reevaluate)s the calculus allows is still
// offered, and orders that differ only in where skips fall are one.
core::ActionResult World::skip_ready(core::Runtime& rt, core::ActionResult result) {
  while (rt.propagating() && result.failure.empty()) {
    const auto ready = rt.ready(false);
    const auto outdated = rt.ready(true);
    auto skip = std::find_if(ready.begin(), ready.end(), [&](core::ReactiveId r) {
      return !std::binary_search(outdated.begin(), outdated.end(), r);
    });
    if (skip == ready.end()) break;
    result = rt.step(*skip);
  }
  return result;
}

// The action ends when no propagation runs any more: answer its request.
void World::after_action(Device& device, const core::ActionResult& result) {
  // Mid-propagation results (fine grain) have committed == false and no failure.
  if (device.runtime_ && device.runtime_->propagating()) return;
  const std::uint64_t request = std::exchange(device.running_request_, 0);
  if (request == 0) return;
  Event e{0, device.id_, EventKind::response, no_reactive, {}, {}, request, no_device, {}};
  if (result.committed) {
    e.text = fmt::format("d{} success: committed", device.id_);
  } else {
    e.values.push_back(core::Value::string(result.failure));
    e.text = fmt::format("d{} failure: {}", device.id_, result.failure);
  }
  emit(std::move(e));
}

void World::apply_send(Device& device, std::uint32_t peer, const std::string& name) {
  const core::Runtime& rt = *device.runtime_;
  const auto r = rt.find(name);
  assert(r.has_value());
  const core::Value v = rt.value(*r);
  const std::uint64_t id = network_.send(device.id_, peer, name, v);
  device.last_sent_[{peer, name}] = v;
  emit(Event{0, device.id_, EventKind::sent, *r, name, {v}, id, peer,
             fmt::format("send {} d{}->d{} as #{}", name, device.id_, peer, id)});
}

void World::apply_deliver(std::uint64_t id) {
  const Message m = network_.take(id);
  Device& device = *devices_.at(m.to);
  core::Runtime& rt = *device.runtime_;
  const auto r = rt.find(m.name);
  const bool known = r.has_value() && rt.is_distributed(*r);
  emit(Event{0, m.to, EventKind::delivered, known ? *r : no_reactive, known ? m.name : std::string(), {m.value},
             m.id, m.from,
             known ? fmt::format("deliver {}", message_text(m))
                   : fmt::format("deliver {}: no distributed reactive of that name, ignored", message_text(m))});
  if (!known) return;
  // Fig. 9 (receive): v = merge(µ(r).val, vr), then a propagation with r active.
  device.running_request_ = 0;  // replication is one-way: no response
  if (config_.grain == Grain::coarse) {
    after_action(device, rt.receive(m.name, m.value));
  } else {
    after_action(device, skip_ready(rt, rt.begin_receive(m.name, m.value)));
  }
}

void World::apply_crash(Device& device) {
  assert(budgets_.crashes > 0);
  --budgets_.crashes;
  const bool lost_action = device.propagating();
  // Volatile state is lost; the snapshot (storage_) survives (paper §2.4).
  device.runtime_.reset();
  device.observer_.reset();
  device.running_request_ = 0;  // the running action is lost: never answered
  device.last_sent_.clear();
  lo_.crash(device.id_);
  emit(Event{0, device.id_, EventKind::crashed, no_reactive, {}, {}, 0, no_device,
             lost_action ? fmt::format("crash d{} mid-propagation: the running action is lost", device.id_)
                         : fmt::format("crash d{}", device.id_)});
}

// ---- healing --------------------------------------------------------------------

std::uint64_t healing_rounds_max(std::uint32_t devices) { return 64 + 16 * std::uint64_t{devices}; }

const HealOutcome& World::heal() {
  assert(!healed_);
  healed_ = true;
  HealOutcome& out = heal_outcome_;
  out = HealOutcome{};
  out.rounds_max = healing_rounds_max(devices());
  const std::uint64_t healing_started = step_;
  emit(Event{0, no_device, EventKind::heal_started, no_reactive, {}, {}, 0, no_device, "healing phase"});
  const auto over_budget = [&] { return step_ - healing_started >= config_.steps_max; };
  std::vector<std::string>* log = nullptr;  // while naming a cycle's transitions
  auto apply_first = [&](TransitionKind kind) {
    if (over_budget()) return false;
    for (const auto& t : enabled()) {
      if (t.kind == kind) {
        if (log != nullptr && log->size() < HealOutcome::cycle_shown_max) log->push_back(t.text);
        do_apply(t);
        return true;
      }
    }
    return false;
  };
  if (network_.partitioned()) apply_first(TransitionKind::heal);
  while (apply_first(TransitionKind::restart)) {
  }
  while (apply_first(TransitionKind::step)) {
  }
  // Every device sends every distributed reactive to every neighbour at least
  // once (paper §3.4: "messages are eventually sent to every other interested
  // device at least once"): a dropped message whose value never changed again
  // would otherwise never be sent again, and two devices could not converge.
  for (auto& device : devices_) device->last_sent_.clear();
  // Reliable delivery and anti-entropy until quiescence. Each round delivers
  // (and finishes the propagations of) everything in flight, then sends every
  // changed value. With joins this terminates within a round or so per hop of
  // the topology (values only grow in their lattices); without, the world may
  // come back to a state it was in after an earlier round (a lasso: watched
  // from the round where a join would be done) or keep changing (the budget).
  const auto round = [&] {
    bool progress = false;
    while (apply_first(TransitionKind::deliver) || apply_first(TransitionKind::step) ||
           apply_first(TransitionKind::lo)) {
      progress = true;
    }
    while (apply_first(TransitionKind::send)) progress = true;
    return progress;
  };
  const std::uint64_t watched_from = devices() + 1;
  std::map<std::uint64_t, std::uint64_t> seen;  // fingerprint after a round -> step then
  for (;;) {
    const bool progress = round();
    if (over_budget() && healing_pending()) {
      out.kind = HealOutcome::Kind::budget;
      break;
    }
    if (!progress) break;
    if (++out.rounds >= out.rounds_max) {
      out.kind = HealOutcome::Kind::budget;
      break;
    }
    if (out.rounds < watched_from) continue;
    const std::uint64_t fp = fingerprint();
    const auto [first, fresh] = seen.emplace(fp, step_);
    if (fresh) continue;
    out.kind = HealOutcome::Kind::cycle;
    out.fingerprint = fp;
    out.cycle_steps = step_ - first->second;
    // The world is deterministic from here: one more turn applies the
    // cycle's transitions again, which names them.
    log = &out.cycle;
    while (out.cycle.size() < std::min<std::uint64_t>(out.cycle_steps, HealOutcome::cycle_shown_max) && round()) {
    }
    break;
  }
  out.steps = step_ - healing_started;
  return out;
}

// Something healing would still apply: a delivery, a step, a Lo step or a send.
bool World::healing_pending() const {
  const auto list = enabled();
  return std::any_of(list.begin(), list.end(), [](const Transition& t) {
    return t.kind == TransitionKind::deliver || t.kind == TransitionKind::step || t.kind == TransitionKind::lo ||
           t.kind == TransitionKind::send;
  });
}

// ---- identity ---------------------------------------------------------------------

std::uint64_t World::fingerprint() const {
  using core::hash_combine;
  std::uint64_t h = hash_combine(0x776f726c64ULL, network_.fingerprint());
  h = hash_combine(h, lo_.fingerprint());
  h = hash_combine(h, budgets_.drops);
  h = hash_combine(h, budgets_.dups);
  h = hash_combine(h, budgets_.crashes);
  h = hash_combine(h, budgets_.partitions);
  for (const auto& device : devices_) {
    h = hash_combine(h, device->up() ? device->runtime_->fingerprint() : 0xdeadULL);
    h = hash_combine(h, device->storage_.fingerprint());
    h = hash_combine(h, device->next_action_);
    h = hash_combine(h, device->running_request_ != 0);
    h = hash_combine(h, device->last_sent_.size());
    for (const auto& [key, value] : device->last_sent_) {
      h = hash_combine(h, key.first);
      h = hash_combine(h, core::hash_bytes(key.second));
      h = hash_combine(h, value.hash());
    }
  }
  return h;
}

std::unique_ptr<World> World::clone() const {
  auto copy = std::make_unique<World>(scenario_, config_, seed_);
  copy->record_events_ = record_events_;
  if (!record_events_) copy->events_.clear();
  for (const auto& [index, text] : choices_) {
    const Transition t = copy->apply_index(index);
    assert(t.text == text);
  }
  if (healed_) copy->heal();
  return copy;
}

}  // namespace frsim::sim
