// pct: Probabilistic Concurrency Testing (Burckhardt, Kothari, Musuvathi,
// Nagarakatte, ASPLOS 2010). The "threads" are the devices, plus one for
// transitions that belong to no device (heal, Lo deliveries). Each gets a
// random initial priority of at least d; at d-1 random steps the running
// thread drops to priority d-1-i. The enabled thread of highest priority
// runs; among its transitions the choice is uniform.
#include <algorithm>
#include <optional>

#include <fmt/format.h>

#include "sim/explore/scheduler.hpp"
#include "sim/prng.hpp"

namespace frsim::sim::explore {

namespace {

class PctScheduler final : public Scheduler {
 public:
  PctScheduler(std::uint32_t depth, std::uint64_t steps_max)
      : depth_(std::max<std::uint32_t>(depth, 1)), steps_max_(std::max<std::uint64_t>(steps_max, 1)) {}

  WorldConfig start(std::uint64_t seed, const WorldConfig& base) override {
    prng_.emplace(seed);
    const std::uint32_t threads = base.devices + 1;
    priority_.assign(threads, 0);
    std::vector<std::uint32_t> order(threads);
    for (std::uint32_t i = 0; i < threads; ++i) order[i] = i;
    for (std::uint32_t i = threads; i > 1; --i) std::swap(order[i - 1], order[prng_->below(i)]);
    for (std::uint32_t i = 0; i < threads; ++i) priority_[order[i]] = depth_ + i;
    change_points_.clear();
    for (std::uint32_t i = 0; i + 1 < depth_; ++i) change_points_.push_back(prng_->below(steps_max_));
    step_ = 0;
    return base;
  }

  std::size_t choose(const World& world, const std::vector<Transition>& enabled) override {
    auto thread = [&world](const Transition& t) { return t.device == no_device ? world.devices() : t.device; };
    std::uint32_t best = thread(enabled.front());
    for (const auto& t : enabled) {
      if (priority_[thread(t)] > priority_[best]) best = thread(t);
    }
    for (std::uint32_t i = 0; i < change_points_.size(); ++i) {
      if (change_points_[i] == step_) priority_[best] = depth_ - 1 - i;
    }
    ++step_;
    std::vector<std::size_t> mine;
    for (std::size_t i = 0; i < enabled.size(); ++i) {
      if (thread(enabled[i]) == best) mine.push_back(i);
    }
    return mine[prng_->below(mine.size())];
  }

  std::string describe() const override {
    std::string points;
    for (auto p : change_points_) points += fmt::format(" {}", p);
    return fmt::format("pct d={} change points at steps{}", depth_, points);
  }

 private:
  std::uint32_t depth_;
  std::uint64_t steps_max_;
  std::optional<Prng> prng_;
  std::vector<std::uint64_t> priority_;
  std::vector<std::uint64_t> change_points_;
  std::uint64_t step_ = 0;
};

}  // namespace

std::unique_ptr<Scheduler> make_pct_scheduler(std::uint32_t depth, std::uint64_t steps_max) {
  return std::make_unique<PctScheduler>(depth, steps_max);
}

}  // namespace frsim::sim::explore
