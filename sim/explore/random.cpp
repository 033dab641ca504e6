// random: a seeded uniform random walk.
#include <optional>

#include "sim/explore/scheduler.hpp"
#include "sim/prng.hpp"

namespace frsim::sim::explore {

namespace {

class RandomScheduler final : public Scheduler {
 public:
  WorldConfig start(std::uint64_t seed, const WorldConfig& base) override {
    prng_.emplace(seed);
    return base;
  }
  std::size_t choose(const World&, const std::vector<Transition>& enabled) override {
    return static_cast<std::size_t>(prng_->below(enabled.size()));
  }
  std::string describe() const override { return "random"; }

 private:
  std::optional<Prng> prng_;
};

}  // namespace

std::unique_ptr<Scheduler> make_random_scheduler() { return std::make_unique<RandomScheduler>(); }

}  // namespace frsim::sim::explore
