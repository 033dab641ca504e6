#include "sim/random_walk.hpp"

#include "core/hash.hpp"
#include "sim/prng.hpp"

namespace frsim::sim {

WalkSummary random_walk(World& world, std::uint64_t seed, const std::atomic<bool>* stop) {
  WalkSummary summary;
  // Its own stream, derived from the seed, so the walk never shares draws
  // with anything else seeded by it (the random topology).
  Prng chooser(core::hash_combine(seed, 0x77616c6bULL));
  std::vector<Transition> enabled;
  for (;;) {
    if (stop != nullptr && stop->load(std::memory_order_relaxed)) {
      summary.stopped = true;
      return summary;
    }
    world.list(enabled);
    if (enabled.empty()) return summary;
    if (summary.transitions >= world.config().steps_max) {
      summary.truncated = true;
      return summary;
    }
    const auto index = static_cast<std::size_t>(chooser.below(enabled.size()));
    ++summary.by_kind[static_cast<std::size_t>(enabled[index].kind)];
    ++summary.transitions;
    world.apply_enabled(enabled, index);
  }
}

}  // namespace frsim::sim
