#pragma once
// A minimal random-schedule loop for checker tests: the explorers are someone
// else's; these tests must not depend on them.

#include <optional>

#include "checker/checker.hpp"
#include "sim/prng.hpp"
#include "sim/world.hpp"

namespace frsim::checker::testing {

struct RunResult {
  Choices choices;
  std::optional<sim::Finding> finding;
};

// One seeded random schedule (at most `steps_max` transitions), healed, judged.
inline Choices random_choices(const sim::Scenario& scenario, const sim::WorldConfig& config, std::uint64_t seed,
                              std::size_t steps_max = 200) {
  sim::Prng prng(seed ^ 0x5eedULL);
  Choices choices;
  {
    sim::World world(scenario, config, seed);
    for (std::size_t i = 0; i < steps_max; ++i) {
      const auto enabled = world.enabled();
      if (enabled.empty()) break;
      const auto index = static_cast<std::size_t>(prng.below(enabled.size()));
      choices.emplace_back(index, enabled[index].description());
      world.apply(enabled[index]);
    }
  }
  return choices;
}

inline RunResult random_run(const sim::Scenario& scenario, const sim::WorldConfig& config, std::uint64_t seed,
                            const CheckOptions& options = {}, std::size_t steps_max = 200) {
  const Choices choices = random_choices(scenario, config, seed, steps_max);
  // The judged run is a replay of the same choices (replay() feeds a fresh monitor).
  auto replayed = replay(scenario, config, seed, choices, options);
  return {std::move(replayed.applied), std::move(replayed.finding)};
}

// The first of `seeds` random schedules that the checker flags, if any.
// Schedules of at most `steps_max` transitions (a random walk runs until
// nothing is enabled: where values keep moving, a short one ends, and is
// healed, mid-way).
inline std::optional<RunResult> search(const sim::Scenario& scenario, const sim::WorldConfig& config,
                                       std::uint64_t seeds, const CheckOptions& options = {},
                                       std::size_t steps_max = 200) {
  for (std::uint64_t seed = 1; seed <= seeds; ++seed) {
    auto r = random_run(scenario, config, seed, options, steps_max);
    if (r.finding) return r;
  }
  return std::nullopt;
}

}  // namespace frsim::checker::testing
