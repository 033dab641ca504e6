#pragma once
// A sampling strategy is a Scheduler (Shuttle's three methods): start a
// schedule, choose the next transition, and the randomness comes from the
// schedule's own seed. random, pct and swarm are one file each; walk.cpp
// runs any of them, and cross-cutting checks (determinism) wrap the run, not
// the schedulers.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "sim/explore/explore.hpp"
#include "sim/world.hpp"

namespace frsim::sim::explore {

class Scheduler {
 public:
  virtual ~Scheduler() = default;
  // Starts a schedule whose every decision derives from `seed`; returns the
  // world configuration it runs in (swarm draws its own fault mix).
  virtual WorldConfig start(std::uint64_t seed, const WorldConfig& base) = 0;
  // Precondition: `enabled` is world.enabled() and not empty.
  virtual std::size_t choose(const World& world, const std::vector<Transition>& enabled) = 0;
  // What this schedule was, for people: "swarm drops=2 crashes=1 ...".
  virtual std::string describe() const = 0;
};

std::unique_ptr<Scheduler> make_random_scheduler();
// PCT (Burckhardt et al. 2010) over devices as threads: d-1 priority change
// points within `steps_max` steps.
std::unique_ptr<Scheduler> make_pct_scheduler(std::uint32_t depth, std::uint64_t steps_max);
// A fault budget `fixed` marks is drawn up to the world's budget, 0
// included; the others up to a few where the world's is 0.
std::unique_ptr<Scheduler> make_swarm_scheduler(FixedBudgets fixed = {});
// Of the given sampling strategy.
std::unique_ptr<Scheduler> make_scheduler(const Options& options);

}  // namespace frsim::sim::explore
