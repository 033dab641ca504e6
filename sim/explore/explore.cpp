#include "sim/explore/explore.hpp"

#include <algorithm>
#include <array>
#include <memory>

#include <fmt/format.h>

#include "core/error.hpp"
#include "sim/explore/scheduler.hpp"
#include "sim/explore/search.hpp"
#include "sim/explore/walk.hpp"

namespace frsim::sim::explore {

namespace {

constexpr std::array<std::string_view, 5> strategy_names = {"bfs", "dfs", "random", "pct", "swarm"};
constexpr std::array<std::string_view, 3> por_names = {"none", "sleep", "dpor"};
constexpr std::array<std::string_view, 7> budget_names = {"none",      "depth", "states",     "schedules",
                                                          "time", "memory", "interrupted"};

template <typename Enum, std::size_t N>
Enum from_name(const std::array<std::string_view, N>& names, std::string_view name, std::string_view what) {
  for (std::size_t i = 0; i < N; ++i) {
    if (names[i] == name) return static_cast<Enum>(i);
  }
  std::string accepted;
  for (auto n : names) {
    if (!accepted.empty()) accepted += ", ";
    accepted += n;
  }
  throw core::Error(fmt::format("unknown {} '{}' (expected one of: {})", what, name, accepted));
}

// The default campaign's share of the time budget for exhaustive search.
constexpr double exhaustive_time_share = 0.5;
// The share of the exhaustive stage's states and time kept for its fine-grain
// search (Lemma 4.11: in fine grain every ready reactive is a choice, so
// schedules order one propagation differently and the confluence table
// compares them). The coarse search may use the rest; the fine one gets
// whatever the coarse one left, at least this share.
constexpr double fine_grain_share = 0.25;

double share_of(double seconds, double share) { return seconds > 0 ? seconds * share : 0; }

void add(Stats& into, const Stats& stats) {
  into.transitions += stats.transitions;
  into.states += stats.states;
  into.revisits += stats.revisits;
  into.distinct_states += stats.distinct_states;
  into.schedules += stats.schedules;
  into.max_depth = std::max(into.max_depth, stats.max_depth);
  into.memory_bytes = std::max(into.memory_bytes, stats.memory_bytes);
  into.visited_bytes = std::max(into.visited_bytes, stats.visited_bytes);
}

}  // namespace

std::string_view to_string(Strategy strategy) { return strategy_names.at(static_cast<std::size_t>(strategy)); }
std::string_view to_string(Por por) { return por_names.at(static_cast<std::size_t>(por)); }
std::string_view to_string(BudgetHit hit) { return budget_names.at(static_cast<std::size_t>(hit)); }
Strategy strategy_from_string(std::string_view name) {
  return from_name<Strategy>(strategy_names, name, "strategy");
}
Por por_from_string(std::string_view name) {
  return from_name<Por>(por_names, name, "partial-order reduction");
}

bool exhaustive(Strategy strategy) { return strategy == Strategy::bfs || strategy == Strategy::dfs; }

std::unique_ptr<Scheduler> make_scheduler(const Options& options) {
  switch (options.strategy) {
    case Strategy::pct: return make_pct_scheduler(options.pct_depth, options.limits.depth_max);
    case Strategy::swarm: return make_swarm_scheduler(options.fixed_budgets);
    default: return make_random_scheduler();
  }
}

Result explore(const Scenario& scenario, const Options& options, const MonitorFactory& monitors,
               const Control& control) {
  validate(options.world);
  if (options.jobs == 0) throw core::Error("--jobs must be at least 1");
  if (options.limits.depth_max == 0) throw core::Error("--depth must be at least 1");
  if (options.por == Por::dpor && options.strategy != Strategy::dfs && exhaustive(options.strategy)) {
    throw core::Error("--por dpor needs --strategy dfs (source-set DPOR is a depth-first search)");
  }
  auto shared = std::make_shared<const Scenario>(scenario);
  if (exhaustive(options.strategy)) return search(shared, options, monitors, control);
  return walk(shared, options, monitors, control);
}

Options default_options(const Scenario& scenario) {
  Options options;
  options.world = scenario.defaults;
  options.world.resends = std::max(options.world.resends, default_resends);
  options.limits.depth_max = default_depth;
  options.limits.time_limit_seconds = default_time_limit_seconds;
  return options;
}

Options campaign_stage1(const Options& options) {
  Options first = options;
  first.strategy = Strategy::bfs;
  first.por = Por::sleep;
  first.symmetry = true;
  first.limits.time_limit_seconds = share_of(options.limits.time_limit_seconds, exhaustive_time_share);
  if (campaign_has_fine_stage(options)) {
    first.limits.time_limit_seconds *= 1 - fine_grain_share;
    first.limits.states_max = std::max<std::uint64_t>(
        1, static_cast<std::uint64_t>(static_cast<double>(options.limits.states_max) * (1 - fine_grain_share)));
  }
  return first;
}

bool campaign_has_fine_stage(const Options& options) { return options.world.grain == Grain::coarse; }

Options campaign_stage1_fine(const Options& options, const Stats& coarse) {
  Options fine = campaign_stage1(options);
  fine.world.grain = Grain::fine;
  fine.limits.states_max = options.limits.states_max - std::min(coarse.states, options.limits.states_max - 1);
  const double stage1_seconds = share_of(options.limits.time_limit_seconds, exhaustive_time_share);
  // What the coarse search left of stage 1's time: its share, or more if it
  // ended early; nothing if it overran stage 1 (the total budget comes first).
  if (stage1_seconds > 0) fine.limits.time_limit_seconds = std::max(stage1_seconds - coarse.elapsed_seconds, 0.0);
  return fine;
}

Options campaign_stage2(const Options& options, const Stats& stage1) {
  Options second = options;
  second.strategy = Strategy::swarm;
  second.por = Por::none;
  second.symmetry = false;
  second.bitstate = false;
  if (options.limits.time_limit_seconds > 0) {
    second.limits.time_limit_seconds = std::max(options.limits.time_limit_seconds - stage1.elapsed_seconds, 1.0);
  }
  // The campaign's states are its stages' sum: the budget bounds the sum,
  // as it does for stage 1's coarse and fine searches. (Schedules are not:
  // stage 1 judges a healed copy of every state, a schedule each, while the
  // budget is meant for the walks of stage 2.)
  second.limits.states_max -= std::min(stage1.states, options.limits.states_max - 1);
  return second;
}

namespace {

// `later`'s notes, statistics and judged counts added to `into`'s (the same
// monitor factory, the same properties); its verdict and budget replace
// `into`'s.
void merge_later(Result& into, Result later) {
  for (auto& note : later.notes) {
    // A property's note may come from both stages; say it once.
    if (std::find(into.notes.begin(), into.notes.end(), note) == into.notes.end()) {
      into.notes.push_back(std::move(note));
    }
  }
  const double elapsed_seconds = into.stats.elapsed_seconds + later.stats.elapsed_seconds;
  add(into.stats, later.stats);
  into.stats.elapsed_seconds = elapsed_seconds;
  auto rate = [elapsed_seconds](std::uint64_t n) {
    return elapsed_seconds > 0 ? static_cast<double>(n) / elapsed_seconds : 0;
  };
  into.stats.states_per_second = rate(into.stats.states);
  into.stats.transitions_per_second = rate(into.stats.transitions);
  into.stats.revisits_per_second = rate(into.stats.revisits);
  if (into.judged.size() == later.judged.size()) {
    for (std::size_t i = 0; i < into.judged.size(); ++i) into.judged[i] += later.judged[i];
  } else {
    into.judged.clear();
  }
  into.violation = std::move(later.violation);
  into.budget_hit = into.violation ? BudgetHit::none : later.budget_hit;
  into.next_schedule = later.next_schedule;
}

bool stops_campaign(const Result& r) { return r.violation.has_value() || r.budget_hit == BudgetHit::interrupted; }

// Stage 1: bfs with sleep sets and symmetry in the world's grain, then (a
// coarse world) the same in fine grain, with the same monitor factory.
// `first`: the statistics of its first search (the world's grain).
Result exhaustive_stage(const Scenario& scenario, const Options& options, const MonitorFactory& monitors,
                        const Control& control, Stats& first) {
  Result result = explore(scenario, campaign_stage1(options), monitors, control);
  result.stage = 1;
  result.notes.insert(result.notes.begin(), "stage 1: bfs with sleep sets and symmetry");
  first = result.stats;
  if (!campaign_has_fine_stage(options) || stops_campaign(result)) return result;
  const Stats coarse = result.stats;
  const bool coarse_complete = result.complete;
  const Options fine_options = campaign_stage1_fine(options, coarse);
  if (options.limits.time_limit_seconds > 0 && fine_options.limits.time_limit_seconds <= 0) {
    result.notes.push_back("stage 1 in fine grain: not run (the coarse search used all of stage 1's time)");
    return result;
  }
  Result fine = explore(scenario, fine_options, monitors, control);
  result.notes.push_back(fmt::format(
      "stage 1 in coarse grain: {} ({} states in {:.1f} s); then in fine grain: {} ({} states in {:.1f} s)",
      coarse_complete ? "complete" : fmt::format("stopped at the {} budget", to_string(result.budget_hit)),
      coarse.states, coarse.elapsed_seconds,
      fine.complete ? "complete" : fmt::format("stopped at the {} budget", to_string(fine.budget_hit)),
      fine.stats.states, fine.stats.elapsed_seconds));
  const bool fine_complete = fine.complete;
  const BudgetHit coarse_hit = result.budget_hit;
  merge_later(result, std::move(fine));
  result.complete = coarse_complete && fine_complete;
  if (!result.violation && result.budget_hit == BudgetHit::none) result.budget_hit = coarse_hit;
  return result;
}

}  // namespace

Result default_campaign(const Scenario& scenario, const Options& options, const MonitorFactory& monitors,
                        const Control& control) {
  Stats first;
  Result result = exhaustive_stage(scenario, options, monitors, control, first);
  if (result.complete || stops_campaign(result)) return result;
  // Stage 2: the budget did not cover every state; sample beyond it.
  Result sampled = explore(scenario, campaign_stage2(options, result.stats), monitors, control);
  result.notes.push_back(fmt::format("stage 1 stopped at the {} budget; stage 2: swarm",
                                     to_string(result.budget_hit)));
  // The merged statistics hide how far the exhaustive stage got (the depth:
  // its search in the world's grain; a fine-grain step is one rule).
  result.notes.push_back(fmt::format("stage 1 covered every schedule up to depth {} ({} states in {:.1f} s)",
                                     first.max_depth == 0 ? 0 : first.max_depth - 1, result.stats.states,
                                     result.stats.elapsed_seconds));
  merge_later(result, std::move(sampled));
  result.complete = false;
  result.stage = 2;
  return result;
}

nlohmann::json to_json(const Options& options) {
  return {
      {"strategy", to_string(options.strategy)},
      {"world", to_json(options.world)},
      {"seed", options.seed},
      {"depth", options.limits.depth_max},
      {"max_states", options.limits.states_max},
      {"max_schedules", options.limits.schedules_max},
      {"time_limit_seconds", options.limits.time_limit_seconds},
      {"memory_limit_mb", options.limits.memory_bytes_max >> 20},
      {"por", to_string(options.por)},
      {"symmetry", options.symmetry},
      {"bitstate", options.bitstate},
      {"bitstate_bits", options.bitstate_bits},
      {"jobs", options.jobs},
      {"end_every_state", options.end_every_state},
      {"pct_depth", options.pct_depth},
      {"first_schedule", options.first_schedule},
      {"determinism_every", options.determinism_every},
      {"ready_orders", options.ready_orders},
      // Which fault budgets the command line fixed (swarm keeps those), so
      // that a resumed run draws as the first did.
      {"fixed_budgets",
       {{"drops", options.fixed_budgets.drops},
        {"dups", options.fixed_budgets.dups},
        {"crashes", options.fixed_budgets.crashes},
        {"partitions", options.fixed_budgets.partitions}}},
  };
}

nlohmann::json to_json(const Stats& stats) {
  return {
      {"states", stats.states},
      {"transitions", stats.transitions},
      {"revisits", stats.revisits},
      {"schedules", stats.schedules},
      {"max_depth", stats.max_depth},
      {"elapsed_seconds", stats.elapsed_seconds},
      {"states_per_second", stats.states_per_second},
      {"transitions_per_second", stats.transitions_per_second},
      {"revisits_per_second", stats.revisits_per_second},
      {"memory_bytes", stats.memory_bytes},
      {"visited_bytes", stats.visited_bytes},
      {"distinct_states", stats.distinct_states},
  };
}

}  // namespace frsim::sim::explore
