// Exploration throughput (issues 5 and 14): distinct states per second and
// bytes per stored state of exhaustive search, on a 3-device replication
// scenario and on gset-replication (the reference model that explicit-state
// checkers are measured on, for N = 2, 3, 4 and drop/duplicate budgets 0 or
// 1), on counter and on the paper's chat; how deep the default campaign's
// breadth-first stage gets on chat in its 30 s; random-walk transitions per
// second; the reduction of sleep sets, source-set DPOR and symmetry; --jobs 2
// against --jobs 1.
//
// The file also compiles against the engine before issue 14 (no
// sim/state.hpp), so that bench/results/latest.md compares the two on the
// same benchmarks, run side by side.
#include <benchmark/benchmark.h>

#include <map>
#include <memory>

#include "checker/checker.hpp"
#include "scenarios/registry.hpp"
#include "sim/explore/explore.hpp"
#include "sim/prng.hpp"
#include "sim/world.hpp"

#if __has_include("sim/state.hpp")
#define FRSIM_WORLD_IS_A_VALUE 1
#endif

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

// Judges nothing: the search's own cost, as an explicit-state checker without
// properties (SPIN with its assertion never failing) spends it.
class Quiet final : public Monitor {
 public:
  void on_event(const Event&, const World&) override {}
  void on_schedule_end(const World&) override {}
  std::optional<Finding> finding() const override { return std::nullopt; }
  std::unique_ptr<Monitor> clone() const override { return std::make_unique<Quiet>(); }
  std::vector<std::string> properties() const override { return {}; }
  std::uint64_t memory_bytes() const override { return sizeof(*this); }
#ifdef FRSIM_WORLD_IS_A_VALUE
  bool wants_events() const override { return false; }
  bool keeps_schedule_state() const override { return false; }
#endif
};

MonitorFactory quiet() {
  return [] { return std::make_unique<Quiet>(); };
}

// The world's own checker: every property.
MonitorFactory checked(const Scenario& scenario) { return checker::monitor_factory(scenario); }

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

std::uint64_t stored_bytes(const Result& r) {
#ifdef FRSIM_WORLD_IS_A_VALUE
  return r.stats.visited_bytes;
#else
  return r.stats.memory_bytes;  // before: the visited set and the (prefix) frontier
#endif
}

void report(benchmark::State& state, const Result& r) {
  const double distinct = static_cast<double>(r.stats.distinct_states);
  state.counters["distinct_states"] = distinct;
  state.counters["transitions"] = static_cast<double>(r.stats.transitions);
  state.counters["max_depth"] = static_cast<double>(r.stats.max_depth);
  state.counters["states_per_second"] = benchmark::Counter(distinct, benchmark::Counter::kIsRate);
  state.counters["visited_bytes_per_state"] = distinct > 0 ? static_cast<double>(stored_bytes(r)) / distinct : 0;
  state.counters["memory_bytes"] = static_cast<double>(r.stats.memory_bytes);
  state.counters["seconds"] = r.stats.elapsed_seconds;
  state.counters["complete"] = r.complete ? 1 : 0;
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

// gset-replication, the reference model of explicit-state checkers
// (scenarios/gset_replication.cpp): breadth-first search of the whole space,
// ended and judged at quiescence only, as SPIN checks it, with a time budget
// of 60 s per configuration. Arguments: N, D, K, and 1 for symmetry
// reduction (replicas renamed inside the sets too), 0 for none.
Options gset_options(const Scenario& scenario, const benchmark::State& state) {
  Options o = base(Strategy::bfs);
  o.world = scenario.defaults;
  o.world.devices = static_cast<std::uint32_t>(state.range(0));
  o.world.drops = static_cast<std::uint32_t>(state.range(1));
  o.world.dups = static_cast<std::uint32_t>(state.range(2));
  o.limits.states_max = 1'000'000'000;
  o.limits.schedules_max = 1'000'000'000;
  o.limits.time_limit_seconds = 60;
  o.limits.memory_bytes_max = 3ULL << 30;
  return o;
}

void BM_gset_replication(benchmark::State& state) {
  const auto scenario = scenarios::get("gset-replication");
  Options o = gset_options(*scenario, state);
  o.symmetry = state.range(3) != 0;
  Result r;
  for (auto _ : state) r = frsim::sim::explore::explore(*scenario, o, quiet());
  report(state, r);
  state.SetLabel(r.complete ? "complete" : std::string("stopped: ") + std::string(to_string(r.budget_hit)));
}
BENCHMARK(BM_gset_replication)
    ->ArgsProduct({{2, 3, 4}, {0, 1}, {0, 1}, {0, 1}})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1);

// The same with N worker processes (--jobs N, the fifth argument): one
// visited set in shared memory, level by level. Distinct states and
// transitions are those of --jobs 1; compare states/s side by side.
void BM_gset_replication_jobs(benchmark::State& state) {
  const auto scenario = scenarios::get("gset-replication");
  Options o = gset_options(*scenario, state);
  o.symmetry = state.range(3) != 0;
  o.jobs = static_cast<std::uint32_t>(state.range(4));
  Result r;
  for (auto _ : state) r = frsim::sim::explore::explore(*scenario, o, quiet());
  report(state, r);
  state.SetLabel(r.complete ? "complete" : std::string("stopped: ") + std::string(to_string(r.budget_hit)));
}
BENCHMARK(BM_gset_replication_jobs)
    ->ArgsProduct({{3}, {0, 1}, {0, 1}, {1}, {1, 2}})
    ->Args({3, 0, 0, 0, 1})
    ->Args({3, 0, 0, 0, 2})
    ->Args({4, 0, 0, 1, 1})
    ->Args({4, 0, 0, 1, 2})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1)
    ->UseRealTime();

#ifdef FRSIM_WORLD_IS_A_VALUE
// The same in bitstate mode (supertrace, one bit per state in an array of
// 2^31 bits, 256 MiB), with symmetry: the count is a lower bound, the
// visited set's cost per state is what the array costs divided by it.
// A bitstate search of `bits` bits with symmetry as the fourth argument says;
// `strategy` and `seconds` as given.
void run_gset_bitstate(benchmark::State& state, Strategy strategy, std::uint64_t bits, double seconds) {
  const auto scenario = scenarios::get("gset-replication");
  Options o = gset_options(*scenario, state);
  o.strategy = strategy;
  o.symmetry = state.range(3) != 0;
  o.bitstate = true;
  o.bitstate_bits = bits;
  o.limits.time_limit_seconds = seconds;
  Result r;
  for (auto _ : state) r = frsim::sim::explore::explore(*scenario, o, quiet());
  report(state, r);
  state.SetLabel(r.budget_hit == BudgetHit::none ? "explored (lower bound)"
                                                 : std::string("stopped: ") + std::string(to_string(r.budget_hit)));
}

void BM_gset_replication_bitstate(benchmark::State& state) {
  run_gset_bitstate(state, Strategy::bfs, std::uint64_t{1} << 31, 60);
}
BENCHMARK(BM_gset_replication_bitstate)
    ->Args({3, 1, 1, 1})
    ->Args({4, 1, 1, 1})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1);

// The same by depth-first search (2^32 bits, 512 MiB): it holds the stack and
// no frontier, so N = 4 runs until its orbits are counted (a lower bound) or
// the 600 s budget ends: how far N = 4 is from the 60 s. Not run by
// scripts/bench.sh; run it by name.
void BM_gset_replication_dfs_bitstate(benchmark::State& state) {
  run_gset_bitstate(state, Strategy::dfs, std::uint64_t{1} << 32, 600);
}
BENCHMARK(BM_gset_replication_dfs_bitstate)
    ->Args({3, 1, 1, 1})
    ->Args({4, 0, 0, 1})
    ->Args({4, 1, 1, 1})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1);
#endif

// counter (3 devices, one drop, one duplicate, one partition): breadth-first
// search, the first 300,000 distinct states, ended at stuck states only.
// Argument: 1 with every property of the checker judging every new state
// (the campaign's real work), 0 with none (the search's own cost).
void BM_explore_counter(benchmark::State& state) {
  const auto scenario = scenarios::get("counter");
  const bool with_checker = state.range(0) != 0;
  Options o = base(Strategy::bfs);
  o.world = scenario->defaults;
  o.limits.states_max = with_checker ? 30'000 : 300'000;
  o.limits.schedules_max = 1'000'000'000;
  o.end_every_state = with_checker;
  Result r;
  for (auto _ : state) r = frsim::sim::explore::explore(*scenario, o, with_checker ? checked(*scenario) : quiet());
  report(state, r);
}
BENCHMARK(BM_explore_counter)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->Iterations(1);

// chat: the default campaign's exhaustive stage (breadth-first with sleep
// sets and symmetry, every new state healed and judged by every property)
// for its share of the 60 s default budget, 30 s: how deep it gets. Argument:
// 1 with the checker, 0 with none.
void BM_explore_chat_bfs(benchmark::State& state) {
  const auto scenario = scenarios::get("chat");
  const bool with_checker = state.range(0) != 0;
  Options o = base(Strategy::bfs);
  o.world = scenario->defaults;
  o.por = Por::sleep;
  o.symmetry = true;
  o.end_every_state = with_checker;
  o.limits.depth_max = 60;
  o.limits.states_max = 2'000'000;
  o.limits.schedules_max = 1'000'000'000;
  o.limits.time_limit_seconds = 30;
  Result r;
  for (auto _ : state) r = frsim::sim::explore::explore(*scenario, o, with_checker ? checked(*scenario) : quiet());
  report(state, r);
}
BENCHMARK(BM_explore_chat_bfs)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->Iterations(1);

// Symmetry that renames device numbers inside values (issue 14, item 6):
// the same breadth-first search with symmetry off and on, side by side.
// Arguments: the scenario (0 counter: 3 devices, one drop, one duplicate, no
// partition, complete; 1 gset-replication N = 2; 2 the same N = 3; 3 chat,
// depth 8, where RGA node ids order replicas and symmetry must stay off), and
// 1 for symmetry. Ended at stuck states only, no properties judged.
void BM_symmetry_reduction(benchmark::State& state) {
  static const char* const names[] = {"counter", "gset-replication", "gset-replication", "chat"};
  const auto which = state.range(0);
  const auto scenario = scenarios::get(names[which]);
  Options o = base(Strategy::bfs);
  o.world = scenario->defaults;
  if (which == 0) o.world.partitions = 0;
  if (which == 1) o.world.devices = 2;
  o.symmetry = state.range(1) != 0;
  o.limits.depth_max = which == 3 ? 8 : 1000;
  o.limits.states_max = 1'000'000'000;
  o.limits.schedules_max = 1'000'000'000;
  o.limits.time_limit_seconds = 30;
  o.limits.memory_bytes_max = 3ULL << 30;
  Result r;
  for (auto _ : state) r = frsim::sim::explore::explore(*scenario, o, quiet());
  report(state, r);
  state.SetLabel(std::string(names[which]) + (o.symmetry ? " symmetry" : " plain") +
                 (r.complete ? " complete" : std::string(" stopped: ") + std::string(to_string(r.budget_hit))));
}
BENCHMARK(BM_symmetry_reduction)
    ->ArgsProduct({{0, 1, 2, 3}, {0, 1}})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1);

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

// Seeded random walks of chat (3 devices, coarse grain, its default faults)
// to their end, as a sampler runs them without a checker: from a copy of the
// initial world, transitions listed without descriptions, no events. Before
// issue 14 a walk built its world from the creation code, listed every
// transition with its description, and hashed every event.
void BM_chat_random_walk(benchmark::State& state) {
  const auto chat = scenarios::get("chat");
  WorldConfig config = chat->defaults;
  config.grain = Grain::coarse;
  std::uint64_t seed = 0;
  std::uint64_t transitions = 0;
#ifdef FRSIM_WORLD_IS_A_VALUE
  World initial(chat, config, 0);
  initial.set_record_events(false);
  initial.set_hash_events(false);
  initial.set_keep_choices(false);
  World world(initial);
  std::vector<Transition> enabled;
  for (auto _ : state) {
    world = initial;
    Prng chooser(seed++);
    for (world.list(enabled); !enabled.empty(); world.list(enabled)) {
      world.apply_enabled(enabled, static_cast<std::size_t>(chooser.below(enabled.size())));
      ++transitions;
    }
    benchmark::DoNotOptimize(world.steps());
  }
#else
  for (auto _ : state) {
    World world(chat, config, 0);
    world.set_record_events(false);
    Prng chooser(seed++);
    for (auto enabled = world.enabled(); !enabled.empty(); enabled = world.enabled()) {
      world.apply_enabled(enabled, static_cast<std::size_t>(chooser.below(enabled.size())));
      ++transitions;
    }
    benchmark::DoNotOptimize(world.event_hash());
  }
#endif
  state.counters["transitions_per_second"] =
      benchmark::Counter(static_cast<double>(transitions), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_chat_random_walk)->Unit(benchmark::kMicrosecond);

// The same walks as the random strategy runs them (frsim explore chat
// --strategy random): schedules numbered and seeded, a monitor per schedule,
// every state fingerprinted for the distinct count, healed at the end.
// Argument: 1 with the checker, 0 with none; no replay self-check.
void BM_explore_chat_random(benchmark::State& state) {
  const auto chat = scenarios::get("chat");
  const bool with_checker = state.range(0) != 0;
  Options o = base(Strategy::random);
  o.world = chat->defaults;
  o.limits.depth_max = 60;
  o.limits.states_max = 1'000'000'000;
  o.limits.schedules_max = with_checker ? 200 : 5000;
  o.determinism_every = 0;
  Result r;
  for (auto _ : state) r = frsim::sim::explore::explore(*chat, o, with_checker ? checked(*chat) : quiet());
  state.counters["transitions_per_second"] =
      benchmark::Counter(static_cast<double>(r.stats.transitions), benchmark::Counter::kIsRate);
  state.counters["schedules"] = static_cast<double>(r.stats.schedules);
}
BENCHMARK(BM_explore_chat_random)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->Iterations(1);

}  // namespace
