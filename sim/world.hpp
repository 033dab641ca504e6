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
//   send       rule (send): (r, µ(r).val) to one topology neighbour, when the
//              value changed since the last send to that peer, and up to
//              WorldConfig::resends times more while it has not (Fig. 9: any
//              device may send at any time; the budget keeps the state space
//              finite). Volatile bookkeeping: a restarted device sends
//              everything again. The value travels in wire form
//              (core/wire.hpp: references by global name, reactives that are
//              not distributed promoted, §3.4);
//   deliver    rule (receive): merge + propagation, on every receive; only when
//              no propagation runs on the device (its worker is busy otherwise)
//              and no partition separates sender and destination; the value
//              is deserialised first (replicas of promoted reactives created),
//              and a message for a reactive the device promoted is ignored
//              (it is that reactive's only writer);
//   drop, duplicate   bounded by budgets, on FR and Lo messages alike
//              (WorldConfig says whether an FR duplicate stays in flight or
//              is received at once);
//   crash      the Runtime is destroyed (volatile state, running propagation,
//              Lo tasks lost), the Snapshot is kept; bounded by budget;
//   restart    a new Runtime over the Snapshot, creation code re-run, then the
//              replicas of promoted reactives Σ holds (core::restore_replicas);
//   partition  isolates one device from the others; bounded by budget;
//   heal       joins the network again;
//   lo         a Lo step: deliver a Lo message to its queue or run a worker.
// Equal in-flight messages (same sender, destination, name, value) are listed
// once: delivering, dropping or duplicating either gives the same world.
//
// A world is a value (DESIGN §6): copying one (World's copy constructor,
// clone(), assignment) takes time proportional to its state — the devices'
// stores and snapshots, the messages in flight — never to its history: the
// dataflow graphs and their operators are shared between copies, and every
// binding to the world (the devices' observers, the runtimes' storage, the Lo
// substrate's event stream) is made afresh. rerun() is the other way to get an
// equal world: it re-executes the choices from the seed, which is what the
// determinism check (Lemma 4.12) compares a world with. sim/state.hpp encodes
// a world into a compact byte string and back.
//
// Listing is lean: list() gives the transitions without their descriptions,
// describe() makes one on demand (traces, reports), enabled() does both.
// Events are formatted only when someone consumes them: recording, the event
// hash, or a sink that wants them.

#include <atomic>
#include <cstdint>
#include <functional>
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
  core::ReactiveId reactive = no_reactive;  // step: the reactive; send: the distributed reactive
  std::uint64_t message = 0;              // deliver, drop, duplicate
  lo::System::Step lo_step;               // lo
  std::string text;                       // from enabled() only; empty from list(): words come from World::describe

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
  // budget: the distributed values outgrew what healing takes (they held
  // more than outgrown_factor times the values they held when healing
  // began, and more than outgrown_min): a merge that is no join keeps
  // adding, and the doubling would exhaust memory long before rounds_max.
  bool outgrown = false;
  static constexpr std::uint64_t outgrown_factor = 16;
  static constexpr std::uint64_t outgrown_min = std::uint64_t{1} << 16;
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
  // Down for good: its last restart failed (World::start_device).
  bool restart_failed() const { return restart_failed_; }
  // Null while crashed.
  const core::Runtime* runtime() const { return runtime_.get(); }
  const core::Snapshot& snapshot() const { return storage_; }
  bool propagating() const { return runtime_ && runtime_->propagating(); }
  // µ(r).val of the reactive labelled `label`; nullopt if crashed or unknown.
  std::optional<core::Value> value(std::string_view label) const;
  // Distributed reactives (name, value), ascending by name; empty while crashed.
  std::vector<std::pair<std::string, core::Value>> distributed_values() const;
  const std::vector<Action>& workload() const { return *workload_; }
  std::size_t next_action() const { return next_action_; }
  // The user request answered when the running propagation commits; 0: none.
  std::uint64_t running_request() const { return running_request_; }
  // What this device last sent of its k-th distributed reactive (ascending
  // by name) to its p-th neighbour (ascending); null if nothing since it
  // started. Rule (send) is enabled while the value differs from it.
  const core::Value* last_sent_value(std::size_t k, std::size_t p) const {
    const std::size_t at = k * peers_ + p;
    return at < last_sent_.size() && last_sent_[at].sent ? &last_sent_[at].value : nullptr;
  }
  // How many times that same value was sent again (WorldConfig::resends).
  std::uint32_t last_sent_resends(std::size_t k, std::size_t p) const {
    const std::size_t at = k * peers_ + p;
    return at < last_sent_.size() && last_sent_[at].sent ? last_sent_[at].resends : 0;
  }

 private:
  friend class World;
  friend class StateCodec;
  class Observer;

  // What this device last sent of its k-th distributed reactive (ascending by
  // name) to its p-th neighbour (ascending), if anything: volatile.
  struct LastSent {
    bool sent = false;
    core::Value value;
    std::uint32_t resends = 0;  // sends of this same value after the first (WorldConfig::resends)
  };
  LastSent& last_sent(std::size_t k, std::size_t p) { return last_sent_[k * peers_ + p]; }
  const LastSent& last_sent(std::size_t k, std::size_t p) const { return last_sent_[k * peers_ + p]; }
  void reset_last_sent();
  // Rule (send) of the k-th distributed reactive, whose value is `v`, to the
  // p-th neighbour: a value that changed since the last send to that peer,
  // or the same one while fewer than `resends_max` re-sends of it were made.
  bool may_send(std::size_t k, std::size_t p, const core::Value& v, std::uint32_t resends_max) const;
  void record_send(std::size_t k, std::size_t p, const core::Value& v);

  std::uint32_t id_ = 0;
  core::Snapshot storage_;                  // durable: survives crashes
  std::unique_ptr<core::Runtime> runtime_;  // volatile: null while crashed
  std::unique_ptr<Observer> observer_;      // bound to this device of its world
  std::shared_ptr<const std::vector<Action>> workload_;
  std::size_t next_action_ = 0;
  // Its last restart failed: the creation code (or the replay of Σ's
  // creations) threw on this Σ (an impure creation code, Thm. 4.24 broken).
  // The device stays down and is not restarted again: the creation code is a
  // function of Σ, which a down device does not change.
  bool restart_failed_ = false;
  // The user request answered when the running propagation commits (0: none,
  // e.g. a receive, which is a one-way message).
  std::uint64_t running_request_ = 0;
  std::size_t peers_ = 0;  // neighbours in the topology
  std::vector<LastSent> last_sent_;
  // The device's part of the world fingerprint, and the part of it that is
  // its store and snapshot, while valid.
  mutable std::uint64_t hash_ = 0;
  mutable std::uint64_t store_hash_ = 0;
  mutable bool hashed_ = false;
  mutable bool store_hashed_ = false;
  bool touched_ = false;  // changed since the world last equalled another (World::revert_to)
  // ... and not only in what it last sent (World::touch_sent): its store,
  // snapshot or workload position changed too.
  bool store_touched_ = false;
};

class World {
 public:
  World(std::shared_ptr<const Scenario> scenario, WorldConfig config, std::uint64_t seed,
        EventSink* sink = nullptr);
  World(const Scenario& scenario, WorldConfig config, std::uint64_t seed, EventSink* sink = nullptr);
  ~World();
  // An equal world (see the top of this file). The copy has no sink; it
  // keeps history (choices, recorded events) iff this one does.
  World(const World& other);
  // Becomes equal to `other`, reusing this world's allocations; keeps this
  // world's sink. Both worlds must come from the same scenario and topology.
  World& operator=(const World& other);
  // Becomes equal to `other` again after transitions were applied to a world
  // that equalled it: copies back only what they touched (the devices, the
  // network, the Lo substrate). A search's inner loop: copy a node once,
  // then for each transition apply, look, revert.
  void revert_to(const World& other);
  // Becomes equal to `other` when this world equals what `other` was before
  // the changes it lists (StateCodec::decode_over lists the devices it
  // decoded anew) and, like revert_to, after this world's own transitions:
  // copies the devices either lists.
  void take_changes(const World& other);
  std::unique_ptr<World> clone() const { return std::make_unique<World>(*this); }
  // A fresh world that re-executes this world's choices from the seed (and
  // heals if this one did): the determinism check of Lemma 4.12. Null when
  // this world keeps no choices and has no history source.
  std::unique_ptr<World> rerun() const;
  // A world that has not taken a step yet takes another configuration of the
  // same shape (devices, grain, topology, nested policy): new fault budgets
  // and step limit. Samplers copy one initial world instead of building one
  // per schedule.
  void reconfigure(const WorldConfig& config);

  // Every enabled transition, in the deterministic order, with descriptions.
  std::vector<Transition> enabled() const;
  // The same transitions, in the same order, without descriptions, into
  // `out` (cleared first): the hot path of explorers.
  void list(std::vector<Transition>& out) const;
  // Whether any transition is enabled.
  bool any_enabled() const;
  // The description enabled() gives `t` in this state.
  std::string describe(const Transition& t) const;
  // A send's distributed reactive (name, id, name hash) on its device; null
  // for any other transition or while the device is down.
  const core::Runtime::Distributed* distributed_of(const Transition& t) const;
  // Precondition: `t` is one of enabled() and heal() has not run.
  void apply(const Transition& t);
  // apply(enabled().at(index)); returns the transition applied.
  Transition apply_index(std::size_t index);
  // The same without listing again: `enabled` must be this world's enabled()
  // or list() in its current state (hot paths list once, choose, apply).
  void apply_enabled(const std::vector<Transition>& enabled, std::size_t index);
  // The healing phase: heal any partition, restart crashed devices, finish
  // running propagations, then deliver every message reliably and let every
  // device send every changed distributed reactive to every neighbour, until
  // nothing is in flight and nothing changed (quiescence) — or until the
  // world repeats itself or the healing budget runs out (a diverging
  // program): the outcome says which. It never fires the rest of a workload.
  // Each step costs what it does, not a listing of the world.
  const HealOutcome& heal();
  bool healed() const { return healed_; }
  const HealOutcome& heal_outcome() const { return heal_outcome_; }

  // >= 64 bits, independent of message send order and message ids; equal
  // worlds fingerprint equal. Incremental: a device's part is recomputed only
  // after a transition touched it, the network's is kept as messages come and go.
  std::uint64_t fingerprint() const;
  // Device d's store and snapshot (0xdead for the store while crashed),
  // hashed: the part of the fingerprint a device permutation keeps
  // (explore::Symmetry). Cached like the fingerprint.
  std::uint64_t device_store_hash(std::uint32_t d) const;
  // Device d's whole part of the fingerprint: its store and snapshot, its
  // workload position, whether a request runs, and what it last sent to
  // whom (explore::Symmetry remembers a device's images by it). Cached like
  // the fingerprint.
  std::uint64_t device_fingerprint(std::uint32_t d) const { return device_hash(*devices_.at(d)); }
  // lo().fingerprint(), cached like the fingerprint.
  std::uint64_t lo_fingerprint() const;

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
  // The choices applied so far (indices into enabled() at the time), healing
  // excluded; empty when choices are not kept.
  const std::vector<std::pair<std::size_t, std::string>>& choices() const { return choices_; }
  // The indices of every choice since the initial state: the kept choices,
  // or what the history source says (see set_history).
  std::vector<std::uint32_t> choice_indices() const;
  std::uint64_t steps() const { return step_; }

  // Events are kept (events()) unless recording is off; the hash runs unless
  // it is switched off (then event_hash() stays at its seed).
  const std::vector<Event>& events() const { return events_; }
  std::uint64_t event_hash() const { return event_hash_; }
  void set_record_events(bool on);
  void set_hash_events(bool on);
  void set_sink(EventSink* sink);
  // Explorers keep a world's path themselves (parent links): a world without
  // kept choices costs nothing per transition for them.
  void set_keep_choices(bool on);
  // Where choice_indices() comes from when choices are not kept (an
  // explorer's parent links); may be empty.
  void set_history(std::function<std::vector<std::uint32_t>()> history);
  // A budget's stop request, polled by healing and by every propagation; a
  // set flag throws core::PropagationStopped out of heal() or apply().
  void set_stop(const std::atomic<bool>* stop);
  // The same flag, for work done on this world's behalf (a checker's
  // sequential schedules): null when none was set.
  const std::atomic<bool>* stop() const { return stop_; }

 private:
  friend class Device::Observer;
  friend class StateCodec;

  void copy_device(Device& to, const Device& from);
  void copy_sent(Device& to, const Device& from);
  // revert_to (`theirs` false) and take_changes (true).
  void copy_changes(const World& other, bool theirs);
  // Lists no device as changed (StateCodec::decode_over, before it decodes).
  void forget_changes();
  // A transition changes the device: its hash is stale, revert_to copies it.
  void touch(Device& device);
  // ... changes only what the device last sent (a send that promoted
  // nothing): its store's hash holds, revert_to copies the last sends back.
  void touch_sent(Device& device);
  void touch_lo();
  void start_device(Device& device, bool restart);
  void do_apply(const Transition& t);
  void apply_fire(Device& device);
  void apply_step(Device& device, core::ReactiveId r);
  core::ActionResult skip_ready(core::Runtime& rt, core::ActionResult result);
  void apply_send(Device& device, std::uint32_t peer, core::ReactiveId r);
  template <class Convert>
  core::Value travel(Device& device, Convert&& convert);
  void apply_deliver(std::uint64_t message);
  void deliver(Message m);
  void resend_later(const Message& m);
  bool would_accept(std::uint32_t device, const std::string& name) const;
  void apply_crash(Device& device);
  void after_action(Device& device, const core::ActionResult& result);
  bool can_receive(const Device& device) const;
  bool inbox_has_room(std::uint32_t device) const;
  bool healing_pending() const;
  // How many values the devices' distributed reactives hold (items, entries,
  // CRDT contents, each counted), counted up to `cap`.
  std::uint64_t distributed_weight(std::uint64_t cap) const;
  void list_device(const Device& device, std::vector<Transition>& out) const;
  void list_lo(std::vector<Transition>& out) const;
  std::string message_text(const Message& m) const;
  void record_choice(std::size_t index, const Transition& t);
  std::uint64_t device_hash(const Device& device) const;
  // One healing phase's bookkeeping: where it started (its budget is
  // config().steps_max transitions), and where to name a cycle's transitions
  // while one is being named.
  struct Healing {
    std::uint64_t started = 0;
    std::vector<std::string>* log = nullptr;
    bool over_budget(std::uint64_t step, std::uint64_t steps_max) const { return step - started >= steps_max; }
  };
  // Healing, one kind at a time, in enabled()'s order; false when there is
  // nothing of the kind to do or the budget is spent.
  bool heal_apply(Healing& healing, const Transition& t);
  bool heal_step(Healing& healing);
  bool heal_deliver(Healing& healing);
  bool heal_lo(Healing& healing);
  bool heal_sends(Healing& healing);
  void check_stop() const;
  void update_events_on();
  bool events_on() const { return events_on_; }
  // What a device's runtime reports to: its observer while events are on.
  core::Observer* runtime_observer(Device& device) const;
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
  bool keep_choices_ = true;
  std::function<std::vector<std::uint32_t>()> history_;
  std::uint64_t step_ = 0;
  bool healed_ = false;
  HealOutcome heal_outcome_;
  bool record_events_ = true;
  bool hash_events_ = true;
  bool events_on_ = true;  // some consumer wants events: recording, the hash or the sink
  std::vector<Event> events_;
  std::uint64_t event_hash_ = event_hash_seed;
  const std::atomic<bool>* stop_ = nullptr;
  // lo_.fingerprint(), while valid: the Lo substrate changes only by Lo
  // steps, workload requests and crashes.
  mutable std::uint64_t lo_hash_ = 0;
  mutable bool lo_hashed_ = false;
  // What revert_to copies back.
  std::vector<std::uint32_t> touched_;
  bool lo_touched_ = false;
};

}  // namespace frsim::sim
