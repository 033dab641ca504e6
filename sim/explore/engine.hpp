#pragma once
// What the strategies share: the budget meter and the batch runner.

#include <chrono>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>

#include "sim/explore/explore.hpp"
#include "sim/explore/visited.hpp"

namespace frsim::sim::explore {

// Budgets are checked between batches, so a campaign stops cleanly with a
// consistent picture of what it explored.
class Meter {
 public:
  Meter(const Limits& limits, const Control& control);
  double elapsed_seconds() const;
  // The budget that ends the campaign now, if any. `states` is what
  // states_max bounds (distinct states for exhaustive search).
  BudgetHit check(const Stats& stats, std::uint64_t states) const;
  // Fills the time fields of `stats` and reports progress.
  void update(Stats& stats) const;

 private:
  Limits limits_;
  const Control& control_;
  std::chrono::steady_clock::time_point start_;
};

// What the two exhaustive searches share (search.cpp: bfs and dfs over the
// visited set; dpor.cpp: source-set DPOR): the scenario and options, the
// budget meter, the visited set, and the result in the making.
class Exhaustive {
 protected:
  Exhaustive(const std::shared_ptr<const Scenario>& scenario, const Options& options, const MonitorFactory& monitors,
             const Control& control);
  // Between batches: refreshes the state count and memory, reports progress,
  // and returns the budget that ends the search now (a full visited set is
  // the memory budget), if any.
  BudgetHit checkpoint(std::uint64_t memory_bytes);
  // The search stopped (`hit`) or ran out of work (`exhausted`): fills in the
  // budget that ended it (the depth budget, if it cut schedules short) and
  // whether it is complete.
  Result conclude(BudgetHit hit, bool exhausted, std::uint64_t memory_bytes);

  std::shared_ptr<const Scenario> scenario_;
  const Options& options_;
  const MonitorFactory& monitors_;
  Meter meter_;
  VisitedSet visited_;
  Result result_;
  Tally tally_;             // the monitors of every schedule ended (or violated)
  bool depth_cut_ = false;  // some schedule ended at the depth budget
};

// Moves a campaign's tally into its result: judged counts, and the
// properties' notes after the explorer's own.
void conclude_tally(Result& result, const Tally& tally);

// Runs work(i) for i in [0, count) on `jobs` threads. Each call must touch
// only its own slot of the output; the first exception (by index) is
// rethrown here after all threads joined.
void run_batch(std::uint32_t jobs, std::size_t count, const std::function<void(std::size_t)>& work);

}  // namespace frsim::sim::explore
