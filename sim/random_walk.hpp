#pragma once
// A seeded random walk over a world's transitions: at each state one enabled
// transition, uniformly, from the world's own PRNG. Stops when nothing is
// enabled or after config().steps_max transitions; the caller decides whether
// to heal afterwards.

#include <array>
#include <atomic>
#include <cstdint>

#include "sim/world.hpp"

namespace frsim::sim {

struct WalkSummary {
  std::uint64_t transitions = 0;
  std::array<std::uint64_t, transition_kind_count> by_kind{};
  bool truncated = false;  // stopped at steps_max with transitions still enabled
  bool stopped = false;    // `stop` was raised between two transitions
};

// `stop`: a budget's stop request, polled before every transition (the
// world's own stop flag ends a transition midway, see World::set_stop).
WalkSummary random_walk(World& world, std::uint64_t seed, const std::atomic<bool>* stop = nullptr);

}  // namespace frsim::sim
