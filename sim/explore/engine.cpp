#include "sim/explore/engine.hpp"

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

namespace frsim::sim::explore {

Meter::Meter(const Limits& limits, const Control& control)
    : limits_(limits), control_(control), start_(std::chrono::steady_clock::now()) {}

double Meter::elapsed_seconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

BudgetHit Meter::check(const Stats& stats, std::uint64_t states) const {
  if (control_.interrupt != nullptr && control_.interrupt->load()) return BudgetHit::interrupted;
  if (limits_.time_limit_seconds > 0 && elapsed_seconds() >= limits_.time_limit_seconds) return BudgetHit::time;
  if (states >= limits_.states_max) return BudgetHit::states;
  if (stats.schedules >= limits_.schedules_max) return BudgetHit::schedules;
  if (stats.memory_bytes > limits_.memory_bytes_max) return BudgetHit::memory;
  return BudgetHit::none;
}

void Meter::update(Stats& stats) const {
  stats.elapsed_seconds = elapsed_seconds();
  stats.states_per_second =
      stats.elapsed_seconds > 0 ? static_cast<double>(stats.states) / stats.elapsed_seconds : 0;
  if (control_.progress) control_.progress(stats);
}

Exhaustive::Exhaustive(const std::shared_ptr<const Scenario>& scenario, const Options& options,
                       const MonitorFactory& monitors, const Control& control)
    : scenario_(scenario),
      options_(options),
      monitors_(monitors),
      meter_(options.limits, control),
      visited_(options.limits.memory_bytes_max / 2, options.bitstate) {
  if (options.bitstate) {
    result_.notes.push_back("bitstate: the visited set is a bit array (supertrace); states may be missed");
  }
}

BudgetHit Exhaustive::checkpoint(std::uint64_t memory_bytes) {
  result_.stats.distinct_states = visited_.size();
  result_.stats.memory_bytes = memory_bytes;
  meter_.update(result_.stats);
  if (visited_.full()) return BudgetHit::memory;
  return meter_.check(result_.stats, result_.stats.distinct_states);
}

Result Exhaustive::conclude(BudgetHit hit, bool exhausted, std::uint64_t memory_bytes) {
  if (hit == BudgetHit::none && depth_cut_ && !result_.violation) hit = BudgetHit::depth;
  conclude_tally(result_, tally_);
  result_.budget_hit = hit;
  result_.complete = !result_.violation && hit == BudgetHit::none && exhausted && !options_.bitstate;
  result_.stats.distinct_states = visited_.size();
  result_.stats.memory_bytes = memory_bytes;
  meter_.update(result_.stats);
  return std::move(result_);
}

void conclude_tally(Result& result, const Tally& tally) {
  result.judged = tally.judged;
  result.judged.resize(result.properties.size(), 0);
  result.notes.insert(result.notes.end(), tally.notes.begin(), tally.notes.end());
}

void run_batch(std::uint32_t jobs, std::size_t count, const std::function<void(std::size_t)>& work) {
  std::vector<std::exception_ptr> errors(count);
  auto guarded = [&](std::size_t i) {
    try {
      work(i);
    } catch (...) {
      errors[i] = std::current_exception();
    }
  };
  const std::size_t threads = std::min<std::size_t>(std::max<std::uint32_t>(jobs, 1), count);
  if (threads <= 1) {
    for (std::size_t i = 0; i < count; ++i) guarded(i);
  } else {
    std::atomic<std::size_t> next{0};
    auto loop = [&] {
      for (std::size_t i = next++; i < count; i = next++) guarded(i);
    };
    std::vector<std::thread> pool;
    for (std::size_t t = 1; t < threads; ++t) pool.emplace_back(loop);
    loop();
    for (auto& thread : pool) thread.join();
  }
  for (auto& error : errors) {
    if (error) std::rethrow_exception(error);
  }
}

}  // namespace frsim::sim::explore
