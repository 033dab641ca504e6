#pragma once
// One propagation run again in seeded random ready orders from the same
// pre-state (Lemmas 4.11 and 4.12). Fig. 8 lets (skip) or (reevaluate) apply
// to any reactive in ready(P, µ), so every order drawn here is a propagation
// the calculus allows; confluence compares their stores, determinism their
// →D steps (commit or not, the snapshot Σ' and the sends the action makes
// possible).
//
// The pre-state is rebuilt the way a restart builds it (§2.4): the scenario's
// creation code over a copy of the device's snapshot Σ. Between propagations
// that reproduces the device's store µ on a sound engine and program (Lemma
// 4.21); where it does not (an impure operator that already ran, an engine
// mutant that breaks snapshots) the run says so and is not judged here.

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "checker/heap_bytes.hpp"
#include "core/runtime.hpp"
#include "core/value.hpp"
#include "sim/event.hpp"
#include "sim/scenario.hpp"
#include "sim/world.hpp"

namespace frsim::checker {

// The rule that starts a propagation: (fire) on a source or (receive) of a
// remote value into a distributed reactive (Figs. 8, 9).
struct StartAction {
  enum class Kind : std::uint8_t { fire, receive };
  Kind kind = Kind::fire;
  core::ReactiveId reactive = 0;  // fire: the source
  std::string name;               // receive: the distributed reactive's name
  core::Value value;              // fire: the value fired; receive: the remote value
  std::uint64_t heap_bytes() const { return checker::heap_bytes(name); }
  std::string description() const;
  std::uint64_t hash() const;
};

// What one ready order produced.
struct OrderOutcome {
  std::vector<std::string> reevaluated;  // labels (or r<id>) in the order reevaluated
  bool committed = false;
  std::string failure;            // why it did not commit
  std::uint64_t store = 0;        // store_hash(µ) afterwards
  // Σ'.fingerprint(). Compared between orders only: they start from the
  // same rebuilt Σ, while a rebuild re-stores the values nested in restored
  // sources, which the device's Σ may hold older copies of.
  std::uint64_t snapshot = 0;
  std::uint64_t sends = 0;        // sends_hash: the distributed values the action changed
  std::string sends_text;         // the same, printed: "name=value, ..."
  std::string order_text() const;  // "a, b, c" or "(nothing reevaluated)"
};

// The store as the creation code builds it again over Σ, by id: each
// reactive's value and, for a Map, its inputs there (the creation code may
// wire it otherwise than it did when the device ran it).
struct Rebuilt {
  std::vector<core::Value> values;
  std::vector<std::vector<core::ReactiveId>> inputs;
  bool empty() const { return values.empty(); }
  void take(const core::Runtime& rt);
};

struct OrdersRun {
  bool reproduced = false;  // creation code over Σ rebuilt the device's store exactly
  std::string not_reproduced;  // why not, if not
  // When the first rebuild made the same reactives (labels in their
  // locations) with other values: its values, by id, for complete-propagation
  // to name a Map whose operator gives another value on the same inputs.
  Rebuilt rebuilt;
  std::vector<OrderOutcome> orders;
};

// Hash of µ's values over the created reactives (restored constants and the
// running propagation's sets left out), so a store mid-(fire) and the same
// store between propagations hash equal.
std::uint64_t store_hash(const core::Runtime& rt);
// The distributed reactives' values, by name: what a device may send.
std::map<std::string, core::Value> distributed_values(const core::Runtime& rt);
// The sends an action makes possible: the distributed values that differ
// from `before` (hash, and the printed list).
std::pair<std::uint64_t, std::string> sends_since(const core::Runtime& rt,
                                                  const std::map<std::string, core::Value>& before);
// The hash alone (sends_since's first), without printing a value.
std::uint64_t sends_hash_since(const core::Runtime& rt, const std::map<std::string, core::Value>& before);

// Hash of the reactives' labels, in location order: which reactive each
// location holds, which values alone do not tell.
std::uint64_t labels_hash(const core::Runtime& rt);

// Runs `action` from the pre-state (device's Σ, store hash `store_before`,
// labels hash `labels_before`) in `orders` random ready orders drawn from
// `seed`. Operators run on fresh
// closures (the creation code makes new ones), never on the device's own.
// What the device promoted (§3.4) is in Σ and promoted again on each rebuild.
OrdersRun run_in_ready_orders(const sim::Scenario& scenario, std::uint32_t device, std::uint32_t devices,
                              const core::Snapshot& sigma, std::uint64_t store_before, std::uint64_t labels_before,
                              const StartAction& action, std::uint32_t orders, std::uint64_t seed);

// Campaign-wide memo of run_in_ready_orders, keyed by what determines its
// result (device, store, Σ, action): confluence and determinism share one
// run, and a pre-state met by many schedules is run once. Its verdicts do not
// depend on which schedule or thread asked first.
class ReadyOrdersCache {
 public:
  explicit ReadyOrdersCache(std::uint32_t orders) : orders_(orders) {}
  std::uint32_t orders() const { return orders_; }
  std::shared_ptr<const OrdersRun> run(const sim::Scenario& scenario, std::uint32_t device, std::uint32_t devices,
                                       const core::Snapshot& sigma, std::uint64_t store_before,
                                       std::uint64_t labels_before, const StartAction& action);
  // The store as a restart would build it now (the creation code over a copy
  // of Σ, every operator made afresh), by id, when it holds the device's
  // reactives in their locations (labels hash `labels`) with other values
  // than the device's (store hash `store`); empty when it rebuilds the store
  // exactly, makes another graph, or the creation code fails. Memoised like
  // run(): a state met by many schedules is rebuilt once.
  std::shared_ptr<const Rebuilt> rebuilt(const sim::Scenario& scenario, std::uint32_t device, std::uint32_t devices,
                                         const core::Snapshot& sigma, std::uint64_t store, std::uint64_t labels);

 private:
  static constexpr std::size_t entries_max = 1u << 16;
  using Key = std::tuple<std::uint32_t, std::uint64_t, std::uint64_t, std::uint64_t, std::uint64_t>;
  std::uint32_t orders_;
  std::mutex mutex_;
  std::map<Key, std::shared_ptr<const OrdersRun>> runs_;
  std::map<std::tuple<std::uint32_t, std::uint64_t, std::uint64_t, std::uint64_t>, std::shared_ptr<const Rebuilt>>
      rebuilds_;
};

// One device's propagation as confluence and determinism follow it in the
// event stream: the action that started it, its ready-order run, and what
// the device could send before it.
struct OrdersProbe {
  bool open = false;     // a fire/receive started and has not ended
  bool joined = false;   // another action started inside it (Lemma 4.13 broken): not judged
  std::optional<core::Value> remote;  // the remote value of the merge just before a receive
  std::shared_ptr<const OrdersRun> run;
  StartAction action;
  // Whether to keep the distributed values at the start (determinism's
  // sends); a follower that reads only the run leaves it false.
  bool keeps_sends = true;
  std::map<std::string, core::Value> distributed_before;
  std::uint64_t heap_bytes() const { return checker::heap_bytes(remote, action, distributed_before); }
  // The propagation ended and was judged: nothing of it is kept (a copy of
  // the property between propagations carries only `remote`, DESIGN §6).
  void close() {
    open = false;
    joined = false;
    run.reset();
    action = StartAction{};
    distributed_before.clear();
  }

  // Feeds one event of this device. At a fire's or receive's action_started
  // it runs (or finds) the ready orders; a Map's creation, a joined action,
  // a crash or an abort end what is followed.
  void on_event(const sim::Event& e, const sim::World& world, ReadyOrdersCache& cache);
  // The propagation just ended in (commit) or an abort, and was followed
  // from its start on a store the orders reproduced.
  bool judgeable() const { return open && !joined && run && run->reproduced && !run->orders.empty(); }
};

}  // namespace frsim::checker
