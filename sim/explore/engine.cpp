#include "sim/explore/engine.hpp"

#include <algorithm>
#if defined(__GLIBC__)
#endif
#include <atomic>
#include <thread>
#include <vector>

#include <fmt/format.h>

namespace frsim::sim::explore {

Meter::Meter(const Limits& limits, const Control& control)
    : limits_(limits), control_(control), start_(std::chrono::steady_clock::now()) {
  if (limits_.time_limit_seconds > 0 || control_.interrupt != nullptr) watcher_ = std::thread([this] { watch(); });
}

Meter::~Meter() {
  {
    std::lock_guard lock(mutex_);
    done_ = true;
  }
  wake_.notify_all();
  if (watcher_.joinable()) watcher_.join();
}

// A signal handler can only set an atomic flag, so the interrupt is polled;
// every few milliseconds is prompt for people and free for the search.
void Meter::watch() {
  constexpr auto poll = std::chrono::milliseconds(5);
  std::unique_lock lock(mutex_);
  while (!done_) {
    if (should_stop()) return;
    wake_.wait_for(lock, poll);
  }
}

// Raises the stop flag when it should be; true once raised.
bool Meter::should_stop() {
  if (control_.interrupt != nullptr && control_.interrupt->load()) {
    interrupted_.store(true);
    stop_.store(true);
    return true;
  }
  const std::atomic<std::uint32_t>* also = also_.load();
  if ((limits_.time_limit_seconds > 0 && elapsed_seconds() >= limits_.time_limit_seconds) ||
      (also != nullptr && also->load() != 0)) {
    stop_.store(true);
    return true;
  }
  return false;
}

void Meter::also_stop_on(const std::atomic<std::uint32_t>* flag, bool forked) {
  if (forked) {
    also_.store(flag);
    // The worker ends with _exit, never destroying this meter: the thread
    // may outlive nothing it uses.
    std::thread([this] {
      while (!should_stop()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }).detach();
    return;
  }
  {
    // The watcher reads the flag holding the lock: once this returns with
    // nullptr, the flag's memory may go.
    std::lock_guard lock(mutex_);
    also_.store(flag);
  }
  if (flag != nullptr && !watcher_.joinable()) watcher_ = std::thread([this] { watch(); });
}

BudgetHit Meter::stop_reason() const {
  if (interrupted_.load() || (control_.interrupt != nullptr && control_.interrupt->load())) {
    return BudgetHit::interrupted;
  }
  return BudgetHit::time;
}

double Meter::elapsed_seconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

BudgetHit Meter::check(const Stats& stats, std::uint64_t states) const {
  if (interrupted_.load() || (control_.interrupt != nullptr && control_.interrupt->load())) {
    return BudgetHit::interrupted;
  }
  if (limits_.time_limit_seconds > 0 && elapsed_seconds() >= limits_.time_limit_seconds) return BudgetHit::time;
  if (states >= limits_.states_max) return BudgetHit::states;
  if (stats.schedules >= limits_.schedules_max) return BudgetHit::schedules;
  if (stats.memory_bytes > limits_.memory_bytes_max) return BudgetHit::memory;
  return BudgetHit::none;
}

void Meter::update(Stats& stats) const {
  stats.elapsed_seconds = elapsed_seconds();
  const double seconds = stats.elapsed_seconds;
  auto rate = [seconds](std::uint64_t n) { return seconds > 0 ? static_cast<double>(n) / seconds : 0; };
  stats.states_per_second = rate(stats.states);
  stats.transitions_per_second = rate(stats.transitions);
  stats.revisits_per_second = rate(stats.revisits);
  if (control_.progress) control_.progress(stats);
}

Exhaustive::Exhaustive(const std::shared_ptr<const Scenario>& scenario, const Options& options,
                       const MonitorFactory& monitors, const Control& control)
    : scenario_(scenario),
      options_(options),
      monitors_(monitors),
      meter_(options.limits, control),
      visited_(options.limits.memory_bytes_max / 2, options.bitstate, options.bitstate_bits) {
  if (options.bitstate) {
    result_.notes.push_back(fmt::format(
        "bitstate: the visited set is an array of {} bits, one bit per state (supertrace); states may be missed, "
        "so the count of states is a lower bound",
        visited_.bytes() * 8));
  }
}

BudgetHit Exhaustive::checkpoint(std::uint64_t memory_bytes) {
  result_.stats.states = result_.stats.distinct_states = visited_.size();
  result_.stats.visited_bytes = visited_bytes();
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
  result_.stats.states = result_.stats.distinct_states = visited_.size();
  result_.stats.visited_bytes = visited_bytes();
  result_.stats.memory_bytes = memory_bytes;
  meter_.update(result_.stats);
  return std::move(result_);
}

std::vector<std::pair<std::size_t, std::string>> Exhaustive::describe_path(
    const std::vector<std::uint32_t>& path) const {
  return explore::describe_path(scenario_, options_.world, options_.seed, path);
}

std::vector<std::pair<std::size_t, std::string>> describe_path(const std::shared_ptr<const Scenario>& scenario,
                                                               const WorldConfig& config, std::uint64_t seed,
                                                               const std::vector<std::uint32_t>& path) {
  World world(scenario, config, seed);
  world.set_record_events(false);
  world.set_hash_events(false);
  for (const std::uint32_t index : path) world.apply_index(index);
  return world.choices();
}

void conclude_tally(Result& result, const Tally& tally) {
  result.judged = tally.judged;
  result.judged.resize(result.properties.size(), 0);
  result.notes.insert(result.notes.end(), tally.notes.begin(), tally.notes.end());
}

void run_batch(std::uint32_t jobs, std::size_t count,
               const std::function<void(std::size_t, std::size_t)>& work) {
  std::vector<std::exception_ptr> errors(count);
  auto guarded = [&](std::size_t i, std::size_t worker) {
    try {
      work(i, worker);
    } catch (...) {
      errors[i] = std::current_exception();
    }
  };
  const std::size_t threads = std::min<std::size_t>(std::max<std::uint32_t>(jobs, 1), count);
  if (threads <= 1) {
    for (std::size_t i = 0; i < count; ++i) guarded(i, 0);
  } else {
    std::atomic<std::size_t> next{0};
    auto loop = [&](std::size_t worker) {
      for (std::size_t i = next++; i < count; i = next++) guarded(i, worker);
    };
    std::vector<std::thread> pool;
    for (std::size_t t = 1; t < threads; ++t) pool.emplace_back(loop, t);
    loop(0);
    for (auto& thread : pool) thread.join();
  }
  for (auto& error : errors) {
    if (error) std::rethrow_exception(error);
  }
}

}  // namespace frsim::sim::explore
