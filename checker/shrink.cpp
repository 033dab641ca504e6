// Counterexample shrinking (DESIGN §7: "the shortest schedule found (BFS
// order, then delta-debugging on the choices)"; issue 4: "the reported trace
// is no longer than the shortest BFS would give on the same bounds").

#include <algorithm>
#include <chrono>
#include <limits>

#include <fmt/format.h>

#include "checker/checker.hpp"
#include "core/error.hpp"
#include "sim/explore/explore.hpp"

namespace frsim::checker {

namespace {

namespace ex = sim::explore;

using Clock = std::chrono::steady_clock;

// The candidate's replay, if it violates `property`; and whether the shrink
// must stop (ShrinkOptions::interrupt, ::time_limit_seconds).
class Oracle {
 public:
  Oracle(const sim::Scenario& scenario, const sim::WorldConfig& config, std::uint64_t seed, const std::string& property,
         const ShrinkOptions& options)
      : scenario_(scenario), config_(config), seed_(seed), property_(property), options_{{property}},
        interrupt_(options.interrupt) {
    if (options.time_limit_seconds > 0) {
      deadline_ = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                     std::chrono::duration<double>(options.time_limit_seconds));
    }
  }

  std::optional<ReplayResult> fails(const Choices& candidate) {
    ++replays_;
    auto r = replay(scenario_, config_, seed_, candidate, options_);
    if (r.finding && r.finding->property == property_) return r;
    return std::nullopt;
  }
  std::size_t replays() const { return replays_; }

  // Records, and says, that the shrink must end now.
  bool stop(ShrinkResult& best) const {
    if (interrupt_ != nullptr && interrupt_->load(std::memory_order_relaxed)) {
      best.stopped = "a signal";
    } else if (deadline_ && Clock::now() >= *deadline_) {
      best.stopped = "the time limit";
    }
    return !best.stopped.empty();
  }
  const std::atomic<bool>* interrupt() const { return interrupt_; }
  // Seconds left of the time limit: nullopt if there is none.
  std::optional<double> seconds_left() const {
    if (!deadline_) return std::nullopt;
    return std::max(0.0, std::chrono::duration<double>(*deadline_ - Clock::now()).count());
  }

 private:
  const sim::Scenario& scenario_;
  const sim::WorldConfig& config_;
  std::uint64_t seed_;
  const std::string& property_;
  CheckOptions options_;
  const std::atomic<bool>* interrupt_;
  std::optional<Clock::time_point> deadline_;
  std::size_t replays_ = 0;
};

// ddmin (Zeller): remove one of n chunks while the property still fails;
// refine the granularity when no chunk can go. Ends at a 1-minimal schedule
// (no single choice can go) or when the replay budget runs out.
void ddmin(Oracle& oracle, std::size_t replays_max, ShrinkResult& best) {
  std::size_t n = 2;
  while (!best.choices.empty() && oracle.replays() < replays_max && !oracle.stop(best)) {
    const std::size_t size = best.choices.size();
    const std::size_t chunk = (size + n - 1) / n;
    bool reduced = false;
    for (std::size_t begin = 0; begin < size && oracle.replays() < replays_max && !oracle.stop(best);
         begin += chunk) {
      Choices candidate(best.choices.begin(), best.choices.begin() + static_cast<std::ptrdiff_t>(begin));
      const std::size_t end = std::min(size, begin + chunk);
      candidate.insert(candidate.end(), best.choices.begin() + static_cast<std::ptrdiff_t>(end), best.choices.end());
      auto r = oracle.fails(candidate);
      if (!r || r->applied.size() >= size) continue;
      best.choices = std::move(r->applied);
      best.finding = std::move(*r->finding);
      n = std::max<std::size_t>(n - 1, 2);
      reduced = true;
      break;
    }
    if (reduced) continue;
    if (n >= size) break;
    n = std::min(size, n * 2);
  }
}

// Exhaustive BFS with depth best.choices.size() - 1 (plain: no partial-order
// or symmetry reduction, whose pruning could hide the shortest schedule).
// With end_every_state every new state is healed and judged, so the first
// violation BFS meets is a shortest one (within its visited-state abstraction:
// a state reached again by another path is not judged again).
void bfs_pass(const sim::Scenario& scenario, const sim::WorldConfig& config, std::uint64_t seed,
              const std::string& property, const ShrinkOptions& options, Oracle& oracle, ShrinkResult& best) {
  best.bfs_ran = true;
  if (best.choices.size() == 1) {
    // Depth 0, which the explorer does not take: the one shorter schedule is the empty one.
    best.bfs_states = 1;
    best.bfs_complete = true;
    best.bound_proven = true;
    if (auto r = oracle.fails({})) {
      best.bfs_length = 0;
      best.choices.clear();
      best.finding = std::move(*r->finding);
    }
    return;
  }
  ex::Options search;
  search.strategy = ex::Strategy::bfs;
  search.world = config;
  search.seed = seed;
  search.limits.depth_max = best.choices.size() - 1;
  search.limits.states_max = options.bfs_states_max;
  search.limits.schedules_max = std::numeric_limits<std::uint64_t>::max();
  search.limits.time_limit_seconds = options.bfs_time_limit_seconds;
  const auto left = oracle.seconds_left();
  if (left && (search.limits.time_limit_seconds <= 0 || *left < search.limits.time_limit_seconds)) {
    // explore() reads 0 as "no limit": what is left of the shrink's, at least a millisecond.
    search.limits.time_limit_seconds = std::max(*left, 1e-3);
  }
  search.end_every_state = true;
  ex::Control control;
  control.interrupt = oracle.interrupt();
  const auto result = ex::explore(scenario, search, monitor_factory(scenario, CheckOptions{{property}}), control);
  best.bfs_states = result.stats.distinct_states;
  if (result.budget_hit == ex::BudgetHit::interrupted || result.budget_hit == ex::BudgetHit::time) {
    oracle.stop(best);  // says which, when it was the shrink's own budget
  }
  // A depth cut is the bound asked for, not an incomplete search.
  const bool budget_cut = result.budget_hit != ex::BudgetHit::none && result.budget_hit != ex::BudgetHit::depth;
  best.bfs_complete = !result.violation && !budget_cut;
  if (!result.violation) {
    best.bound_proven = best.bfs_complete;
    return;
  }
  // Re-validated like every ddmin candidate: the trace we report must fail on replay.
  auto r = oracle.fails(result.violation->choices);
  if (!r || r->applied.size() >= best.choices.size()) return;
  best.bfs_length = r->applied.size();
  best.choices = std::move(r->applied);
  best.finding = std::move(*r->finding);
  best.bound_proven = true;
}

}  // namespace

ShrinkResult shrink(const sim::Scenario& scenario, const sim::WorldConfig& config, std::uint64_t seed,
                    const Choices& choices, const std::string& property, const ShrinkOptions& options) {
  Oracle oracle(scenario, config, seed, property, options);
  auto start = oracle.fails(choices);
  if (!start) {
    throw core::Error(fmt::format("shrink: the schedule of {} choices does not violate {}", choices.size(), property));
  }
  ShrinkResult best;
  best.choices = std::move(start->applied);
  best.finding = std::move(*start->finding);
  best.input_length = best.choices.size();
  ddmin(oracle, options.replays_max, best);
  best.ddmin_length = best.choices.size();
  if (best.choices.empty()) {
    best.bound_proven = true;  // nothing is shorter than no choice at all
  } else if (options.bfs_states_max > 0 && !oracle.stop(best)) {
    bfs_pass(scenario, config, seed, property, options, oracle, best);
  }
  best.replays = oracle.replays();
  return best;
}

ShrinkResult shrink(const sim::Scenario& scenario, const sim::WorldConfig& config, std::uint64_t seed,
                    const Choices& choices, const std::string& property, std::size_t replays_max) {
  ShrinkOptions options;
  options.replays_max = replays_max;
  return shrink(scenario, config, seed, choices, property, options);
}

}  // namespace frsim::checker
