// The world's hot paths: seeded random executions of the paper's chat on three
// devices (coarse grain, default faults), and the cost of a world fingerprint
// (taken after every transition by explorers).

#include <benchmark/benchmark.h>

#include "scenarios/registry.hpp"
#include "sim/prng.hpp"
#include "sim/random_walk.hpp"
#include "sim/world.hpp"

namespace {

using frsim::sim::Grain;
using frsim::sim::World;

frsim::sim::WorldConfig chat_config() {
  auto config = frsim::scenarios::get("chat")->defaults;
  config.devices = 3;
  config.grain = Grain::coarse;
  return config;
}

// Seeded random walks of chat (the same walk as sim::random_walk, without
// healing), one per iteration; with `fingerprint`, a world fingerprint after
// every transition, as an explorer takes them.
void chat_walks(benchmark::State& state, bool fingerprint) {
  const auto chat = frsim::scenarios::get("chat");
  const auto config = chat_config();
  std::uint64_t seed = 0;
  std::uint64_t transitions = 0;
  for (auto _ : state) {
    World world(chat, config, seed);
    world.set_record_events(false);
    frsim::sim::Prng chooser(seed);
    for (auto enabled = world.enabled(); !enabled.empty(); enabled = world.enabled()) {
      world.apply_enabled(enabled, static_cast<std::size_t>(chooser.below(enabled.size())));
      if (fingerprint) benchmark::DoNotOptimize(world.fingerprint());
      ++transitions;
    }
    benchmark::DoNotOptimize(world.event_hash());
    ++seed;
  }
  state.counters["transitions_per_second"] =
      benchmark::Counter(static_cast<double>(transitions), benchmark::Counter::kIsRate);
  state.counters["transitions_per_run"] =
      benchmark::Counter(static_cast<double>(transitions), benchmark::Counter::kAvgIterations);
}

void BM_SimChatRandomWalkCoarse(benchmark::State& state) { chat_walks(state, false); }
BENCHMARK(BM_SimChatRandomWalkCoarse)->Unit(benchmark::kMicrosecond);

// The difference in time per transition to the walk above is the fingerprint
// cost per transition.
void BM_SimChatRandomWalkCoarseFingerprinted(benchmark::State& state) { chat_walks(state, true); }
BENCHMARK(BM_SimChatRandomWalkCoarseFingerprinted)->Unit(benchmark::kMicrosecond);

// One fingerprint of a chat world at the end of a walk (the largest state).
void BM_SimChatFingerprint(benchmark::State& state) {
  const auto chat = frsim::scenarios::get("chat");
  World world(chat, chat_config(), 0);
  world.set_record_events(false);
  frsim::sim::random_walk(world, 0);
  for (auto _ : state) benchmark::DoNotOptimize(world.fingerprint());
}
BENCHMARK(BM_SimChatFingerprint);

}  // namespace
