// Exploration throughput (issue 5): DFS distinct states per second and
// visited-set bytes per state on a 3-device replication scenario, the
// reduction of sleep sets, source-set DPOR and symmetry, random-walk
// transitions per second, and --jobs 2 against --jobs 1.
#include <benchmark/benchmark.h>

#include <map>
#include <memory>

#include "sim/explore/explore.hpp"
#include "sim/world.hpp"

namespace {

using namespace frsim;
using namespace frsim::sim;
using namespace frsim::sim::explore;

// Three devices replicate a max register; each is told 1 (interchangeable devices).
Scenario replication() {
  Scenario s;
  s.name = "bench-replication";
  s.create = [](core::Runtime& rt, const DeviceContext&) {
    auto max = [](const core::Value& a, const core::Value& b) { return a.as_int() >= b.as_int() ? a : b; };
    const auto in = rt.source(core::Value::integer(0), "in");
    rt.distributed_fold("x", in, core::Value::integer(0), max, max);
  };
  s.workload = [](std::uint32_t, std::uint32_t) {
    return std::vector<Action>{Action::fire("in", core::Value::integer(1))};
  };
  return s;
}

class Quiet final : public Monitor {
 public:
  void on_event(const Event&, const World&) override {}
  void on_schedule_end(const World&) override {}
  std::optional<Finding> finding() const override { return std::nullopt; }
  std::unique_ptr<Monitor> clone() const override { return std::make_unique<Quiet>(); }
  std::vector<std::string> properties() const override { return {}; }
};

MonitorFactory quiet() {
  return [] { return std::make_unique<Quiet>(); };
}

Options base(Strategy strategy) {
  Options o;
  o.strategy = strategy;
  o.world.devices = 3;
  o.limits.depth_max = 1000;
  // The whole space is >200k states; a fixed cap compares equal amounts of
  // work (sleep sets show as fewer transitions per distinct state).
  o.limits.states_max = 3000;
  o.end_every_state = false;  // measure the search, not the healing
  return o;
}

void report(benchmark::State& state, const Result& r) {
  state.counters["distinct_states"] = static_cast<double>(r.stats.distinct_states);
  state.counters["transitions"] = static_cast<double>(r.stats.transitions);
  state.counters["states_per_second"] =
      benchmark::Counter(static_cast<double>(r.stats.distinct_states), benchmark::Counter::kIsRate);
  state.counters["visited_bytes_per_state"] =
      r.stats.distinct_states > 0 ? static_cast<double>(r.stats.memory_bytes) / static_cast<double>(r.stats.distinct_states) : 0;
}

void BM_explore_dfs(benchmark::State& state) {
  const Scenario s = replication();
  Options o = base(Strategy::dfs);
  o.por = state.range(0) != 0 ? Por::sleep : Por::none;
  o.symmetry = state.range(1) != 0;
  o.jobs = static_cast<std::uint32_t>(state.range(2));
  Result r;
  for (auto _ : state) r = frsim::sim::explore::explore(s, o, quiet());
  report(state, r);
}
// (sleep sets, symmetry, jobs)
BENCHMARK(BM_explore_dfs)->Args({0, 0, 1})->Args({1, 0, 1})->Args({0, 1, 1})->Args({1, 1, 1})->Args({0, 0, 2})
    ->Unit(benchmark::kMillisecond)->Iterations(1);

// The transitions of the execution tree below `world` (stateless search
// without reduction), through a memo keyed by state.
std::uint64_t tree_transitions(const World& world, std::map<std::uint64_t, std::uint64_t>& memo) {
  const std::uint64_t fp = world.fingerprint();
  if (auto it = memo.find(fp); it != memo.end()) return it->second;
  std::uint64_t edges = 0;
  const auto enabled = world.enabled();
  for (std::size_t i = 0; i < enabled.size(); ++i) {
    auto next = world.clone();
    next->apply_index(i);
    edges += 1 + tree_transitions(*next, memo);
  }
  memo[fp] = edges;
  return edges;
}

// Complete searches of one small space (2 interchangeable devices, one drop,
// coarse grain, every state judged): transitions explored by dfs without
// reduction, with sleep sets, by DPOR, and with symmetry, against the
// execution tree that a stateless search without reduction walks (DPOR's own
// baseline). Arguments: (por, symmetry).
void BM_explore_reduction(benchmark::State& state) {
  const Scenario s = replication();
  Options o = base(Strategy::dfs);
  o.world.devices = 2;
  o.world.drops = 1;
  o.limits.states_max = 1'000'000;
  o.end_every_state = true;
  o.por = static_cast<Por>(state.range(0));
  o.symmetry = state.range(1) != 0;
  Result r;
  for (auto _ : state) r = frsim::sim::explore::explore(s, o, quiet());
  World world(s, o.world, o.seed);
  std::map<std::uint64_t, std::uint64_t> memo;
  const std::uint64_t tree = tree_transitions(world, memo);
  state.SetLabel(std::string(to_string(o.por)) + (o.symmetry ? " symmetry" : "") +
                 (r.complete ? " complete" : " INCOMPLETE"));
  state.counters["transitions"] = static_cast<double>(r.stats.transitions);
  state.counters["distinct_states"] = static_cast<double>(r.stats.distinct_states);
  state.counters["tree_transitions"] = static_cast<double>(tree);
  state.counters["tree_over_explored"] = static_cast<double>(tree) / static_cast<double>(r.stats.transitions);
}
BENCHMARK(BM_explore_reduction)
    ->Args({static_cast<int>(Por::none), 0})
    ->Args({static_cast<int>(Por::sleep), 0})
    ->Args({static_cast<int>(Por::dpor), 0})
    ->Args({static_cast<int>(Por::none), 1})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1);

void BM_explore_random_walk(benchmark::State& state) {
  const Scenario s = replication();
  Options o = base(Strategy::random);
  o.world.drops = 1;
  o.world.dups = 1;
  o.limits.schedules_max = 200;
  o.determinism_every = 0;
  Result r;
  for (auto _ : state) r = frsim::sim::explore::explore(s, o, quiet());
  state.counters["transitions_per_second"] =
      benchmark::Counter(static_cast<double>(r.stats.transitions), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_explore_random_walk)->Unit(benchmark::kMillisecond)->Iterations(1);

}  // namespace
