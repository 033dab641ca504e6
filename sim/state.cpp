#include "sim/state.hpp"

#include <algorithm>
#include <cassert>

#include <fmt/format.h>

#include "core/bytes.hpp"
#include "core/error.hpp"
#include "core/hash.hpp"
#include "core/lattice.hpp"

namespace frsim::sim {

namespace {

using core::DecodeError;
using core::Decoder;
using core::Encoder;

// Flags of a state vector's header.
constexpr std::uint8_t healed_flag = 1;
constexpr std::uint8_t hashed_flag = 2;
constexpr std::uint8_t partitioned_flag = 4;
constexpr std::uint8_t lo_flag = 8;

std::uint32_t small(std::uint64_t n, std::uint64_t limit, const char* what) {
  if (n >= limit) throw DecodeError(fmt::format("corrupt state vector: {} {} out of range", what, n));
  return static_cast<std::uint32_t>(n);
}

void u64(Encoder& out, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) out.u8(static_cast<std::uint8_t>(v >> (8 * i)));
}

std::uint64_t u64(Decoder& in) {
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v |= static_cast<std::uint64_t>(in.u8()) << (8 * i);
  return v;
}

}  // namespace

// Scalars inline; every other value once in a table, then by number.
class StateCodec::Values final : public core::ValueCodec {
 public:
  enum Tag : std::uint8_t { unit, no, yes, integer, ref, table };

  void write(Encoder& out, const core::Value& v) override {
    switch (v.kind()) {
      case core::Kind::unit: out.u8(unit); return;
      case core::Kind::boolean: out.u8(v.as_bool() ? yes : no); return;
      case core::Kind::integer:
        out.u8(integer);
        out.svarint(v.as_int());
        return;
      case core::Kind::ref:
        out.u8(ref);
        out.varint(v.as_ref());
        return;
      default: break;
    }
    out.u8(table);
    out.varint(intern(v));
  }

  core::Value read(Decoder& in) override {
    switch (in.u8()) {
      case unit: return core::Value();
      case no: return core::Value::boolean(false);
      case yes: return core::Value::boolean(true);
      case integer: return core::Value::integer(in.svarint());
      case ref: return core::Value::ref(small(in.varint(), UINT32_MAX, "reactive"));
      case table: return values_.at(small(in.varint(), values_.size(), "value"));
      default: throw DecodeError("corrupt state vector: value tag");
    }
  }

  // The table, and its values at their encoded size (what they hold, roughly).
  std::uint64_t bytes() const {
    return values_.capacity() * sizeof(core::Value) + slots_.capacity() * sizeof(Slot) +
           recent_.size() * sizeof(Recent) + value_bytes_;
  }

 private:
  struct Slot {
    std::uint64_t hash = 0;
    std::uint32_t id = 0;  // index + 1; 0: empty
  };
  struct Recent {
    const void* lattice = nullptr;
    std::uint32_t id = 0;
  };

  // Open addressing by hash, equal values compared. A copy of a world
  // shares its unchanged CRDT values with the original: those are found by
  // address first (the table keeps them alive, so an address is never reused).
  std::uint32_t intern(const core::Value& v) {
    const void* lattice = v.is_crdt() ? static_cast<const void*>(&v.as_crdt()) : nullptr;
    Recent& recent = recent_[(reinterpret_cast<std::uintptr_t>(lattice) >> 4) % recent_.size()];
    if (lattice != nullptr && recent.lattice == lattice) return recent.id;
    const std::uint64_t h = v.hash();
    if ((values_.size() + 1) * 4 > slots_.size() * 3) grow();
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t i = core::mix64(h) & mask;; i = (i + 1) & mask) {
      Slot& slot = slots_[i];
      if (slot.id == 0) {
        slot = Slot{h, static_cast<std::uint32_t>(values_.size() + 1)};
        values_.push_back(v);
        value_bytes_ += v.encoded_size();
        return remember(recent, lattice, slot.id - 1);
      }
      if (slot.hash == h && values_[slot.id - 1] == v) return remember(recent, values_[slot.id - 1], slot.id - 1);
    }
  }

  std::uint32_t remember(Recent& recent, const void* lattice, std::uint32_t id) {
    if (lattice != nullptr) recent = Recent{lattice, id};
    return id;
  }
  // Only the table's own copy may be remembered by address: it stays alive.
  std::uint32_t remember(Recent& recent, const core::Value& stored, std::uint32_t id) {
    if (stored.is_crdt()) recent = Recent{&stored.as_crdt(), id};
    return id;
  }

  void grow() {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(std::max<std::size_t>(old.size() * 2, 1024), Slot{});
    const std::size_t mask = slots_.size() - 1;
    for (const Slot& slot : old) {
      if (slot.id == 0) continue;
      std::size_t i = core::mix64(slot.hash) & mask;
      while (slots_[i].id != 0) i = (i + 1) & mask;
      slots_[i] = slot;
    }
  }

  std::vector<core::Value> values_;
  std::uint64_t value_bytes_ = 0;
  std::vector<Slot> slots_;
  std::vector<Recent> recent_ = std::vector<Recent>(4096);
};

StateCodec::StateCodec(const World& like) : like_(std::make_unique<World>(like)), values_(std::make_unique<Values>()) {
  like_->set_keep_choices(false);
  like_->set_record_events(false);
}

StateCodec::~StateCodec() = default;

std::uint64_t StateCodec::table_bytes() const {
  std::uint64_t total = values_->bytes() + graphs_.size() * 64 + procedures_.size() * 64;
  for (const auto& s : strings_) total += s.size() + 32;
  return total;
}

std::uint32_t StateCodec::string_id(const std::string& s) {
  // Names are few (a scenario's reactive and service names): the first ones
  // are found by comparing, without hashing the string.
  const std::size_t scanned = std::min<std::size_t>(strings_.size(), 8);
  for (std::size_t i = 0; i < scanned; ++i) {
    if (strings_[i] == s) return static_cast<std::uint32_t>(i);
  }
  auto [it, added] = string_ids_.try_emplace(s, static_cast<std::uint32_t>(strings_.size()));
  if (added) strings_.push_back(s);
  return it->second;
}

const std::string& StateCodec::string_at(std::uint64_t id) const {
  return strings_.at(small(id, strings_.size(), "string"));
}

// Graphs are shared by pointer between copies; graphs built again by the
// same creation code (a restart) have the same signature and count as one.
std::uint32_t StateCodec::graph_id(std::uint32_t device, const core::Runtime& runtime) {
  const std::uint64_t sig = core::signature(runtime.dataflow());
  auto [it, added] = graph_ids_.try_emplace({device, sig}, static_cast<std::uint32_t>(graphs_.size()));
  if (added) graphs_.push_back(runtime.share_dataflow());
  return it->second;
}

// ---- encode ---------------------------------------------------------------------

void StateCodec::encode(const World& world, std::vector<std::uint8_t>& out) { encode(world, nullptr, out); }

void StateCodec::encode(const World& world, const World& parent, std::vector<std::uint8_t>& out) {
  encode(world, kept_world_ == &parent ? &kept_ : nullptr, out);
}

void StateCodec::encode(const World& world, const std::vector<std::vector<std::uint8_t>>* kept,
                        std::vector<std::uint8_t>& out) {
  Encoder& e = encoder_;
  e.clear();
  std::uint8_t flags = 0;
  if (world.healed_) flags |= healed_flag;
  if (world.events_on_) flags |= hashed_flag;
  if (world.network_.partitioned()) flags |= partitioned_flag;
  const bool lo = !world.scenario_->services.empty() || !world.lo_.in_flight().empty();
  if (lo) flags |= lo_flag;
  e.u8(flags);
  e.varint(world.step_);
  if (world.events_on_) u64(e, world.event_hash_);
  e.varint(world.budgets_.drops);
  e.varint(world.budgets_.dups);
  e.varint(world.budgets_.crashes);
  e.varint(world.budgets_.partitions);
  const Network& net = world.network_;
  e.varint(net.next_id());
  const auto messages = net.in_flight();
  e.varint(messages.size());
  for (const Message& m : messages) {
    e.varint(m.id);
    e.varint(m.from);
    e.varint(m.to);
    e.varint(string_id(m.name));
    values_->write(e, m.value);
  }
  if (world.network_.partitioned()) {
    for (auto side : *net.sides()) e.u8(side);
  }
  if (lo) encode_lo(world.lo_, e);
  for (std::size_t i = 0; i < world.devices_.size(); ++i) {
    const Device& device = *world.devices_[i];
    // Encodings are canonical given the tables, which only grow: an
    // untouched device encodes to what its parent's did (DESIGN §6,
    // "Expanding a node").
    if (kept != nullptr && !device.touched_ && !(*kept)[i].empty()) {
      e.raw((*kept)[i]);
      continue;
    }
    encode_device(world, device, e);
  }
  const auto& bytes = e.bytes();
  out.insert(out.end(), bytes.begin(), bytes.end());
}

void StateCodec::encode_device(const World& /*world*/, const Device& device, Encoder& e) {
  e.varint(device.storage_.commits);
  e.varint(device.storage_.values.size());
  for (const auto& [r, v] : device.storage_.values) {
    e.varint(r);
    values_->write(e, v);
  }
  // Σ's creation records (reactives operators created, core/README.md).
  e.varint(device.storage_.creations.size());
  for (const auto& record : device.storage_.creations) core::encode_record(e, record, *values_);
  e.varint(device.storage_.promoted.size());
  for (const auto r : device.storage_.promoted) e.varint(r);
  e.varint(device.storage_.names.size());
  for (const auto& [name, r] : device.storage_.names) {
    e.string(name);
    e.varint(r);
  }
  e.varint(device.next_action_);
  e.varint(device.running_request_);
  e.u8(device.up() ? 1 : device.restart_failed_ ? 2 : 0);
  if (!device.up()) return;
  e.varint(graph_id(device.id_, *device.runtime_));
  device.runtime_->encode_state(e, *values_);
  std::uint64_t sent = 0;
  for (const auto& entry : device.last_sent_) sent += entry.sent ? 1 : 0;
  e.varint(device.last_sent_.size());
  e.varint(sent);
  for (std::size_t i = 0; i < device.last_sent_.size(); ++i) {
    const auto& entry = device.last_sent_[i];
    if (!entry.sent) continue;
    // The low bit says whether a re-send count follows (WorldConfig::resends).
    e.varint(i << 1 | (entry.resends > 0 ? 1 : 0));
    values_->write(e, entry.value);
    if (entry.resends > 0) e.varint(entry.resends);
  }
}

void StateCodec::encode_lo(const lo::System& lo, Encoder& e) {
  auto message = [&](const lo::Message& m) {
    e.varint(m.id);
    e.u8(static_cast<std::uint8_t>(m.kind));
    e.varint(m.to.device);
    e.varint(m.to.service);
    e.varint(m.from.device);
    e.varint(m.from.service);
    e.varint(m.request);
    values_->write(e, m.payload);
  };
  // Environments, each once: services and tasks refer to them by number (0: none).
  std::map<const lo::Environment*, std::uint64_t> envs;
  std::vector<const lo::Environment*> env_list;
  auto env_id = [&](const std::shared_ptr<lo::Environment>& env) -> std::uint64_t {
    if (!env) return 0;
    auto [it, added] = envs.try_emplace(env.get(), env_list.size() + 1);
    if (added) env_list.push_back(env.get());
    return it->second;
  };
  for (const auto& [address, service] : lo.services_) env_id(service.env);
  for (const auto& [id, task] : lo.tasks_) env_id(task.env);
  e.varint(env_list.size());
  for (const lo::Environment* env : env_list) {
    e.varint(env->size());
    for (const auto& [key, value] : *env) {
      e.varint(string_id(key));
      values_->write(e, value);
    }
  }
  e.u8(static_cast<std::uint8_t>(lo.failure_handling_));
  e.varint(lo.own_next_id_);
  e.varint(lo.next_task_);
  for (auto n : lo.next_service_) e.varint(n);
  e.varint(lo.services_.size());
  for (const auto& [address, service] : lo.services_) {
    e.varint(address.device);
    e.varint(address.service);
    e.varint(string_id(service.name));
    auto [it, added] = procedure_ids_.try_emplace(service.procedure.get(),
                                                  static_cast<std::uint32_t>(procedures_.size()));
    if (added) procedures_.push_back(service.procedure);
    e.varint(it->second);
    e.varint(service.outer ? *service.outer + 1 : 0);
    e.varint(env_id(service.env));
  }
  e.varint(lo.queues_.size());
  for (const auto& [address, queue] : lo.queues_) {
    e.varint(address.device);
    e.varint(address.service);
    e.varint(queue.size());
    for (const auto& m : queue) message(m);
  }
  e.varint(lo.tasks_.size());
  for (const auto& [id, task] : lo.tasks_) {
    e.varint(id);
    e.varint(task.service.device);
    e.varint(task.service.service);
    e.varint(env_id(task.env));
    message(task.initiating);
    e.u8(static_cast<std::uint8_t>((task.responded ? 1 : 0) | (task.failed ? 2 : 0) | (task.finished ? 4 : 0)));
    e.varint(task.pending.size());
    for (auto p : task.pending) e.varint(p);
  }
  e.varint(lo.requester_.size());
  for (const auto& [request, task] : lo.requester_) {
    e.varint(request);
    e.varint(task);
  }
  e.varint(lo.responses_.size());
  for (const auto& [request, count] : lo.responses_) {
    e.varint(request);
    e.varint(count);
  }
  e.varint(lo.in_flight_.size());
  for (const auto& m : lo.in_flight_) message(m);
  for (const auto& inbox : lo.user_inbox_) {
    e.varint(inbox.size());
    for (const auto& m : inbox) message(m);
  }
}

// ---- decode ---------------------------------------------------------------------

std::unique_ptr<World> StateCodec::decode(std::span<const std::uint8_t> bytes) {
  auto world = std::make_unique<World>(*like_);
  decode(bytes, *world);
  return world;
}

void StateCodec::decode(std::span<const std::uint8_t> bytes, World& world) {
  if (kept_world_ == &world) kept_world_ = nullptr;  // its devices change here unrecorded
  decode_into(bytes, world, nullptr);
}

void StateCodec::decode_over(std::span<const std::uint8_t> bytes, World& world) {
  if (kept_world_ != &world) {
    kept_.assign(world.devices(), {});
    kept_world_ = &world;
  }
  world.forget_changes();
  decode_into(bytes, world, &kept_);
}

void StateCodec::decode_into(std::span<const std::uint8_t> bytes, World& world,
                             std::vector<std::vector<std::uint8_t>>* kept) {
  Decoder d(bytes);
  const std::uint8_t flags = d.u8();
  world.healed_ = (flags & healed_flag) != 0;
  world.heal_outcome_ = HealOutcome{};  // not encoded: searches store worlds before their healing
  world.step_ = d.varint();
  world.event_hash_ = (flags & hashed_flag) != 0 ? u64(d) : event_hash_seed;
  world.budgets_.drops = static_cast<std::uint32_t>(d.varint());
  world.budgets_.dups = static_cast<std::uint32_t>(d.varint());
  world.budgets_.crashes = static_cast<std::uint32_t>(d.varint());
  world.budgets_.partitions = static_cast<std::uint32_t>(d.varint());
  const std::uint64_t next_id = d.varint();
  std::vector<Message> messages(d.count());
  const std::uint32_t n = world.devices();
  for (Message& m : messages) {
    m.id = d.varint();
    m.from = small(d.varint(), n, "device");
    m.to = small(d.varint(), n, "device");
    m.name = string_at(d.varint());
    m.value = values_->read(d);  // Network::restore hashes it
  }
  std::optional<std::vector<std::uint8_t>> sides;
  if ((flags & partitioned_flag) != 0) {
    sides.emplace(n);
    for (auto& side : *sides) side = d.u8();
  }
  world.network_.restore(std::move(messages), std::move(sides), next_id);
  // Without the flag the bytes hold no Lo substrate and the world's stays
  // as it was: not touched, so World::take_changes does not copy it into
  // every child's world (a search's scratch worlds take each node's changes).
  if ((flags & lo_flag) != 0) {
    decode_lo(world.lo_, d);
    world.touch_lo();
  }
  for (std::size_t i = 0; i < world.devices_.size(); ++i) {
    Device& device = *world.devices_[i];
    if (kept == nullptr) {
      decode_device(world, device, d);
      continue;
    }
    std::vector<std::uint8_t>& before = (*kept)[i];
    const auto rest = d.rest();
    if (!before.empty() && rest.size() >= before.size() && std::equal(before.begin(), before.end(), rest.begin())) {
      d.skip(before.size());
      continue;
    }
    before.clear();  // (a decoding that throws leaves nothing to compare with)
    decode_device(world, device, d);
    before.assign(rest.begin(), rest.begin() + static_cast<std::ptrdiff_t>(rest.size() - d.remaining()));
  }
  if (!d.at_end()) throw DecodeError("corrupt state vector: trailing bytes");
  world.choices_.clear();
  world.events_.clear();
}

void StateCodec::decode_device(World& world, Device& device, Decoder& d) {
  device.storage_.commits = d.varint();
  device.storage_.values.clear();
  for (std::uint64_t i = 0, count = d.count(); i < count; ++i) {
    const auto r = small(d.varint(), UINT32_MAX, "reactive");
    device.storage_.values.insert_or_assign(r, values_->read(d));
  }
  device.storage_.creations.clear();
  for (std::uint64_t i = 0, count = d.count(); i < count; ++i) {
    device.storage_.creations.push_back(core::decode_record(d, *values_));
  }
  device.storage_.promoted.clear();
  for (std::uint64_t i = 0, count = d.count(); i < count; ++i) {
    device.storage_.promoted.push_back(small(d.varint(), UINT32_MAX, "reactive"));
  }
  device.storage_.names.clear();
  for (std::uint64_t i = 0, count = d.count(); i < count; ++i) {
    std::string name = d.string();
    device.storage_.names.emplace_back(std::move(name), small(d.varint(), UINT32_MAX, "reactive"));
  }
  device.next_action_ = small(d.varint(), device.workload_->size() + 1, "action");
  device.running_request_ = d.varint();
  world.touch(device);
  const std::uint8_t up = d.u8();
  if (up > 2) throw DecodeError("corrupt state vector: a device is neither up nor down");
  device.restart_failed_ = up == 2;
  if (up != 1) {
    device.runtime_.reset();
    device.reset_last_sent();
    return;
  }
  const auto& graph = graphs_.at(small(d.varint(), graphs_.size(), "graph"));
  if (!device.runtime_) {
    // The template's options: the scenario's customisation of this device.
    core::RuntimeOptions options = like_->devices_[device.id_]->runtime_
                                       ? like_->devices_[device.id_]->runtime_->options()
                                       : core::RuntimeOptions{};
    options.observer = world.runtime_observer(device);
    options.stop = world.stop_;
    device.runtime_ = std::make_unique<core::Runtime>(device.storage_, std::move(options), graph);
  } else if (&device.runtime_->dataflow() != graph.get()) {
    device.runtime_->adopt_dataflow(graph);
  }
  device.runtime_->decode_state(d, *values_);
  // A table size, not a count of what follows.
  device.last_sent_.assign(small(d.varint(), std::uint64_t{1} << 24, "table"), Device::LastSent{});
  for (std::uint64_t i = 0, sent = d.count(); i < sent; ++i) {
    const std::uint64_t at = d.varint();
    auto& entry = device.last_sent_.at(small(at >> 1, device.last_sent_.size(), "peer"));
    entry.sent = true;
    entry.value = values_->read(d);
    if ((at & 1) != 0) entry.resends = small(d.varint(), budget_max + 1, "re-sends");
  }
}

void StateCodec::decode_lo(lo::System& lo, Decoder& d) {
  auto address = [&] {
    lo::Address a;
    a.device = small(d.varint(), lo.devices_, "device");
    a.service = static_cast<std::uint32_t>(d.varint());
    return a;
  };
  auto message = [&] {
    lo::Message m;
    m.id = d.varint();
    const std::uint8_t kind = d.u8();
    if (kind > static_cast<std::uint8_t>(lo::MessageKind::failure)) throw DecodeError("corrupt state vector: Lo kind");
    m.kind = static_cast<lo::MessageKind>(kind);
    m.to = address();
    m.from = address();
    m.request = d.varint();
    m.payload = values_->read(d);
    return m;
  };
  std::vector<std::shared_ptr<lo::Environment>> envs(d.count());
  for (auto& env : envs) {
    env = std::make_shared<lo::Environment>();
    for (std::uint64_t i = 0, count = d.count(); i < count; ++i) {
      const std::string& key = string_at(d.varint());
      (*env)[key] = values_->read(d);
    }
  }
  auto env_at = [&](std::uint64_t id) -> std::shared_ptr<lo::Environment> {
    if (id == 0) return nullptr;
    return envs.at(small(id - 1, envs.size(), "environment"));
  };
  lo.failure_handling_ = static_cast<lo::FailureHandling>(d.u8());
  lo.own_next_id_ = d.varint();
  lo.next_task_ = d.varint();
  for (auto& n : lo.next_service_) n = static_cast<std::uint32_t>(d.varint());
  lo.services_.clear();
  for (std::uint64_t i = 0, count = d.count(); i < count; ++i) {
    const lo::Address at = address();
    lo::System::Service service;
    service.name = string_at(d.varint());
    service.procedure = procedures_.at(small(d.varint(), procedures_.size(), "procedure"));
    const std::uint64_t outer = d.varint();
    if (outer != 0) service.outer = outer - 1;
    service.env = env_at(d.varint());
    lo.services_[at] = std::move(service);
  }
  lo.queues_.clear();
  for (std::uint64_t i = 0, count = d.count(); i < count; ++i) {
    const lo::Address at = address();
    auto& queue = lo.queues_[at];
    for (std::uint64_t k = 0, size = d.count(); k < size; ++k) queue.push_back(message());
  }
  lo.tasks_.clear();
  for (std::uint64_t i = 0, count = d.count(); i < count; ++i) {
    const std::uint64_t id = d.varint();
    lo::System::Task& task = lo.tasks_[id];
    task.id = id;
    task.service = address();
    task.env = env_at(d.varint());
    task.initiating = message();
    const std::uint8_t bits = d.u8();
    task.responded = (bits & 1) != 0;
    task.failed = (bits & 2) != 0;
    task.finished = (bits & 4) != 0;
    for (std::uint64_t k = 0, size = d.count(); k < size; ++k) task.pending.insert(d.varint());
  }
  lo.requester_.clear();
  for (std::uint64_t i = 0, count = d.count(); i < count; ++i) {
    const std::uint64_t request = d.varint();
    lo.requester_[request] = d.varint();
  }
  lo.responses_.clear();
  for (std::uint64_t i = 0, count = d.count(); i < count; ++i) {
    const std::uint64_t request = d.varint();
    lo.responses_[request] = static_cast<std::uint32_t>(d.varint());
  }
  lo.in_flight_.clear();
  for (std::uint64_t i = 0, count = d.count(); i < count; ++i) lo.in_flight_.push_back(message());
  for (auto& inbox : lo.user_inbox_) {
    inbox.clear();
    for (std::uint64_t i = 0, count = d.count(); i < count; ++i) inbox.push_back(message());
  }
}

}  // namespace frsim::sim
