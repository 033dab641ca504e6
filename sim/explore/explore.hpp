#pragma once
// Schedule exploration: the campaign that answers "does every schedule within
// these bounds hold every property?" (issue 5, DESIGN §6).
//
// Two families of strategy share this one entry point:
//   exhaustive  bfs, dfs (search.cpp): every state reachable within the
//               budgets, fingerprinted in a visited set; optional sleep-set
//               partial-order reduction and symmetry reduction; or dfs with
//               source-set DPOR (dpor.cpp), stateless;
//   sampling    random, pct, swarm (one Scheduler file each, walk.cpp runs
//               them): seeded schedules, numbered, so a campaign can resume.
// Properties are not known here: every schedule feeds a fresh sim::Monitor
// from the factory and ends with the world's healing phase and
// Monitor::on_schedule_end (DESIGN §1: properties observe, never steer).
//
// Determinism: every decision comes from the seed. Sampling hands work to
// threads in batches whose size does not depend on --jobs and merges them in
// order, so its results do not depend on the number of threads. Breadth-first
// search with --jobs N runs N worker processes level by level over one
// visited set (DESIGN §6, parallel search): the verdict, the counterexample
// and the distinct states do not depend on N (a violation found in parallel
// is searched for again in one process). Only the time budget reads a clock.

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/config.hpp"
#include "sim/monitor.hpp"
#include "sim/scenario.hpp"

namespace frsim::sim::explore {

enum class Strategy : std::uint8_t { bfs, dfs, random, pct, swarm };
// Partial-order reduction: sleep sets on top of the visited set (bfs, dfs),
// or source-set DPOR with sleep sets, a stateless depth-first search
// (dpor.cpp; dfs only).
enum class Por : std::uint8_t { none, sleep, dpor };
// Which budget ended a campaign early.
enum class BudgetHit : std::uint8_t { none, depth, states, schedules, time, memory, interrupted };

std::string_view to_string(Strategy strategy);
std::string_view to_string(Por por);
std::string_view to_string(BudgetHit hit);
// Each throws core::Error naming the accepted values.
Strategy strategy_from_string(std::string_view name);
Por por_from_string(std::string_view name);

bool exhaustive(Strategy strategy);

struct Limits {
  std::uint64_t depth_max = 40;            // transitions per schedule before healing
  std::uint64_t states_max = 2'000'000;    // distinct states (exhaustive) / states walked through (sampling)
  std::uint64_t schedules_max = 100'000;   // healed schedules
  double time_limit_seconds = 0;           // 0: none
  std::uint64_t memory_bytes_max = 512ULL << 20;  // visited set, parent links, frontier
};

struct FixedBudgets {
  bool drops = false, dups = false, crashes = false, partitions = false;
};

struct Options {
  Strategy strategy = Strategy::bfs;
  WorldConfig world;
  std::uint64_t seed = 1;
  Limits limits;
  Por por = Por::none;
  bool symmetry = false;
  // Holzmann's supertrace: one bit per state in a bit array instead of exact
  // fingerprints (sim/explore/visited.hpp). It may miss states (a hash
  // collision prunes an unseen state), so `states` is a lower bound; reports
  // say so.
  bool bitstate = false;
  // The bit array's size in bits; 0: half the memory budget.
  std::uint64_t bitstate_bits = 0;
  std::uint32_t jobs = 1;
  // Exhaustive search: end a schedule (heal, judge) at every new state, not
  // only where nothing is enabled, so that "the faults stop here" is checked
  // everywhere and BFS reports the shortest failing prefix. Costs a healing
  // (of a copy) per new state.
  bool end_every_state = true;
  // Swarm: which fault budgets of `world` the user fixed (even at 0); swarm
  // draws a budget of 0 that is not fixed up to a few faults of its kind.
  FixedBudgets fixed_budgets;
  std::uint32_t pct_depth = 3;        // PCT: d, so d-1 priority change points
  std::uint64_t first_schedule = 0;   // sampling: resume after this many schedules
  // Sampling: re-run every n-th schedule and compare event hashes (Lemma 4.12
  // as a harness self-check); 0: never.
  std::uint64_t determinism_every = 16;
  // Not read here: the k of confluence and determinism the checker's monitors
  // run with (checker::CheckOptions::ready_orders, the same default), kept
  // with the options so that reports record it and --resume takes it back.
  std::uint32_t ready_orders = 3;
};

// What a campaign did, each figure named for what it counts.
struct Stats {
  // Distinct states seen: the visited set's size (sampling: the distinct
  // fingerprints it could count, see Result::notes).
  std::uint64_t states = 0;
  std::uint64_t transitions = 0;  // transitions applied (healing excluded)
  // Transitions that led to a state seen before (exhaustive search: not
  // explored again; sampling: walked through again).
  std::uint64_t revisits = 0;
  std::uint64_t schedules = 0;  // healed schedule ends judged
  std::uint64_t max_depth = 0;
  double elapsed_seconds = 0;
  double states_per_second = 0;  // distinct states per second
  double transitions_per_second = 0;
  double revisits_per_second = 0;
  std::uint64_t memory_bytes = 0;  // visited set, parent links, frontier, state tables
  // The visited set and the parent links alone: what the stored states cost
  // (exhaustive search; divided by `states`, the bytes per stored state).
  std::uint64_t visited_bytes = 0;
  // The same number as `states`, under its former name (report readers,
  // scripts); before issue 14 `states` counted revisits too.
  std::uint64_t distinct_states = 0;
};

struct Violation {
  Finding finding;
  WorldConfig config;  // the world it happened in (swarm draws its own)
  std::uint64_t seed = 0;
  // (index into enabled(), description), as World::choices() and traces record them.
  std::vector<std::pair<std::size_t, std::string>> choices;
  std::string found_by;  // "bfs", "swarm schedule 17: drops=1 ...", ...
};

struct Result {
  bool complete = false;
  BudgetHit budget_hit = BudgetHit::none;
  Stats stats;
  std::vector<std::string> properties;  // from the monitor
  // Per property, aligned with `properties`: how many times it was judged.
  // Empty: not counted (reports then take every property as exercised).
  std::vector<std::uint64_t> judged;
  // default_campaign: the stage it ended in (1 exhaustive, 2 swarm); 0: one
  // strategy (explore()).
  std::uint32_t stage = 0;
  std::optional<Violation> violation;
  std::uint64_t next_schedule = 0;  // sampling: where --resume continues
  std::vector<std::string> notes;   // e.g. "bitstate: may miss states"
};

// How a caller watches and stops a campaign.
struct Control {
  // Set (e.g. from a signal handler) to stop within milliseconds: the
  // campaign ends with BudgetHit::interrupted and its statistics so far.
  const std::atomic<bool>* interrupt = nullptr;
  // Called between batches with the statistics so far.
  std::function<void(const Stats&)> progress;
};

// What `frsim explore <scenario>` runs unless told otherwise, in one place
// (the command line takes its defaults from here): the scenario's default
// world with at least `default_resends` re-sends of an unchanged value (Fig. 9:
// a dropped value may be sent again before healing), depth 60, a 60 s time
// budget, and Limits' and Options' other defaults. A plain Options{} is a
// blank slate (depth 40, no time budget, no re-sends).
inline constexpr std::uint64_t default_depth = 60;
inline constexpr std::uint32_t default_resends = 1;
inline constexpr double default_time_limit_seconds = 60;
Options default_options(const Scenario& scenario);

// Runs one strategy. User errors in the scenario (an operator that throws
// outside a propagation, a workload naming no service) propagate as core::Error.
Result explore(const Scenario& scenario, const Options& options, const MonitorFactory& monitors,
               const Control& control = {});

// The default campaign: exhaustive bfs with sleep sets and symmetry within a
// share of the budget, in the world's grain and then (a coarse world) in fine
// grain, where every ready reactive is a choice (Lemma 4.11); if that does
// not cover every state without a violation, a swarm campaign for the rest.
// `options.strategy`, `por` and `symmetry` are ignored (the stages set them).
// The result merges every search, with the same monitor factory (so one
// confluence table compares coarse and fine runs); Result::stage says where
// it ended.
Result default_campaign(const Scenario& scenario, const Options& options, const MonitorFactory& monitors,
                        const Control& control = {});
// The campaign's stages as it runs them: stage 1 (bfs, sleep sets, symmetry,
// half the time budget; in a coarse world three quarters of that and of the
// states budget, the rest kept for its fine-grain search), stage 1's
// fine-grain search (what the coarse one left of stage 1's states, at least
// a quarter, and of its time, none if it overran stage 1's: then it is not
// run; `coarse`: what the coarse search did), stage 2 (swarm with what
// stage 1 left of the time and states budgets, at least a second and a
// state; `stage1`: what stage 1 did). Reports describe what ran with them.
Options campaign_stage1(const Options& options);
bool campaign_has_fine_stage(const Options& options);
Options campaign_stage1_fine(const Options& options, const Stats& coarse);
Options campaign_stage2(const Options& options, const Stats& stage1);

nlohmann::json to_json(const Options& options);
nlohmann::json to_json(const Stats& stats);

}  // namespace frsim::sim::explore
