#pragma once
// What the strategies share: the budget meter and the batch runner.

#include <chrono>
#include <cstdint>
#include <exception>
#include <functional>

#include "sim/explore/explore.hpp"

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

// Runs work(i) for i in [0, count) on `jobs` threads. Each call must touch
// only its own slot of the output; the first exception (by index) is
// rethrown here after all threads joined.
void run_batch(std::uint32_t jobs, std::size_t count, const std::function<void(std::size_t)>& work);

}  // namespace frsim::sim::explore
