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
                            const CheckOptions& options = {}) {
  const Choices choices = random_choices(scenario, config, seed);
  // The judged run is a replay of the same choices (replay() feeds a fresh monitor).
  auto replayed = replay(scenario, config, seed, choices, options);
  return {std::move(replayed.applied), std::move(replayed.finding)};
}

// The first of `seeds` random schedules that the checker flags, if any.
inline std::optional<RunResult> search(const sim::Scenario& scenario, const sim::WorldConfig& config,
                                       std::uint64_t seeds, const CheckOptions& options = {}) {
  for (std::uint64_t seed = 1; seed <= seeds; ++seed) {
    auto r = random_run(scenario, config, seed, options);
    if (r.finding) return r;
  }
  return std::nullopt;
}

}  // namespace frsim::checker::testing
