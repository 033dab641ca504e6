#pragma once
// The sequential specification (Lasp's claim, DESIGN §10), as an oracle that
// is independent of the run it judges.
//
// A sequential schedule runs the program with no concurrency and no faults:
// one workload action at a time, each followed by reliable delivery of every
// resulting message to every device and quiescence, before the next starts.
// It is Lasp's "one computer": right after an action every other device
// takes over the acting device's new value of each distributed reactive the
// action changed (DESIGN §10), so an update that goes down in its merge's
// order is not undone there as the run's merges undo it.
// Every device keeps its identity (its DeviceContext, its own workload), the
// engine is the plain one (a mutant is what is judged, not the judge), and
// only the run's committed actions are fired. A run's converged state must
// equal that of SOME sequential schedule of its committed actions in an order
// that extends the causal order the run observed; sequential-spec
// (properties/sequential_spec.hpp) enumerates those orders lazily
// (LinearExtensions) and asks this oracle for each one's converged state,
// memoized by the order for the whole campaign.
//
// Values are compared in their observable form (observed()): a CRDT's query
// result without its metadata. A sequential schedule gives a concurrent
// write another timestamp, dot or tie-break than the run did, and that is
// not a different result.

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "core/value.hpp"
#include "sim/prng.hpp"
#include "sim/scenario.hpp"
#include "sim/world.hpp"

namespace frsim::checker {

// Device d's index-th workload action.
struct ActionRef {
  std::uint32_t device = 0;
  std::uint32_t index = 0;
  friend auto operator<=>(const ActionRef&, const ActionRef&) = default;
};

// The observable form of a value: counters as their count, registers as
// their value, sets and lists as their elements, maps key by key, inside
// plain lists and maps too. A multi-value register keeps its values
// (matches() compares them as a set of concurrent candidates).
core::Value observed(const core::Value& v);
// Whether a run's observed value is the sequential one: equal, except that a
// multi-value register of the run holding concurrent values matches a
// sequential schedule whose register holds one of them (the order in which
// that write came last).
bool matches(const core::Value& run, const core::Value& sequential);

// One device's converged state: identity -> encoded observed value (bytes,
// not Values: a campaign's threads share them).
using DeviceState = std::map<std::string, std::vector<std::uint8_t>>;

// The converged state of one schedule, per device.
struct ConvergedState {
  bool quiesced = true;  // false: the sequential schedule itself never quiesced, or failed
  // Why it failed: an action or a receive threw without concurrency (its
  // message); empty when it ran out of healing rounds instead.
  std::string failure;
  std::vector<DeviceState> devices;
};

// How a sequential schedule's converged state differs from the run's.
struct Difference {
  std::size_t reactives = 0;  // (device, reactive) pairs that differ; 0: the states match
  std::size_t distance = 0;   // finer: list positions and map keys that differ, summed
  // The pair to name: a distributed reactive if one differs (where a
  // difference starts), else the first.
  std::uint32_t device = 0;
  std::string identity;
  std::vector<std::uint8_t> run, sequential;
  // The sequential schedule did not end in a state: ConvergedState::failure.
  bool ended = true;
  std::string failure;
  bool matches() const { return reactives == 0; }
};
// The difference of `sequential` from `run` (identities in `distributed` are
// named first). A sequential schedule that did not quiesce differs in everything.
Difference difference(const std::vector<DeviceState>& run, const std::set<std::string>& distributed,
                      const ConvergedState& sequential);

// What the scenario says a user sees of the reactive labelled `label`
// (Scenario::observe), or all of `v`.
core::Value observed_part(const sim::Scenario& scenario, const std::string& label, const core::Value& v);

// The identity -> observed value (encoded) of the reactives of device
// `device`'s `rt` that `selected` selects (by id), device-local ones left
// out; references by global name (core::global_form).
DeviceState observed_state(const core::Runtime& rt, std::uint32_t device, const std::vector<bool>& selected,
                           const sim::Scenario& scenario);

class SequentialOracle {
 public:
  // The converged state of the sequential schedule that fires `order` in
  // the world `like` (its scenario, devices, topology, seed and workloads),
  // computed once per campaign. Thread-safe.
  std::shared_ptr<const ConvergedState> run(const sim::World& like, const std::vector<ActionRef>& order);
  std::size_t size() const;

  // What a search decided for a run (its converged state, actions and
  // causal order, hashed to 128 bits by the caller), so that the many
  // schedules of a campaign that end alike are judged once. Thread-safe.
  // A violation ends the campaign, so only these two are remembered.
  enum class Verdict : std::uint8_t { matched, inconclusive };
  using RunKey = std::pair<std::uint64_t, std::uint64_t>;
  std::optional<Verdict> verdict(const RunKey& key) const;
  void remember(const RunKey& key, Verdict verdict);
  // The orders found to explain a converged state of these actions (a key
  // without the causal order): one of them that extends another run's
  // causal order explains that run too, without a search.
  std::vector<std::vector<ActionRef>> explanations(const RunKey& state) const;
  void explained(const RunKey& state, std::vector<ActionRef> order);

  static constexpr std::size_t entries_max = 1 << 16;
  static constexpr std::size_t verdicts_max = 1 << 20;

 private:
  // ..., the order, and how many workload creations each device took.
  using Key = std::tuple<std::uint32_t, std::uint8_t, std::uint8_t, std::uint64_t, std::vector<ActionRef>,
                         std::vector<std::uint32_t>>;
  mutable std::mutex mutex_;
  std::map<Key, std::shared_ptr<const ConvergedState>> memo_;
  std::map<RunKey, Verdict> verdicts_;
  std::map<RunKey, std::vector<std::vector<ActionRef>>> explanations_;
  static constexpr std::size_t explanations_per_state_max = 4;
};

// The number of linear extensions of `before`, or `cap` if there are at
// least that many.
std::size_t count_linear_extensions(const std::vector<std::vector<std::size_t>>& before, std::size_t cap);

// Runs a sequential schedule: the oracle's work, without the memo.
ConvergedState run_sequential(const sim::World& like, const std::vector<ActionRef>& order);

// The linear extensions of a partial order on {0, …, n-1}, lazily, depth
// first. At every position the minimal elements are tried in ascending
// `rank`, so the first extension follows `rank` wherever the order allows
// (the run's commit order is one of them).
// A prefix of an order that extends a partial order on {0, …, n-1}: the
// elements placed so far, and which may come next (their predecessors all
// placed). Grown and shrunk at its end by the enumerations below.
class OrderPrefix {
 public:
  // before[i]: elements that must come before i (no cycles).
  OrderPrefix(const std::vector<std::vector<std::size_t>>& before, std::vector<std::size_t> rank);
  // The elements that may come next, in ascending index / in ascending rank.
  std::vector<std::size_t> minimal() const;
  std::vector<std::size_t> candidates() const;
  void place(std::size_t e);
  void unplace();  // the last placed
  const std::vector<std::size_t>& order() const { return order_; }
  bool complete() const { return order_.size() == placed_.size(); }
  const std::vector<bool>& placed() const { return placed_; }

 private:
  std::vector<std::vector<std::size_t>> after_;  // successors
  std::vector<std::size_t> rank_;
  std::vector<std::size_t> missing_;  // predecessors not placed yet
  std::vector<bool> placed_;
  std::vector<std::size_t> order_;
};

class LinearExtensions {
 public:
  // before[i]: elements that must come before i (no cycles).
  LinearExtensions(std::vector<std::vector<std::size_t>> before, std::vector<std::size_t> rank);
  // The next extension; nullopt once every one was given.
  std::optional<std::vector<std::size_t>> next();
  // One extension at random: a uniform choice among the minimal elements at
  // each position.
  std::vector<std::size_t> sample(sim::Prng& prng) const;

 private:
  struct Frame {
    std::vector<std::size_t> candidates;
    std::size_t chosen = 0;
  };

  const OrderPrefix empty_;
  OrderPrefix prefix_;
  std::vector<Frame> frames_;
  bool started_ = false;
  bool done_ = false;
};

// Every order of `actions` that extends `before`, run as sequential
// prefixes rather than one schedule per order. The state a prefix leaves is
// a value (the devices' runtimes copy, DESIGN §6) and every future of it
// depends only on that state and on which actions are left, so a state is
// expanded once per set of placed actions: the memo of linearizability
// checkers (Wing and Gong's search, with Lowe's cache of configurations).
// Commuting actions, the common case, then cost one state per subset, not
// one schedule per order (five and five concurrent clicks: 36 states, not 252
// orders). Children are tried in ascending `rank`, so the first order
// completed follows it wherever `before` allows. `compare` says how a
// completed order's converged state differs from the run's.
struct PrefixSearch {
  // Actions placed (each a copy of the state, a fire and reliable delivery)
  // before the search gives up undecided.
  static constexpr std::size_t steps_max = 4096;

  struct Result {
    bool decided = false;  // false: the budget ran out first
    bool matched = false;
    std::vector<std::size_t> closest;  // a completed order (the matching one if any), and its difference
    Difference difference;
    std::size_t states = 0;     // distinct (placed actions, state) pairs expanded
    std::size_t completed = 0;  // distinct converged states compared
  };
  static Result run(const sim::World& like, const std::vector<ActionRef>& actions,
                    const std::vector<std::vector<std::size_t>>& before, const std::vector<std::size_t>& rank,
                    const std::function<Difference(const ConvergedState&)>& compare, std::size_t steps = steps_max);
};

// The search for a sequential order that explains a run: the orders of n
// committed actions allowed by the run's causal order (`before`), tried
// until one matches, at most climbs_max + orders_max + samples_max of them:
//   1. a few canonical orders: the commit order, and the causal depth
//      (Lamport's clock) with ties broken by device, both ways — how
//      timestamped CRDTs (LWW registers, RGA lists) order concurrent writes;
//   2. a descent from the closest order so far, swapping adjacent
//      concurrent actions while the state comes no farther (Difference:
//      list inversions and map keys), within climbs_max orders in all;
//   3. if there are at most orders_max orders, every one not tried yet
//      (LinearExtensions, depth first from the commit order): then a
//      failure to match is a proof;
//   4. otherwise every order at once by `exhaust` (PrefixSearch), when it
//      decides within its budget: a proof too;
//   5. otherwise samples drawn with `seed`.
// Orders are evaluated by `evaluate` (the oracle plus the comparison).
struct OrderSearch {
  static constexpr std::size_t climbs_max = 120;
  static constexpr std::size_t orders_max = 120;
  static constexpr std::size_t samples_max = 32;

  struct Result {
    bool matched = false;
    bool exhaustive = false;  // every allowed order was tried (or covered by a prefix search)
    std::size_t tried = 0;    // distinct orders evaluated one by one
    std::size_t prefix_states = 0;  // states a prefix search expanded (0: none ran)
    std::vector<std::size_t> closest;  // the closest order tried, and its difference
    Difference difference;
  };
  // Step 4: every order at once (undecided when out of budget).
  using Exhaust = std::function<PrefixSearch::Result()>;
  // device[i]: the device of action i (the canonical orders' tie-break).
  static Result run(const std::vector<std::vector<std::size_t>>& before, const std::vector<std::uint32_t>& device,
                    std::uint64_t seed, const std::function<Difference(const std::vector<std::size_t>&)>& evaluate,
                    const Exhaust& exhaust = {});
};

}  // namespace frsim::checker
