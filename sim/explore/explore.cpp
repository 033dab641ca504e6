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
    case Strategy::swarm: return make_swarm_scheduler();
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
  if (options.limits.time_limit_seconds > 0) {
    first.limits.time_limit_seconds = options.limits.time_limit_seconds * exhaustive_time_share;
  }
  return first;
}

Options campaign_stage2(const Options& options, double elapsed_seconds) {
  Options second = options;
  second.strategy = Strategy::swarm;
  second.por = Por::none;
  second.symmetry = false;
  second.bitstate = false;
  if (options.limits.time_limit_seconds > 0) {
    second.limits.time_limit_seconds = std::max(options.limits.time_limit_seconds - elapsed_seconds, 1.0);
  }
  return second;
}

Result default_campaign(const Scenario& scenario, const Options& options, const MonitorFactory& monitors,
                        const Control& control) {
  Result result = explore(scenario, campaign_stage1(options), monitors, control);
  result.stage = 1;
  result.notes.insert(result.notes.begin(), "stage 1: bfs with sleep sets and symmetry");
  if (result.complete || result.violation || result.budget_hit == BudgetHit::interrupted) return result;
  // Stage 2: the budget did not cover every state; sample beyond it.
  Result sampled = explore(scenario, campaign_stage2(options, result.stats.elapsed_seconds), monitors, control);
  result.notes.push_back(fmt::format("stage 1 stopped at the {} budget; stage 2: swarm",
                                     to_string(result.budget_hit)));
  // The merged statistics hide how far the exhaustive stage got.
  result.notes.push_back(fmt::format("stage 1 covered every schedule up to depth {} ({} states in {:.1f} s)",
                                     result.stats.max_depth == 0 ? 0 : result.stats.max_depth - 1,
                                     result.stats.states, result.stats.elapsed_seconds));
  for (auto& note : sampled.notes) {
    // A property's note may come from both stages; say it once.
    if (std::find(result.notes.begin(), result.notes.end(), note) == result.notes.end()) {
      result.notes.push_back(std::move(note));
    }
  }
  const double elapsed_seconds = result.stats.elapsed_seconds + sampled.stats.elapsed_seconds;
  add(result.stats, sampled.stats);
  result.stats.elapsed_seconds = elapsed_seconds;
  auto rate = [elapsed_seconds](std::uint64_t n) {
    return elapsed_seconds > 0 ? static_cast<double>(n) / elapsed_seconds : 0;
  };
  result.stats.states_per_second = rate(result.stats.states);
  result.stats.transitions_per_second = rate(result.stats.transitions);
  result.stats.revisits_per_second = rate(result.stats.revisits);
  // Judged counts add up over the stages (the same monitor, the same properties).
  if (result.judged.size() == sampled.judged.size()) {
    for (std::size_t i = 0; i < result.judged.size(); ++i) result.judged[i] += sampled.judged[i];
  } else {
    result.judged.clear();
  }
  result.violation = std::move(sampled.violation);
  result.budget_hit = sampled.violation ? BudgetHit::none : sampled.budget_hit;
  result.complete = false;
  result.next_schedule = sampled.next_schedule;
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
