#pragma once
// What the strategies share: the budget meter and the batch runner.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "sim/explore/explore.hpp"
#include "sim/explore/visited.hpp"
#include "sim/world.hpp"

namespace frsim::sim::explore {

// Budgets are checked between batches, so a campaign stops cleanly with a
// consistent picture of what it explored. The time budget and the caller's
// interrupt are also watched from a thread of their own, which raises a stop
// flag that every long loop polls — a search's expansion, healing, a single
// propagation (core::RuntimeOptions::stop), a sampled schedule — so that a
// campaign ends within milliseconds of its budget however large its worlds.
class Meter {
 public:
  Meter(const Limits& limits, const Control& control);
  ~Meter();
  Meter(const Meter&) = delete;
  Meter& operator=(const Meter&) = delete;
  double elapsed_seconds() const;
  // The budget that ends the campaign now, if any. `states` is what
  // states_max bounds (distinct states for exhaustive search).
  BudgetHit check(const Stats& stats, std::uint64_t states) const;
  // Fills the time fields of `stats` and reports progress.
  void update(Stats& stats) const;
  // Raised when the time budget runs out or the caller interrupts.
  const std::atomic<bool>* stop() const { return &stop_; }
  bool stopped() const { return stop_.load(std::memory_order_relaxed); }
  // time or interrupted, once stopped.
  BudgetHit stop_reason() const;
  // Parallel search: also stop when `flag` (the workers' shared stop flag)
  // is raised, within milliseconds, even in the middle of a batch. In a
  // worker process (`forked`), whose watcher thread did not come along
  // through fork(), starts a watcher of its own; in the parent, starts one
  // if there was none. nullptr: no longer (before the flag's memory goes).
  void also_stop_on(const std::atomic<std::uint32_t>* flag, bool forked);

 private:
  void watch();
  bool should_stop();

  Limits limits_;
  const Control& control_;
  std::chrono::steady_clock::time_point start_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> interrupted_{false};
  std::atomic<const std::atomic<std::uint32_t>*> also_{nullptr};
  std::mutex mutex_;
  std::condition_variable wake_;
  bool done_ = false;
  std::thread watcher_;
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
  std::vector<std::pair<std::size_t, std::string>> describe_path(const std::vector<std::uint32_t>& path) const;

  // What the stored states cost: the visited set and the parent links.
  std::uint64_t visited_bytes() const { return visited_.bytes() + links_.bytes(); }

  std::shared_ptr<const Scenario> scenario_;
  const Options& options_;
  const MonitorFactory& monitors_;
  Meter meter_;
  VisitedSet visited_;
  ParentLinks links_;
  Result result_;
  Tally tally_;             // the monitors of every schedule ended (or violated)
  bool depth_cut_ = false;  // some schedule ended at the depth budget
};


// The choices of a path as traces record them (index, description): the
// path re-run once on a fresh world. For a counterexample, not a node.
std::vector<std::pair<std::size_t, std::string>> describe_path(const std::shared_ptr<const Scenario>& scenario,
                                                               const WorldConfig& config, std::uint64_t seed,
                                                               const std::vector<std::uint32_t>& path);

// Runs work(i, worker) for i in [0, count) on `jobs` threads; worker < jobs
// names the thread (for per-thread scratch). Each call must touch only its
// own slot of the output; the first exception (by index) is rethrown here
// after all threads joined.
void run_batch(std::uint32_t jobs, std::size_t count, const std::function<void(std::size_t, std::size_t)>& work);

// Moves a campaign's tally into its result: judged counts, and the
// properties' notes after the explorer's own.
void conclude_tally(Result& result, const Tally& tally);

}  // namespace frsim::sim::explore
