#pragma once
// The world, its transitions, and how to walk them (DESIGN §6).
//
//   World        devices (a core::Runtime each, built by the scenario's creation
//                code, plus durable storage: its Snapshot), the network (the
//                multiset S of in-flight messages over a topology, with
//                partitions), per-device workloads, fault budgets, the Lo
//                substrate for plain Lo services, and the event stream.
//   Transition   one step of the world, from enabled(), in a deterministic
//                order, with a stable one-line description.
//   Property     not here: properties observe the event stream (EventSink) and
//                the end state; they never steer (checker/).
//
// Transitions (paper Fig. 9 and the list), in this order:
//   fire       the device performs its next workload action: a request to the
//              device (Lo: `fire` is a request, answered at commit or abort),
//              or a Lo request to one of the scenario's services;
//   step       fine grain: one (reevaluate)+(write) rule on an outdated ready
//              reactive, (commit) when all are processed; (skip)s are applied
//              as soon as they apply (see World::skip_ready: only where skips
//              fall among reevaluations is pruned); coarse grain has none,
//              `fire` and `deliver` run the whole propagation;
//   send       rule (send): (r, µ(r).val) to one topology neighbour, only when
//              the value changed since the last send to that peer (volatile
//              bookkeeping: a restarted device sends everything again);
//   deliver    rule (receive): merge + propagation, on every receive; only when
//              no propagation runs on the device (its worker is busy otherwise)
//              and no partition separates sender and destination;
//   drop, duplicate   bounded by budgets;
//   crash      the Runtime is destroyed (volatile state, running propagation,
//              Lo tasks lost), the Snapshot is kept; bounded by budget;
//   restart    a new Runtime over the Snapshot, creation code re-run;
//   partition  isolates one device from the others; bounded by budget;
//   heal       joins the network again;
//   lo         a Lo step: deliver a Lo message to its queue or run a worker.
// Equal in-flight messages (same sender, destination, name, value) are listed
// once: delivering, dropping or duplicating either gives the same world.
//
// Branching: clone() re-executes the choice prefix from the initial state (the
// device runtimes hold closures and cannot be copied). Its cost is linear in
// the prefix length; explorers that branch often should keep prefixes short or
// replay incrementally.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/runtime.hpp"
#include "sim/config.hpp"
#include "sim/event.hpp"
#include "sim/lo/system.hpp"
#include "sim/network.hpp"
#include "sim/scenario.hpp"

namespace frsim::sim {

enum class TransitionKind : std::uint8_t {
  fire, step, send, deliver, drop, duplicate, crash, restart, partition, heal, lo,
};
inline constexpr std::size_t transition_kind_count = 11;
std::string_view to_string(TransitionKind kind);

struct Transition {
  TransitionKind kind = TransitionKind::fire;
  std::uint32_t device = no_device;       // who acts (partition: the isolated device)
  std::uint32_t peer = no_device;         // send: destination
  core::ReactiveId reactive = no_reactive;  // step
  std::string name;                       // send: the distributed reactive's name
  std::uint64_t message = 0;              // deliver, drop, duplicate
  lo::System::Step lo_step;               // lo
  std::string text;

  const std::string& description() const { return text; }
};

// Faults a schedule may still inject.
struct Budgets {
  std::uint32_t drops = 0;
  std::uint32_t dups = 0;
  std::uint32_t crashes = 0;
  std::uint32_t partitions = 0;
  friend bool operator==(const Budgets&, const Budgets&) = default;
};

// How the healing phase ended. Lemma 4.16 (eventual consistency) assumes
// that merges are joins and that the program stops producing values once its
// workload is done; when a user's program breaks that premise, healing does
// not quiesce. That is a finding (the checker's convergence property reports
// it), never an error: the world stops healing and says how it ended.
struct HealOutcome {
  enum class Kind : std::uint8_t {
    quiesced,  // nothing in flight and nothing changed
    cycle,     // a lasso: the world's fingerprint after a round repeated
    budget,    // still changing when the healing budget ran out
  };
  Kind kind = Kind::quiesced;
  std::uint64_t steps = 0;   // healing transitions applied
  std::uint64_t rounds = 0;  // rounds of reliable delivery, then anti-entropy
  std::uint64_t rounds_max = 0;  // the budget in rounds (steps: config().steps_max)
  // cycle: the repeated fingerprint, the length of one turn of the cycle in
  // transitions, and the descriptions of (at most cycle_shown_max of) them.
  std::uint64_t fingerprint = 0;
  std::uint64_t cycle_steps = 0;
  std::vector<std::string> cycle;

  static constexpr std::size_t cycle_shown_max = 12;
  bool quiesced() const { return kind == Kind::quiesced; }
};

// Rounds a healing phase may take before it counts as diverging. A join
// needs about one round per hop of the topology for each level of
// distributed reactives computed from distributed reactives; this leaves a
// wide margin over that and still ends a diverging heal in a few hundred
// transitions.
std::uint64_t healing_rounds_max(std::uint32_t devices);

class World;

class Device {
 public:
  std::uint32_t id() const { return id_; }
  bool up() const { return runtime_ != nullptr; }
  // Null while crashed.
  const core::Runtime* runtime() const { return runtime_.get(); }
  const core::Snapshot& snapshot() const { return storage_; }
  bool propagating() const { return runtime_ && runtime_->propagating(); }
  // µ(r).val of the reactive labelled `label`; nullopt if crashed or unknown.
  std::optional<core::Value> value(std::string_view label) const;
  // Distributed reactives (name, value), ascending by name; empty while crashed.
  std::vector<std::pair<std::string, core::Value>> distributed_values() const;
  const std::vector<Action>& workload() const { return workload_; }
  std::size_t next_action() const { return next_action_; }

 private:
  friend class World;
  class Observer;

  std::uint32_t id_ = 0;
  core::Snapshot storage_;                  // durable: survives crashes
  std::unique_ptr<core::Runtime> runtime_;  // volatile: null while crashed
  std::unique_ptr<Observer> observer_;
  std::vector<Action> workload_;
  std::size_t next_action_ = 0;
  // The user request answered when the running propagation commits (0: none,
  // e.g. a receive, which is a one-way message).
  std::uint64_t running_request_ = 0;
  // (peer, name) -> value last sent; volatile.
  std::map<std::pair<std::uint32_t, std::string>, core::Value> last_sent_;
};

class World {
 public:
  World(std::shared_ptr<const Scenario> scenario, WorldConfig config, std::uint64_t seed,
        EventSink* sink = nullptr);
  World(const Scenario& scenario, WorldConfig config, std::uint64_t seed, EventSink* sink = nullptr);
  ~World();
  World(const World&) = delete;
  World& operator=(const World&) = delete;

  std::vector<Transition> enabled() const;
  // Precondition: `t` is one of enabled() and heal() has not run.
  void apply(const Transition& t);
  // apply(enabled().at(index)); returns the transition applied.
  Transition apply_index(std::size_t index);
  // The same without listing again: `enabled` must be this world's enabled()
  // in its current state (hot paths list once, choose, apply).
  void apply_enabled(const std::vector<Transition>& enabled, std::size_t index);
  // The healing phase: heal any partition, restart crashed devices, finish
  // running propagations, then deliver every message reliably and let every
  // device send every changed distributed reactive to every neighbour, until
  // nothing is in flight and nothing changed (quiescence) — or until the
  // world repeats itself or the healing budget runs out (a diverging
  // program): the outcome says which. It never fires the rest of a workload.
  const HealOutcome& heal();
  bool healed() const { return healed_; }
  const HealOutcome& heal_outcome() const { return heal_outcome_; }

  // >= 64 bits, independent of message send order and message ids; equal
  // worlds fingerprint equal.
  std::uint64_t fingerprint() const;
  // A world equal to this one, by re-executing the choice prefix (see top).
  // The clone has no sink; it records events iff this one does.
  std::unique_ptr<World> clone() const;

  // ---- accessors -----------------------------------------------------------
  const Scenario& scenario() const { return *scenario_; }
  const std::shared_ptr<const Scenario>& scenario_ptr() const { return scenario_; }
  const WorldConfig& config() const { return config_; }
  std::uint64_t seed() const { return seed_; }
  std::uint32_t devices() const { return static_cast<std::uint32_t>(devices_.size()); }
  const Device& device(std::uint32_t d) const { return *devices_.at(d); }
  const Network& network() const { return network_; }
  const lo::System& lo() const { return lo_; }
  const Budgets& budgets_left() const { return budgets_; }
  // The choices applied so far (indices into enabled() at the time), healing excluded.
  const std::vector<std::pair<std::size_t, std::string>>& choices() const { return choices_; }
  std::uint64_t steps() const { return step_; }

  // Events are kept (events()) unless recording is off; the hash always runs.
  const std::vector<Event>& events() const { return events_; }
  std::uint64_t event_hash() const { return event_hash_; }
  void set_record_events(bool on) { record_events_ = on; }
  void set_sink(EventSink* sink) { sink_ = sink; }

 private:
  friend class Device::Observer;

  void start_device(Device& device, bool restart);
  void do_apply(const Transition& t);
  void apply_fire(Device& device);
  void apply_step(Device& device, core::ReactiveId r);
  core::ActionResult skip_ready(core::Runtime& rt, core::ActionResult result);
  void apply_send(Device& device, std::uint32_t peer, const std::string& name);
  void apply_deliver(std::uint64_t message);
  void apply_crash(Device& device);
  void after_action(Device& device, const core::ActionResult& result);
  bool can_receive(const Device& device) const;
  bool healing_pending() const;
  void list_device(const Device& device, std::vector<Transition>& out) const;
  void emit(Event event);

  std::shared_ptr<const Scenario> scenario_;
  WorldConfig config_;
  std::uint64_t seed_;
  EventSink* sink_;
  Network network_;
  lo::System lo_;
  std::vector<std::unique_ptr<Device>> devices_;
  Budgets budgets_;
  std::vector<std::pair<std::size_t, std::string>> choices_;
  std::uint64_t step_ = 0;
  bool healed_ = false;
  HealOutcome heal_outcome_;
  bool record_events_ = true;
  std::vector<Event> events_;
  std::uint64_t event_hash_ = event_hash_seed;
};

}  // namespace frsim::sim
