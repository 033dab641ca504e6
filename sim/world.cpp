#include "sim/world.hpp"

#include <algorithm>
#include <array>
#include <cassert>
#include <map>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/hash.hpp"
#include "core/lattice.hpp"
#include "core/wire.hpp"

namespace frsim::sim {

namespace {

constexpr std::array<std::string_view, transition_kind_count> transition_names = {
    "fire", "step", "send", "deliver", "drop", "duplicate",
    "crash", "restart", "partition", "heal", "lo",
};

Transition make(TransitionKind kind, std::uint32_t device) {
  Transition t;
  t.kind = kind;
  t.device = device;
  return t;
}

// The transitions a world lists, compared as the world tells them apart.
bool same_transition(const Transition& a, const Transition& b) {
  return a.kind == b.kind && a.device == b.device && a.peer == b.peer && a.reactive == b.reactive &&
         a.message == b.message && a.lo_step.kind == b.lo_step.kind && a.lo_step.message == b.lo_step.message &&
         a.lo_step.queue == b.lo_step.queue;
}

// Whether a world's network leaves senders out of a message's identity:
// WorldConfig::anonymous_messages, unless partitions (which block by sender)
// may happen.
bool anonymous_network(const WorldConfig& config) { return config.anonymous_messages && config.partitions == 0; }

// Whether `rt` has a distributed reactive labelled `name` (a message for it
// is received, not ignored).
bool has_distributed(const core::Runtime& rt, std::string_view name) {
  const auto r = rt.find(name);
  return r.has_value() && rt.is_distributed(*r);
}

std::size_t index_of(const std::vector<std::uint32_t>& sorted, std::uint32_t x) {
  return static_cast<std::size_t>(std::lower_bound(sorted.begin(), sorted.end(), x) - sorted.begin());
}

}  // namespace

std::string_view to_string(TransitionKind kind) {
  return transition_names.at(static_cast<std::size_t>(kind));
}

std::string Action::description() const {
  const char* verb = kind == Kind::fire ? "fire" : kind == Kind::request ? "request" : "create";
  return fmt::format("{} {} {}", verb, target, value.to_string());
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
  for (const auto& d : runtime_->distributed_reactives()) out.emplace_back(d.name, runtime_->value(d.id));
  return out;
}

void Device::reset_last_sent() {
  for (LastSent& entry : last_sent_) entry = LastSent{};
}

bool Device::may_send(std::size_t k, std::size_t p, const core::Value& v, std::uint32_t resends_max) const {
  const std::size_t at = k * peers_ + p;
  if (at >= last_sent_.size() || !last_sent_[at].sent || !(last_sent_[at].value == v)) return true;
  return last_sent_[at].resends < resends_max;
}

void Device::record_send(std::size_t k, std::size_t p, const core::Value& v) {
  if ((k + 1) * peers_ > last_sent_.size()) last_sent_.resize((k + 1) * peers_);
  LastSent& last = last_sent(k, p);
  const bool again = last.sent && last.value == v;
  last = LastSent{true, v, again ? last.resends + 1 : 0};
}

// Forwards the runtime's rule applications to the world's event stream.
// Texts name what happened; the values are in Event::values (printed by
// readers), so the hot path never prints a value. Installed only while some
// consumer wants events (World::update_events_on).
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
    std::string text(dynamic_cast<const core::ProgramDefect*>(&error) != nullptr ? defect_abort_prefix : "abort: ");
    text += error.what();
    emit(EventKind::aborted, no_reactive, {}, std::move(text));
  }
  void merged(core::ReactiveId r, const core::Value& local, const core::Value& remote,
              const core::Value& result) override {
    emit(EventKind::merged, r, {local, remote, result}, fmt::format("merge {}: local ⊔ remote", label(r)));
  }
  // An aborted receive that names its reactive and the two values M(r) failed on.
  void merge_failed(core::ReactiveId r, const core::Value& local, const core::Value& remote,
                    const core::Error& error) override {
    emit(EventKind::aborted, r, {local, remote}, fmt::format("abort: merge {} failed: {}", label(r), error.what()));
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
      network_(config.topology, (validate(config), config.devices), seed, anonymous_network(config)),
      lo_(config.devices, config.nested, [this](Event e) { emit(std::move(e)); },
          [this] { return network_.allocate_id(); }),
      budgets_{config.drops, config.dups, config.crashes, config.partitions} {
  assert(scenario_ && scenario_->create);
  update_events_on();
  for (std::uint32_t d = 0; d < config_.devices; ++d) {
    auto device = std::make_unique<Device>();
    device->id_ = d;
    device->workload_ = std::make_shared<const std::vector<Action>>(
        scenario_->workload ? scenario_->workload(d, config_.devices) : std::vector<Action>{});
    device->peers_ = network_.neighbors(d).size();
    device->observer_ = std::make_unique<Device::Observer>(*this, *device);
    devices_.push_back(std::move(device));
  }
  for (const auto& service : scenario_->services) {
    for (std::uint32_t d = 0; d < config_.devices; ++d) lo_.install(d, service.name, service.procedure);
  }
  for (auto& device : devices_) start_device(*device, false);
}

World::~World() = default;

World::World(const World& other)
    : scenario_(other.scenario_),
      config_(other.config_),
      seed_(other.seed_),
      sink_(nullptr),
      network_(other.network_),
      lo_(other.config_.devices, other.config_.nested, [this](Event e) { emit(std::move(e)); },
          [this] { return network_.allocate_id(); }),
      budgets_(other.budgets_),
      choices_(other.choices_),
      keep_choices_(other.keep_choices_),
      history_(other.history_),
      step_(other.step_),
      healed_(other.healed_),
      heal_outcome_(other.heal_outcome_),
      record_events_(other.record_events_),
      hash_events_(other.hash_events_),
      events_(other.events_),
      event_hash_(other.event_hash_),
      stop_(other.stop_),
      lo_hash_(other.lo_hash_),
      lo_hashed_(other.lo_hashed_) {
  lo_.assign(other.lo_);
  update_events_on();
  for (const auto& from : other.devices_) {
    auto device = std::make_unique<Device>();
    device->id_ = from->id_;
    device->observer_ = std::make_unique<Device::Observer>(*this, *device);
    devices_.push_back(std::move(device));
  }
  for (std::size_t d = 0; d < devices_.size(); ++d) copy_device(*devices_[d], *other.devices_[d]);
}

World& World::operator=(const World& other) {
  if (this == &other) return *this;
  assert(devices_.size() == other.devices_.size());
  config_ = other.config_;
  seed_ = other.seed_;
  network_ = other.network_;
  lo_.assign(other.lo_);
  budgets_ = other.budgets_;
  choices_ = other.choices_;
  keep_choices_ = other.keep_choices_;
  history_ = other.history_;
  step_ = other.step_;
  healed_ = other.healed_;
  heal_outcome_ = other.heal_outcome_;
  record_events_ = other.record_events_;
  hash_events_ = other.hash_events_;
  events_ = other.events_;
  event_hash_ = other.event_hash_;
  stop_ = other.stop_;
  lo_hash_ = other.lo_hash_;
  lo_hashed_ = other.lo_hashed_;
  update_events_on();
  for (std::size_t d = 0; d < devices_.size(); ++d) copy_device(*devices_[d], *other.devices_[d]);
  touched_.clear();
  lo_touched_ = false;
  return *this;
}

void World::revert_to(const World& other) { copy_changes(other, false); }

void World::take_changes(const World& other) { copy_changes(other, true); }

void World::forget_changes() {
  for (const std::uint32_t d : touched_) {
    devices_[d]->touched_ = false;
    devices_[d]->store_touched_ = false;
  }
  touched_.clear();
  lo_touched_ = false;
}

void World::copy_changes(const World& other, bool theirs) {
  assert(devices_.size() == other.devices_.size());
  network_ = other.network_;
  if (lo_touched_ || (theirs && other.lo_touched_)) lo_.assign(other.lo_);
  lo_touched_ = false;
  budgets_ = other.budgets_;
  // A search keeps neither choices nor events: no assignment, however
  // cheap, for two empty lists at every transition.
  if (!choices_.empty() || !other.choices_.empty()) choices_ = other.choices_;
  history_ = other.history_;
  step_ = other.step_;
  // Only heal() makes an outcome, and it heals the world: an unhealed
  // world's outcome is the empty one, which a search's worlds (never healed
  // but when a schedule ends) need not copy at every transition.
  if (healed_ || other.healed_) heal_outcome_ = other.heal_outcome_;
  healed_ = other.healed_;
  if (!events_.empty() || !other.events_.empty()) events_ = other.events_;
  event_hash_ = other.event_hash_;
  lo_hash_ = other.lo_hash_;
  lo_hashed_ = other.lo_hashed_;
  if (theirs) {
    for (const std::uint32_t d : other.touched_) copy_device(*devices_[d], *other.devices_[d]);
  }
  for (const std::uint32_t d : touched_) {
    Device& to = *devices_[d];
    const Device& from = *other.devices_[d];
    if (!to.touched_) continue;  // copied above
    if (to.store_touched_) {
      copy_device(to, from);
    } else {
      copy_sent(to, from);
    }
  }
  touched_.clear();
}

void World::touch(Device& device) {
  device.store_hashed_ = false;
  device.store_touched_ = true;
  touch_sent(device);
}

void World::touch_sent(Device& device) {
  device.hashed_ = false;
  if (device.touched_) return;
  device.touched_ = true;
  touched_.push_back(device.id_);
}

void World::touch_lo() {
  lo_hashed_ = false;
  lo_touched_ = true;
}

// `to` is this world's device, bound to it (observer, storage); `from` may
// be any world's device of the same number.
void World::copy_device(Device& to, const Device& from) {
  copy_sent(to, from);
  to.store_touched_ = false;
  to.storage_ = from.storage_;
  // The same workload nearly always (a device's is made once): the shared
  // pointer's count is not touched for nothing.
  if (to.workload_ != from.workload_) to.workload_ = from.workload_;
  to.next_action_ = from.next_action_;
  to.restart_failed_ = from.restart_failed_;
  to.running_request_ = from.running_request_;
  to.peers_ = from.peers_;
  to.store_hash_ = from.store_hash_;
  to.store_hashed_ = from.store_hashed_;
  if (!from.runtime_) {
    to.runtime_.reset();
  } else if (to.runtime_) {
    to.runtime_->assign(*from.runtime_);
  } else {
    to.runtime_ = std::make_unique<core::Runtime>(*from.runtime_, to.storage_, runtime_observer(to));
  }
}

// What a send that promoted nothing changes (World::touch_sent): the last
// sends and the device's hash; copy_device copies these and the rest.
void World::copy_sent(Device& to, const Device& from) {
  to.touched_ = false;
  to.last_sent_ = from.last_sent_;
  to.hash_ = from.hash_;
  to.hashed_ = from.hashed_;
}

std::unique_ptr<World> World::rerun() const {
  if (!keep_choices_ && !history_) return nullptr;
  auto again = std::make_unique<World>(scenario_, config_, seed_);
  again->set_record_events(record_events_);
  // The re-run is part of judging this world: the same budget stops it.
  again->set_stop(stop_);
  for (const std::uint32_t index : choice_indices()) {
    check_stop();
    again->apply_index(index);
  }
  if (healed_) again->heal();
  return again;
}

void World::reconfigure(const WorldConfig& config) {
  assert(step_ == 0);
  assert(config.devices == config_.devices && config.grain == config_.grain && config.topology == config_.topology &&
         config.nested == config_.nested);
  validate(config);
  config_ = config;
  budgets_ = Budgets{config.drops, config.dups, config.crashes, config.partitions};
  network_.set_anonymous(anonymous_network(config));
}

std::vector<std::uint32_t> World::choice_indices() const {
  if (!keep_choices_ && history_) return history_();
  std::vector<std::uint32_t> out;
  out.reserve(choices_.size());
  for (const auto& [index, text] : choices_) out.push_back(static_cast<std::uint32_t>(index));
  return out;
}

void World::set_record_events(bool on) {
  record_events_ = on;
  if (!on) events_.clear();
  update_events_on();
}

void World::set_hash_events(bool on) {
  hash_events_ = on;
  update_events_on();
}

void World::set_sink(EventSink* sink) {
  sink_ = sink;
  update_events_on();
}

void World::set_keep_choices(bool on) {
  keep_choices_ = on;
  if (!on) choices_.clear();
}

void World::set_history(std::function<std::vector<std::uint32_t>()> history) { history_ = std::move(history); }

void World::set_stop(const std::atomic<bool>* stop) {
  stop_ = stop;
  for (auto& device : devices_) {
    if (device->runtime_) device->runtime_->set_stop(stop);
  }
}

void World::check_stop() const {
  if (stop_ != nullptr && stop_->load(std::memory_order_relaxed)) throw core::PropagationStopped{};
}

// Events cost their texts: they are made only while something consumes them.
void World::update_events_on() {
  events_on_ = record_events_ || hash_events_ || (sink_ != nullptr && sink_->wants_events());
  for (auto& device : devices_) {
    if (device->runtime_) device->runtime_->set_observer(events_on_ ? device->observer_.get() : nullptr);
  }
}

core::Observer* World::runtime_observer(Device& device) const {
  return events_on_ ? device.observer_.get() : nullptr;
}

void World::start_device(Device& device, bool restart) {
  core::RuntimeOptions options;
  if (scenario_->customize_runtime) scenario_->customize_runtime(device.id_, options);
  options.observer = events_on_ ? device.observer_.get() : nullptr;
  options.stop = stop_;
  device.runtime_ = std::make_unique<core::Runtime>(device.storage_, std::move(options));
  touch(device);
  if (restart && events_on_) {
    Event e;
    e.device = device.id_;
    e.kind = EventKind::restarted;
    e.text = fmt::format("restart d{} from a snapshot of {} commits", device.id_, device.storage_.commits);
    emit(std::move(e));
  }
  try {
    // Paper §2.4: the dataflow graph is reconstructed from the application
    // code; Source/Fold creation takes Σ(r) when present (rules (source),
    // (fold)).
    scenario_->create(*device.runtime_, DeviceContext{device.id_, config_.devices});
    // Thm. 4.24 and §3.4: what operators created after the creation code,
    // and the replicas of promoted reactives this device held, from Σ.
    core::restore_after_creation_code(*device.runtime_, device.id_);
  } catch (const std::exception& e) {
    // The creation code ran on the initial store once; on this Σ it
    // throws. Not bad input: a schedule of this program ends here, and the
    // restoration property reports it with the choices that led to it.
    if (!restart) throw;
    device.runtime_.reset();
    device.restart_failed_ = true;
    device.reset_last_sent();
    touch(device);
    if (events_on_) {
      emit(Event{0, device.id_, EventKind::aborted, no_reactive, {}, {}, 0, no_device,
                 fmt::format("restart d{} failed: {}", device.id_, e.what())});
    }
    return;
  }
  const auto distributed = device.runtime_->distributed_reactives();
  device.last_sent_.assign(distributed.size() * device.peers_, Device::LastSent{});
  if (restart || !config_.initial_values_known) return;
  for (std::size_t k = 0; k < distributed.size(); ++k) {
    for (std::size_t p = 0; p < device.peers_; ++p) {
      device.last_sent(k, p) = Device::LastSent{true, device.runtime_->value(distributed[k].id)};
    }
  }
}

void World::emit(Event event) {
  if (!events_on_) return;
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

// ---- listing ----------------------------------------------------------------------

std::vector<Transition> World::enabled() const {
  std::vector<Transition> out;
  list(out);
  for (Transition& t : out) t.text = describe(t);
  return out;
}

void World::list(std::vector<Transition>& out) const {
  out.clear();
  for (const auto& device : devices_) list_device(*device, out);
  network_.for_each_distinct([&](const Message& m) {
    if (!can_receive(*devices_[m.to]) || network_.blocked(m.from, m.to)) return;
    out.emplace_back(make(TransitionKind::deliver, m.to)).message = m.id;
  });
  // Lo messages travel the same network and suffer the same faults (seed
  // 001 over Fig. 9's channel): FR messages first, then Lo ones by id.
  if (budgets_.drops > 0) {
    network_.for_each_distinct(
        [&](const Message& m) { out.emplace_back(make(TransitionKind::drop, m.to)).message = m.id; });
    for (const auto& m : lo_.in_flight()) out.emplace_back(make(TransitionKind::drop, m.to.device)).message = m.id;
  }
  if (budgets_.dups > 0) {
    network_.for_each_distinct([&](const Message& m) {
      if (config_.duplicates == Duplicates::delivered) {
        if (!can_receive(*devices_[m.to]) || network_.blocked(m.from, m.to)) return;
      } else if (!inbox_has_room(m.to)) {
        return;
      }
      out.emplace_back(make(TransitionKind::duplicate, m.to)).message = m.id;
    });
    for (const auto& m : lo_.in_flight()) {
      out.emplace_back(make(TransitionKind::duplicate, m.to.device)).message = m.id;
    }
  }
  for (const auto& device : devices_) {
    if (device->up() && budgets_.crashes > 0) out.push_back(make(TransitionKind::crash, device->id_));
    if (!device->up() && !device->restart_failed_) out.push_back(make(TransitionKind::restart, device->id_));
  }
  if (!network_.partitioned() && budgets_.partitions > 0 && devices() >= 2) {
    // Isolating one device; with two devices both choices are the same split.
    const std::uint32_t choices = devices() == 2 ? 1 : devices();
    for (std::uint32_t d = 0; d < choices; ++d) out.push_back(make(TransitionKind::partition, d));
  }
  if (network_.partitioned()) out.push_back(make(TransitionKind::heal, no_device));
  list_lo(out);
}

void World::list_lo(std::vector<Transition>& out) const {
  if (scenario_->services.empty() && lo_.in_flight().empty()) return;
  const auto lo_steps = lo_.enabled([this](std::uint32_t from, std::uint32_t to) {
    return network_.blocked(from, to) || !devices_[to]->up();
  });
  for (const auto& step : lo_steps) {
    const std::uint32_t d = step.kind == lo::System::Step::Kind::run ? step.queue.device : no_device;
    out.emplace_back(make(TransitionKind::lo, d)).lo_step = step;
  }
}

void World::list_device(const Device& device, std::vector<Transition>& out) const {
  if (!device.up()) return;
  const core::Runtime& rt = *device.runtime_;
  auto add_fire = [&] {
    if (device.next_action_ < device.workload_->size()) out.push_back(make(TransitionKind::fire, device.id_));
  };
  if (rt.propagating()) {
    // Fine grain: every outdated ready reactive is a choice (Fig. 8). The
    // (skip)s are already applied (skip_ready): what the reduction prunes is
    // only where skips fall among reevaluations, never an order of
    // reevaluations. Only an engine mutant can leave nothing outdated ready.
    auto ready = rt.ready(true);
    if (ready.empty()) ready = {rt.ready(false).front()};
    for (auto r : ready) out.emplace_back(make(TransitionKind::step, device.id_)).reactive = r;
    // Lemma 4.13: no action starts now, unless a checker's mutant
    // (core::ConcurrentActions::join_running) lets it.
    if (rt.admits_concurrent_actions()) add_fire();
    return;
  }
  add_fire();
  // Rule (send): any device may send when no propagation runs: a value that
  // changed since it last went to that peer, or the same again while the
  // re-send budget lasts.
  const auto distributed = rt.distributed_reactives();
  const auto& peers = network_.neighbors(device.id_);
  for (std::size_t k = 0; k < distributed.size(); ++k) {
    const core::Value& v = rt.value(distributed[k].id);
    for (std::size_t p = 0; p < peers.size(); ++p) {
      if (!device.may_send(k, p, v, config_.resends)) continue;
      if (!inbox_has_room(peers[p])) continue;
      Transition& t = out.emplace_back(make(TransitionKind::send, device.id_));
      t.peer = peers[p];
      t.reactive = distributed[k].id;
    }
  }
}

// WorldConfig::inbox_capacity: a full inbox makes (send) wait. The healing
// phase does not ask (reliable delivery).
bool World::inbox_has_room(std::uint32_t device) const {
  return config_.inbox_capacity == 0 || network_.inbox_size(device) < config_.inbox_capacity;
}

// A send that waits for room in a full inbox still counts here: a full inbox
// has a message in flight, so something else (its delivery, or what keeps
// its destination from taking it) is enabled anyway.
bool World::any_enabled() const {
  for (const auto& device : devices_) {
    if (!device->up()) {
      if (!device->restart_failed_) return true;  // restart
      continue;
    }
    if (budgets_.crashes > 0) return true;
    const core::Runtime& rt = *device->runtime_;
    if (rt.propagating()) return true;  // a step
    if (device->next_action_ < device->workload_->size()) return true;
    const auto distributed = rt.distributed_reactives();
    for (std::size_t k = 0; k < distributed.size(); ++k) {
      const core::Value& v = rt.value(distributed[k].id);
      for (std::size_t p = 0; p < device->peers_; ++p) {
        if (device->may_send(k, p, v, config_.resends)) return true;
      }
    }
  }
  if ((!network_.empty() || !lo_.in_flight().empty()) && (budgets_.drops > 0 || budgets_.dups > 0)) return true;
  bool deliverable = false;
  network_.for_each_distinct([&](const Message& m) {
    deliverable = deliverable || (can_receive(*devices_[m.to]) && !network_.blocked(m.from, m.to));
  });
  if (deliverable) return true;
  if (network_.partitioned()) return true;
  if (budgets_.partitions > 0 && devices() >= 2) return true;
  std::vector<Transition> lo;
  list_lo(lo);
  return !lo.empty();
}

std::string World::message_text(const Message& m) const {
  return fmt::format("#{} {} d{}->d{}", m.id, m.name, m.from, m.to);
}

const core::Runtime::Distributed* World::distributed_of(const Transition& t) const {
  if (t.kind != TransitionKind::send || t.device >= devices_.size() || !devices_[t.device]->up()) return nullptr;
  for (const auto& d : devices_[t.device]->runtime_->distributed_reactives()) {
    if (d.id == t.reactive) return &d;
  }
  return nullptr;
}

std::string World::describe(const Transition& t) const {
  switch (t.kind) {
    case TransitionKind::fire:
      return fmt::format("d{} {}", t.device, device(t.device).workload().at(device(t.device).next_action()).description());
    case TransitionKind::step: {
      const auto& label = device(t.device).runtime()->label(t.reactive);
      return label.empty() ? fmt::format("d{} step r{}", t.device, t.reactive) : fmt::format("d{} step {}", t.device, label);
    }
    case TransitionKind::send: {
      const core::Runtime::Distributed* d = distributed_of(t);
      return fmt::format("d{} send {} to d{}", t.device, d != nullptr ? std::string_view(d->name) : "?", t.peer);
    }
    case TransitionKind::deliver:
    case TransitionKind::drop:
    case TransitionKind::duplicate: {
      if (const Message* m = network_.find(t.message)) return fmt::format("{} {}", to_string(t.kind), message_text(*m));
      const lo::Message* m = lo_.find_in_flight(t.message);
      assert(m != nullptr);
      return fmt::format("{} lo #{} {} -> {}", to_string(t.kind), m->id, lo::to_string(m->from), lo::to_string(m->to));
    }
    case TransitionKind::crash: return fmt::format("crash d{}", t.device);
    case TransitionKind::restart: return fmt::format("restart d{}", t.device);
    case TransitionKind::partition: return fmt::format("partition d{} from the others", t.device);
    case TransitionKind::heal: return "heal the partition";
    case TransitionKind::lo: return lo_.describe(t.lo_step);
  }
  return {};
}

// ---- apply ----------------------------------------------------------------------

void World::apply(const Transition& t) {
  assert(!healed_);
  // The trace records t's position in enabled().
  std::vector<Transition> list_now;
  list(list_now);
  auto it = std::find_if(list_now.begin(), list_now.end(), [&t](const Transition& e) { return same_transition(e, t); });
  assert(it != list_now.end());
  apply_enabled(list_now, static_cast<std::size_t>(it - list_now.begin()));
}

Transition World::apply_index(std::size_t index) {
  std::vector<Transition> list_now;
  list(list_now);
  Transition t = std::move(list_now.at(index));
  if (keep_choices_) t.text = describe(t);
  record_choice(index, t);
  do_apply(t);
  return t;
}

void World::apply_enabled(const std::vector<Transition>& enabled, std::size_t index) {
  assert(!healed_);
  assert(index < enabled.size());
  record_choice(index, enabled[index]);
  do_apply(enabled[index]);
}

void World::record_choice(std::size_t index, const Transition& t) {
  if (!keep_choices_) return;
  choices_.emplace_back(index, t.text.empty() ? describe(t) : t.text);
}

void World::do_apply(const Transition& t) {
  ++step_;
  switch (t.kind) {
    case TransitionKind::fire: apply_fire(*devices_.at(t.device)); break;
    case TransitionKind::step: apply_step(*devices_.at(t.device), t.reactive); break;
    case TransitionKind::send: apply_send(*devices_.at(t.device), t.peer, t.reactive); break;
    case TransitionKind::deliver: apply_deliver(t.message); break;
    case TransitionKind::drop: {
      assert(budgets_.drops > 0);
      --budgets_.drops;
      if (network_.find(t.message) == nullptr) {
        touch_lo();
        lo_.drop(t.message);
        break;
      }
      const Message m = network_.take(t.message);
      if (events_on_) {
        emit(Event{0, m.to, EventKind::dropped, no_reactive, {}, {m.value}, m.id, m.from, "drop " + message_text(m)});
      }
      break;
    }
    case TransitionKind::duplicate: {
      assert(budgets_.dups > 0);
      --budgets_.dups;
      if (network_.find(t.message) == nullptr) {
        touch_lo();
        lo_.duplicate(t.message);
        break;
      }
      const std::uint64_t copy = network_.duplicate(t.message);
      if (events_on_) {
        const Message& m = *network_.find(copy);
        emit(Event{0, m.to, EventKind::duplicated, no_reactive, {}, {m.value}, copy, m.from,
                   fmt::format("duplicate #{} as {}", t.message, message_text(m))});
      }
      // WorldConfig::duplicates: the copy is received now, (receive) on it.
      if (config_.duplicates == Duplicates::delivered) apply_deliver(copy);
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
      if (events_on_) {
        emit(Event{0, t.device, EventKind::partitioned, no_reactive, {}, {}, 0, no_device,
                   fmt::format("partition: d{} | the others", t.device)});
      }
      break;
    }
    case TransitionKind::heal:
      network_.heal();
      if (events_on_) emit(Event{0, no_device, EventKind::healed, no_reactive, {}, {}, 0, no_device, "partition healed"});
      break;
    case TransitionKind::lo:
      touch_lo();
      lo_.apply(t.lo_step);
      break;
  }
}

void World::apply_fire(Device& device) {
  touch(device);
  const Action& action = device.workload_->at(device.next_action_++);
  if (action.kind == Action::Kind::request) {
    auto address = lo_.find(device.id_, action.target);
    if (!address) {
      throw core::Error(fmt::format("workload of d{}: no Lo service '{}'", device.id_, action.target));
    }
    touch_lo();
    lo_.user_request(device.id_, *address, action.value);
    return;
  }
  if (action.kind == Action::Kind::create) {
    // Not a propagation (Fig. 6's rules): a Map it creates evaluates once,
    // as in the creation code. A procedure the creation code did not define
    // is the workload's error, like a Lo service that does not exist.
    device.runtime_->create(action.target, action.value);
    return;
  }
  // Lo: `fire` is a request to the device, answered when the action commits.
  const std::uint64_t request = network_.allocate_id();
  if (events_on_) {
    emit(Event{0, device.id_, EventKind::request, no_reactive, {}, {action.value}, request, no_device,
               fmt::format("d{} user: {}", device.id_, action.description())});
  }
  core::Runtime& rt = *device.runtime_;
  auto r = rt.find(action.target);
  device.running_request_ = request;
  if (!r) {
    core::ActionResult failed;
    failed.committed = false;
    failed.failure = fmt::format("no reactive labelled '{}'", action.target);
    after_action(device, failed);
    return;
  }
  if (config_.grain == Grain::coarse) {
    after_action(device, rt.fire(*r, action.value));
  } else {
    after_action(device, skip_ready(rt, rt.begin_fire(*r, action.value)));
  }
}

void World::apply_step(Device& device, core::ReactiveId r) {
  touch(device);
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
  if (request == 0 || !events_on_) return;
  Event e{0, device.id_, EventKind::response, no_reactive, {}, {}, request, no_device, {}};
  if (result.committed) {
    e.text = fmt::format("d{} success: committed", device.id_);
  } else {
    e.values.push_back(core::Value::string(result.failure));
    e.text = fmt::format("d{} failure: {}", device.id_, result.failure);
  }
  emit(std::move(e));
}

// Runs `convert` (core::serialise or core::deserialise) on the device's
// runtime. Promotions and new replicas add distributed reactives, which
// moves the rows of last_sent_ (by name, ascending): each row stays with its
// reactive, and a new reactive starts unsent.
template <class Convert>
core::Value World::travel(Device& device, Convert&& convert) {
  thread_local std::vector<core::ReactiveId> before;
  before.clear();
  for (const auto& d : device.runtime_->distributed_reactives()) before.push_back(d.id);
  core::Value out = convert();
  const auto after = device.runtime_->distributed_reactives();
  if (after.size() == before.size()) return out;
  std::vector<Device::LastSent> rows(after.size() * device.peers_);
  for (std::size_t k = 0; k < after.size(); ++k) {
    const auto old = std::find(before.begin(), before.end(), after[k].id);
    if (old == before.end()) continue;
    const auto was = static_cast<std::size_t>(old - before.begin());
    for (std::size_t p = 0; p < device.peers_ && (was + 1) * device.peers_ <= device.last_sent_.size(); ++p) {
      rows[k * device.peers_ + p] = std::move(device.last_sent(was, p));
    }
  }
  device.last_sent_ = std::move(rows);
  return out;
}

void World::apply_send(Device& device, std::uint32_t peer, core::ReactiveId r) {
  touch_sent(device);
  core::Runtime& rt = *device.runtime_;
  // §3.4: what travels names the reactives it refers to, promoting those
  // that are not distributed yet (which adds distributed reactives). A
  // promotion is serialise's only change to the store.
  const std::size_t distributed_before = rt.distributed_reactives().size();
  core::Value wire;
  try {
    wire = travel(device, [&] { return core::serialise(rt, device.id_, r); });
  } catch (...) {
    touch(device);  // whatever serialise changed before it threw is copied back too
    throw;
  }
  const auto distributed = rt.distributed_reactives();
  if (distributed.size() != distributed_before) touch(device);
  const auto k = static_cast<std::size_t>(
      std::find_if(distributed.begin(), distributed.end(), [r](const auto& d) { return d.id == r; }) -
      distributed.begin());
  assert(k < distributed.size());
  const core::Value& v = rt.value(r);
  const std::uint64_t id = network_.send(device.id_, peer, distributed[k].name, wire);
  device.record_send(k, index_of(network_.neighbors(device.id_), peer), v);
  if (events_on_) {
    emit(Event{0, device.id_, EventKind::sent, r, distributed[k].name, {wire}, id, peer,
               fmt::format("send {} d{}->d{} as #{}", distributed[k].name, device.id_, peer, id)});
  }
}

void World::apply_deliver(std::uint64_t id) { deliver(network_.take(id)); }

void World::deliver(Message m) {
  Device& device = *devices_.at(m.to);
  touch(device);
  core::Runtime& rt = *device.runtime_;
  if (core::promoted_by(device.id_, m.name)) {
    // §3.4: the creator of a promoted reactive is its only writer; a
    // replica's copy is never newer than its own value.
    if (events_on_) {
      emit(Event{0, m.to, EventKind::delivered, no_reactive, {}, {m.value}, m.id, m.from,
                 fmt::format("deliver {}: d{} promoted it and is its only writer, ignored", message_text(m), m.to)});
    }
    return;
  }
  // References by this device's ids; replicas of promoted reactives created
  // the first time their names arrive (core/wire.hpp).
  const core::Value value = travel(device, [&] { return core::deserialise(rt, device.id_, m.name, m.value); });
  const auto r = rt.find(m.name);
  const bool known = has_distributed(rt, m.name);
  if (events_on_) {
    emit(Event{0, m.to, EventKind::delivered, known ? *r : no_reactive, known ? m.name : std::string(), {m.value},
               m.id, m.from,
               known ? fmt::format("deliver {}", message_text(m))
                     : fmt::format("deliver {}: no distributed reactive of that name, ignored", message_text(m))});
  }
  if (!known) {
    resend_later(m);
    return;
  }
  // Fig. 9 (receive): v = merge(µ(r).val, vr), then a propagation with r active.
  device.running_request_ = 0;  // replication is one-way: no response
  if (config_.grain == Grain::coarse) {
    after_action(device, rt.receive(m.name, value));
  } else {
    after_action(device, skip_ready(rt, rt.begin_receive(m.name, value)));
  }
}

// The receiver has no reactive of that name yet (an operator creates it
// later, core/README.md "Creation"): the sender forgets having sent it there,
// so it may send the value again (Fig. 9 lets a device send at any time; the
// world otherwise offers only values that changed since the last send). No
// message of the creation code's reactives can arrive before they exist.
void World::resend_later(const Message& m) {
  Device& sender = *devices_.at(m.from);
  if (!sender.up()) return;
  const auto distributed = sender.runtime_->distributed_reactives();
  const auto k = static_cast<std::size_t>(
      std::find_if(distributed.begin(), distributed.end(), [&](const auto& d) { return d.name == m.name; }) -
      distributed.begin());
  const std::size_t p = index_of(network_.neighbors(sender.id_), m.to);
  const std::size_t at = k * sender.peers_ + p;
  if (k == distributed.size() || at >= sender.last_sent_.size()) return;
  touch_sent(sender);
  sender.last_sent_[at] = Device::LastSent{};
}

void World::apply_crash(Device& device) {
  assert(budgets_.crashes > 0);
  --budgets_.crashes;
  touch(device);
  const bool lost_action = device.propagating();
  // Volatile state is lost; the snapshot (storage_) survives (paper §2.4).
  device.runtime_.reset();
  device.running_request_ = 0;  // the running action is lost: never answered
  device.reset_last_sent();
  touch_lo();
  lo_.crash(device.id_);
  if (events_on_) {
    emit(Event{0, device.id_, EventKind::crashed, no_reactive, {}, {}, 0, no_device,
               lost_action ? fmt::format("crash d{} mid-propagation: the running action is lost", device.id_)
                           : fmt::format("crash d{}", device.id_)});
  }
}

// ---- healing --------------------------------------------------------------------

std::uint64_t healing_rounds_max(std::uint32_t devices) { return 64 + 16 * std::uint64_t{devices}; }

namespace {

// v and the values inside it, counted until `cap` is reached.
std::uint64_t weight(const core::Value& v, std::uint64_t cap) {
  std::uint64_t n = 1;
  const auto add = [&](const core::Value& inner) {
    if (n < cap) n += weight(inner, cap - n);
  };
  switch (v.kind()) {
    case core::Kind::list:
      for (const core::Value& item : v.as_list()) {
        add(item);
        if (n >= cap) break;
      }
      break;
    case core::Kind::map:
      for (const auto& [key, value] : v.as_map()) {
        add(key);
        add(value);
        if (n >= cap) break;
      }
      break;
    case core::Kind::crdt: v.as_crdt().for_each_value(add); break;
    default: break;
  }
  return n;
}

}  // namespace

std::uint64_t World::distributed_weight(std::uint64_t cap) const {
  std::uint64_t total = 0;
  for (const auto& device : devices_) {
    if (!device->up()) continue;
    const core::Runtime& rt = *device->runtime_;
    for (const auto& d : rt.distributed_reactives()) {
      total += weight(rt.value(d.id), cap - total);
      if (total >= cap) return total;
    }
  }
  return total;
}

// Each step below applies exactly the transition that the first enabled one
// of its kind would be (the order of enabled()), so a healed trace replays
// bit for bit; none of them lists the world.
const HealOutcome& World::heal() {
  assert(!healed_);
  healed_ = true;
  HealOutcome& out = heal_outcome_;
  out = HealOutcome{};
  out.rounds_max = healing_rounds_max(devices());
  Healing healing;
  healing.started = step_;
  if (events_on_) emit(Event{0, no_device, EventKind::heal_started, no_reactive, {}, {}, 0, no_device, "healing phase"});
  if (network_.partitioned()) heal_apply(healing, make(TransitionKind::heal, no_device));
  for (auto& device : devices_) {
    if (!device->up() && !device->restart_failed_ && !heal_apply(healing, make(TransitionKind::restart, device->id_))) {
      break;
    }
  }
  while (heal_step(healing)) check_stop();
  // Every device sends every distributed reactive to every neighbour at least
  // once (paper §3.4: "messages are eventually sent to every other interested
  // device at least once"): a dropped message whose value never changed again
  // would otherwise never be sent again, and two devices could not converge.
  for (auto& device : devices_) {
    device->reset_last_sent();
    touch(*device);
  }
  // Reliable delivery and anti-entropy until quiescence. Each round delivers
  // (and finishes the propagations of) everything in flight, then sends every
  // changed value. With joins this terminates within a round or so per hop of
  // the topology (values only grow in their lattices); without, the world may
  // come back to a state it was in after an earlier round (a lasso: watched
  // from the round where a join would be done) or keep changing (the budget).
  const auto round = [&] {
    bool progress = false;
    while (heal_deliver(healing) || heal_step(healing) || heal_lo(healing)) {
      progress = true;
      check_stop();
    }
    return heal_sends(healing) || progress;
  };
  const std::uint64_t watched_from = devices() + 1;
  std::map<std::uint64_t, std::uint64_t> seen;  // fingerprint after a round -> step then
  const std::uint64_t weight_max =
      std::max(HealOutcome::outgrown_min, HealOutcome::outgrown_factor * distributed_weight(HealOutcome::outgrown_min));
  for (;;) {
    const bool progress = round();
    if (healing.over_budget(step_, config_.steps_max) && healing_pending()) {
      out.kind = HealOutcome::Kind::budget;
      break;
    }
    if (!progress) break;
    if (distributed_weight(weight_max + 1) > weight_max) {
      out.kind = HealOutcome::Kind::budget;
      out.outgrown = true;
      break;
    }
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
    healing.log = &out.cycle;
    while (out.cycle.size() < std::min<std::uint64_t>(out.cycle_steps, HealOutcome::cycle_shown_max) && round()) {
    }
    break;
  }
  out.steps = step_ - healing.started;
  return out;
}

// Something healing would still apply: a delivery, a step, a Lo step or a send.
bool World::healing_pending() const {
  std::vector<Transition> all;
  list(all);
  return std::any_of(all.begin(), all.end(), [](const Transition& t) {
    return t.kind == TransitionKind::deliver || t.kind == TransitionKind::step || t.kind == TransitionKind::lo ||
           t.kind == TransitionKind::send;
  });
}

// Applies a healing transition, unless the healing budget (config().steps_max
// transitions) is spent; names it while a cycle is being named.
bool World::heal_apply(Healing& healing, const Transition& t) {
  if (healing.over_budget(step_, config_.steps_max)) return false;
  if (healing.log != nullptr && healing.log->size() < HealOutcome::cycle_shown_max) {
    healing.log->push_back(describe(t));
  }
  do_apply(t);
  return true;
}

// The first step of the first propagating device.
bool World::heal_step(Healing& healing) {
  for (auto& device : devices_) {
    if (!device->propagating()) continue;
    const core::Runtime& rt = *device->runtime_;
    auto ready = rt.ready(true);
    Transition t = make(TransitionKind::step, device->id_);
    t.reactive = ready.empty() ? rt.ready(false).front() : ready.front();
    return heal_apply(healing, t);
  }
  return false;
}

// The first message in canonical order whose destination can take it.
bool World::heal_deliver(Healing& healing) {
  const auto all = network_.in_flight();
  for (std::size_t i = all.size(); i-- > 0;) {
    const Message& m = all[i];
    if (!can_receive(*devices_[m.to]) || network_.blocked(m.from, m.to)) continue;
    Transition t = make(TransitionKind::deliver, m.to);
    t.message = m.id;
    return heal_apply(healing, t);
  }
  return false;
}

bool World::heal_lo(Healing& healing) {
  if (scenario_->services.empty() && lo_.in_flight().empty()) return false;
  std::vector<Transition> steps;
  list_lo(steps);
  if (steps.empty()) return false;
  return heal_apply(healing, steps.front());
}

// Whether device d, if it is up, has a distributed reactive of that name or
// would create its replica on arrival (a promoted reactive's name, §3.4). A
// message it would ignore (deliver) leaves its sender free to send again
// (resend_later), so healing, which sends every changed value until nothing
// changes, would send and ignore it forever where d never creates the
// reactive (one made by a workload action or an operator that d has not
// run): healing does not send it. A device that is down is healed first.
bool World::would_accept(std::uint32_t d, const std::string& name) const {
  const Device& device = *devices_.at(d);
  if (!device.up() || core::parse_promoted_name(name)) return true;
  return has_distributed(*device.runtime_, name);
}

// Every changed value to every neighbour: device, reactive (by name), peer.
// True if it sent anything.
bool World::heal_sends(Healing& healing) {
  bool sent = false;
  for (auto& device : devices_) {
    if (!device->up() || device->propagating()) continue;
    const core::Runtime& rt = *device->runtime_;
    const auto& peers = network_.neighbors(device->id_);
    for (std::size_t k = 0; k < rt.distributed_reactives().size(); ++k) {
      for (std::size_t p = 0; p < peers.size(); ++p) {
        // Read again after every send: a send may promote (core/wire.hpp),
        // which adds distributed reactives and may move the list. One added
        // before k is sent in the next round; the one at k then comes again
        // and is skipped as sent.
        const auto distributed = rt.distributed_reactives();
        const core::Value& v = rt.value(distributed[k].id);
        if (!device->may_send(k, p, v, 0)) continue;  // healing sends changed values only
        if (!would_accept(peers[p], distributed[k].name)) continue;
        Transition t = make(TransitionKind::send, device->id_);
        t.peer = peers[p];
        t.reactive = distributed[k].id;
        if (!heal_apply(healing, t)) return sent;
        sent = true;
        check_stop();
      }
    }
  }
  return sent;
}

// ---- identity ---------------------------------------------------------------------

std::uint64_t World::device_store_hash(std::uint32_t d) const {
  const Device& device = *devices_.at(d);
  device_hash(device);
  return device.store_hash_;
}

std::uint64_t World::device_hash(const Device& device) const {
  if (device.hashed_) return device.hash_;
  using core::hash_combine;
  if (!device.store_hashed_) {
    const std::uint64_t store = device.up() ? device.runtime_->fingerprint()
                                : device.restart_failed_ ? 0xdeadfa11ULL
                                                         : 0xdeadULL;
    device.store_hash_ = hash_combine(store, device.storage_.fingerprint());
    device.store_hashed_ = true;
  }
  std::uint64_t h = hash_combine(device.store_hash_, device.next_action_);
  h = hash_combine(h, device.running_request_ != 0);
  if (device.up()) {
    // What was last sent, summed over (reactive, peer) (core/hash.hpp, hash_at).
    std::uint64_t sent = 0;
    const auto distributed = device.runtime_->distributed_reactives();
    const auto& peers = network_.neighbors(device.id_);
    for (std::size_t k = 0; k < distributed.size(); ++k) {
      for (std::size_t p = 0; p < peers.size(); ++p) {
        const std::size_t at = k * device.peers_ + p;
        if (at >= device.last_sent_.size() || !device.last_sent_[at].sent) continue;
        std::uint64_t what = device.last_sent_[at].value.hash();
        // Only a world with a re-send budget has counts.
        if (device.last_sent_[at].resends > 0) what = hash_combine(what, device.last_sent_[at].resends);
        sent += core::hash_at(hash_combine(distributed[k].name_hash, peers[p]), what);
      }
    }
    h = hash_combine(h, sent);
  }
  device.hash_ = h;
  device.hashed_ = true;
  return h;
}

std::uint64_t World::lo_fingerprint() const {
  if (!lo_hashed_) {
    lo_hash_ = lo_.fingerprint();
    lo_hashed_ = true;
  }
  return lo_hash_;
}

std::uint64_t World::fingerprint() const {
  using core::hash_at;
  lo_fingerprint();
  // The parts side by side (core/hash.hpp, hash_at), each at its place.
  std::uint64_t parts = hash_at(0, network_.fingerprint()) + hash_at(1, lo_hash_) + hash_at(2, budgets_.drops) +
                        hash_at(3, budgets_.dups) + hash_at(4, budgets_.crashes) + hash_at(5, budgets_.partitions);
  for (std::size_t d = 0; d < devices_.size(); ++d) parts += hash_at(6 + d, device_hash(*devices_[d]));
  return core::hash_combine(0x776f726c64ULL, parts);
}

}  // namespace frsim::sim
