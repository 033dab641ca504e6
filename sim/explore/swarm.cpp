// swarm: swarm testing (Groce et al. 2012), VOPR-style. Each schedule draws
// its own fault mix (how many drops, duplicates, crashes and partitions it
// may inject) and its own rates (a weight per transition kind, 0 switching a
// kind off), so that some runs are calm and some are storms.
#include <array>
#include <optional>

#include <fmt/format.h>

#include "sim/explore/scheduler.hpp"
#include "sim/prng.hpp"

namespace frsim::sim::explore {

namespace {

// The most of each fault a schedule draws when the campaign sets no budget.
constexpr std::uint32_t swarm_drops_max = 3;
constexpr std::uint32_t swarm_dups_max = 2;
constexpr std::uint32_t swarm_crashes_max = 1;
constexpr std::uint32_t swarm_partitions_max = 1;
constexpr std::uint64_t weight_max = 8;

class SwarmScheduler final : public Scheduler {
 public:
  explicit SwarmScheduler(FixedBudgets fixed) : fixed_(fixed) {}

  WorldConfig start(std::uint64_t seed, const WorldConfig& base) override {
    prng_.emplace(seed);
    config_ = base;
    auto draw = [this](std::uint32_t budget, bool fixed, std::uint32_t fallback) {
      const std::uint32_t most = budget > 0 || fixed ? budget : fallback;
      return static_cast<std::uint32_t>(prng_->below(std::uint64_t{most} + 1));
    };
    config_.drops = draw(base.drops, fixed_.drops, swarm_drops_max);
    config_.dups = draw(base.dups, fixed_.dups, swarm_dups_max);
    config_.crashes = draw(base.crashes, fixed_.crashes, swarm_crashes_max);
    // A partition needs two sides (sim::validate).
    config_.partitions = base.devices < 2 ? 0 : draw(base.partitions, fixed_.partitions, swarm_partitions_max);
    // Progress transitions always run; faults may be switched off entirely.
    for (std::size_t k = 0; k < transition_kind_count; ++k) {
      const auto kind = static_cast<TransitionKind>(k);
      const bool fault = kind == TransitionKind::drop || kind == TransitionKind::duplicate ||
                         kind == TransitionKind::crash || kind == TransitionKind::partition;
      weights_[k] = fault ? prng_->below(weight_max + 1) : 1 + prng_->below(weight_max);
    }
    return config_;
  }

  std::size_t choose(const World&, const std::vector<Transition>& enabled) override {
    std::uint64_t total = 0;
    for (const auto& t : enabled) total += weights_[static_cast<std::size_t>(t.kind)];
    if (total == 0) return static_cast<std::size_t>(prng_->below(enabled.size()));
    std::uint64_t pick = prng_->below(total);
    for (std::size_t i = 0; i < enabled.size(); ++i) {
      const std::uint64_t w = weights_[static_cast<std::size_t>(enabled[i].kind)];
      if (pick < w) return i;
      pick -= w;
    }
    return enabled.size() - 1;
  }

  std::string describe() const override {
    std::string text = fmt::format("swarm drops={} dups={} crashes={} partitions={}; weights", config_.drops,
                                   config_.dups, config_.crashes, config_.partitions);
    for (std::size_t k = 0; k < transition_kind_count; ++k) {
      text += fmt::format(" {}={}", to_string(static_cast<TransitionKind>(k)), weights_[k]);
    }
    return text;
  }

 private:
  FixedBudgets fixed_;
  std::optional<Prng> prng_;
  WorldConfig config_;
  std::array<std::uint64_t, transition_kind_count> weights_{};
};

}  // namespace

std::unique_ptr<Scheduler> make_swarm_scheduler(FixedBudgets fixed) { return std::make_unique<SwarmScheduler>(fixed); }

}  // namespace frsim::sim::explore
