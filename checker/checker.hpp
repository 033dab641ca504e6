#pragma once
// The checker's public face (DESIGN §7): what explorers, the CLI and reports
// need, without knowing any single property.
//
//   monitor_factory   a sim::Monitor per schedule that checks every property
//                     (or the selected ones) on the event stream and end state;
//   all_properties    name, source (the paper's lemma) and description of each;
//   check_replay_determinism  the replay self-check (the explorer calls it on demand);
//   replay / shrink   re-run a schedule with the checker; delta-debug a failing
//                     one down to a shorter schedule that still fails, then
//                     let a bounded BFS look for a shorter one still;
//   mutants           the engine mutants of the bug zoo (selftest only).
//
// Properties observe, they never steer: nothing here changes a world.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/runtime.hpp"
#include "sim/config.hpp"
#include "sim/monitor.hpp"
#include "sim/scenario.hpp"

namespace frsim::checker {

struct PropertyInfo {
  std::string name;         // "glitch-freedom"
  std::string source;       // "Lemma 4.6"; "user: always" for a scenario's own
  std::string description;  // one line: when it holds
  // A user's `sometimes`: judged() counts the states where it held, and none
  // means "never reached" rather than "not exercised".
  bool reachability = false;
};

// Every built-in property, in the order of DESIGN §7 / issue 4.
const std::vector<PropertyInfo>& all_properties();
// The built-in properties, then the scenario's own (Scenario::properties).
std::vector<PropertyInfo> properties_of(const sim::Scenario& scenario);

// The status a report gives a property (report.json "status"): "violated",
// "holds", "not_exercised" (checked, never judged), "never_reached" (a
// `sometimes` no state satisfied) or "not_checked" (not selected).
std::string_view status(const PropertyInfo& property, bool checked, bool violated, std::uint64_t judged);

struct CheckOptions {
  // Names of the properties to check (built-in or the scenario's own);
  // empty: all of them. An unknown name makes monitor_factory throw
  // core::Error listing the known ones.
  std::vector<std::string> properties;
  // Confluence and determinism (Lemmas 4.11, 4.12): every fire and receive is
  // also run in this many seeded random ready orders from the same pre-state
  // (0 or 1: nothing to compare; those properties then judge only across
  // schedules and against the run).
  std::uint32_t ready_orders = 3;
  // replay(): a budget's stop request, polled by every propagation and by
  // healing; a raised flag throws core::PropagationStopped out of replay().
  const std::atomic<bool>* stop = nullptr;
};
inline constexpr std::uint32_t ready_orders_max = 64;

// One Monitor per schedule. Monitors from the same factory share the
// confluence table of one campaign (mutex-guarded: safe for --jobs threads).
sim::MonitorFactory monitor_factory(const sim::Scenario& scenario, const CheckOptions& options = {});

// A schedule as World::choices() records it: (index into enabled(), the
// transition's description). Replay matches by description first, so a
// schedule with choices removed (shrinking) still means the same transitions.
using Choices = std::vector<std::pair<std::size_t, std::string>>;

struct ReplayResult {
  Choices applied;                  // the choices actually applied
  std::uint64_t event_hash = 0;     // World::event_hash() after healing
  std::optional<sim::Finding> finding;
  // Every violated property's finding, in the order of the properties
  // (`finding` is the earliest): a schedule may break several, and a
  // counterexample found with `--properties` shows its property here even
  // where another one sees the bug first.
  std::vector<sim::Finding> findings;
};

// Builds a world, applies `choices` (a choice whose description is not
// enabled is left out), heals, and checks with a fresh monitor.
ReplayResult replay(const sim::Scenario& scenario, const sim::WorldConfig& config, std::uint64_t seed,
                    const Choices& choices, const CheckOptions& options = {});
// The same, judged by a given monitor (e.g. one of a campaign's factory, so
// that campaign-wide properties such as confluence compare across schedules).
ReplayResult replay(const sim::Scenario& scenario, const sim::WorldConfig& config, std::uint64_t seed,
                    const Choices& choices, sim::Monitor& monitor);

// The replay self-check: replaying the same schedule twice gives the same
// event hash (and `expected_event_hash`, when given). A finding
// "replay-determinism" otherwise.
std::optional<sim::Finding> check_replay_determinism(const sim::Scenario& scenario,
                                                     const sim::WorldConfig& config, std::uint64_t seed,
                                                     const Choices& choices,
                                                     std::optional<std::uint64_t> expected_event_hash = {});

struct ShrinkOptions {
  std::size_t replays_max = 5000;  // ddmin candidates replayed, at most
  // The BFS pass after ddmin: distinct states it may visit (0: no BFS pass).
  // A states budget, not a clock, so that the result is the same on every
  // machine; 200k states of a small showcase take well under a second.
  std::uint64_t bfs_states_max = 200'000;
  double bfs_time_limit_seconds = 0;  // 0: none
  // What stops a shrink early, keeping the shortest schedule so far (which
  // fails on replay like every one taken): a flag a signal raises, and a
  // wall-clock budget for the whole shrink, ddmin and BFS pass (0: none).
  // Either makes the result depend on when it came; `ShrinkResult::stopped`
  // says that it did.
  const std::atomic<bool>* interrupt = nullptr;
  double time_limit_seconds = 0;
};

struct ShrinkResult {
  Choices choices;        // no longer than the input; still fails on replay
  sim::Finding finding;   // the finding of the shrunk schedule
  std::size_t replays = 0;  // schedules replayed: ddmin's candidates, the BFS schedule's re-validation
  std::size_t input_length = 0;  // choices of the input that applied
  std::size_t ddmin_length = 0;  // after delta debugging
  // The BFS pass: exhaustive breadth-first search from the same world and
  // seed, only `property` watching, every state ended and judged, depth
  // ddmin_length - 1. It runs when ddmin_length > 0 and bfs_states_max > 0.
  bool bfs_ran = false;
  std::uint64_t bfs_states = 0;  // distinct states it visited
  // It went through every state within its depth: no states, time or memory
  // budget cut it short (the depth is the bound it was asked for).
  bool bfs_complete = false;
  // The length of its counterexample, if it found a shorter one (then it is
  // `choices`: BFS meets every shorter schedule before a longer one).
  std::optional<std::size_t> bfs_length;
  // No schedule shorter than `choices` violates `property` on these bounds,
  // as far as the explorer's visited-state abstraction sees: the BFS pass
  // found the shortest one, or was complete without finding one.
  bool bound_proven = false;
  // Why the shrink ended before its replay and states budgets: "" (it did
  // not), "the time limit" or "a signal".
  std::string stopped;
};

// Shrinks a schedule that violates `property` (DESIGN §7: "the shortest
// schedule found (BFS order, then delta-debugging on the choices)"):
//  1. ddmin (Zeller) over the choices: drop chunks, then single choices,
//     keeping a candidate only if its replay violates the same property;
//  2. a BFS pass bounded by the ddmin result's length - 1: ddmin stops at a
//     local minimum (dropping any one choice renumbers messages or disables
//     what follows), BFS finds the shortest counterexample if one is shorter.
//     Its schedule is re-validated by replay before it is taken.
// Throws core::Error if the input schedule does not violate `property`.
ShrinkResult shrink(const sim::Scenario& scenario, const sim::WorldConfig& config, std::uint64_t seed,
                    const Choices& choices, const std::string& property, const ShrinkOptions& options);
ShrinkResult shrink(const sim::Scenario& scenario, const sim::WorldConfig& config, std::uint64_t seed,
                    const Choices& choices, const std::string& property, std::size_t replays_max = 5000);

// ---- the bug zoo: engine mutants -------------------------------------------
// Each is an alternative core::Policy / SnapshotWriter / Receiver plugged into
// every device's RuntimeOptions; the normal engine never branches on them.
struct Mutant {
  std::string name;               // "mutant-breadth-first"
  std::string expected_property;  // the property that must catch it
  std::string description;
  // Adjusts one device's runtime options (installs the broken policy, ...).
  std::function<void(std::uint32_t device, core::RuntimeOptions&)> customize;
  // A small program and world (faults, grain) on which the mutant shows; its
  // `defaults` are the configuration the selftest campaign uses.
  sim::Scenario showcase;
};

const std::vector<Mutant>& mutants();
// nullptr if unknown.
const Mutant* find_mutant(std::string_view name);
// The scenario with the mutant installed on every device (and its name
// suffixed "+<mutant>"); expected_violation becomes the mutant's property.
sim::Scenario with_mutant(sim::Scenario scenario, const Mutant& mutant);

}  // namespace frsim::checker
