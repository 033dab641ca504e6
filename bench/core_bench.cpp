// The level policy on the three basic shapes (chain of 50, diamond of width 5,
// fan-out of 1000): time per reevaluated node, and heap allocations per
// propagation after warm-up (must be 0 on these static graphs).

#include <benchmark/benchmark.h>

#include <cstdint>
#include <vector>

#include "bench/allocation_counter.hpp"
#include "core/policy.hpp"
#include "core/runtime.hpp"

namespace frsim::core {
namespace {

Value plus_one(std::span<const Value> in) { return Value::integer(in[0].as_int() + 1); }

Value sum(std::span<const Value> in) {
  std::int64_t total = 0;
  for (const Value& v : in) total += v.as_int();
  return Value::integer(total);
}

// Builds the shape on `rt`; returns the number of reactives one fire reevaluates.
using Shape = std::size_t (*)(Runtime& rt);

std::size_t chain_50(Runtime& rt) {
  ReactiveId r = rt.source(Value::integer(0));
  for (int i = 0; i < 50; ++i) r = rt.map({r}, plus_one);
  return 50;
}

std::size_t diamond_5(Runtime& rt) {
  const ReactiveId s = rt.source(Value::integer(0));
  std::vector<ReactiveId> middle;
  for (int i = 0; i < 5; ++i) middle.push_back(rt.map({s}, plus_one));
  rt.map(middle, sum);
  return 6;
}

std::size_t fan_out_1000(Runtime& rt) {
  const ReactiveId s = rt.source(Value::integer(0));
  for (int i = 0; i < 1000; ++i) rt.map({s}, plus_one);
  return 1000;
}

void level_policy_shape(benchmark::State& state, Shape shape) {
  Snapshot sigma;
  Runtime rt(sigma);  // the level policy is the default
  const std::size_t nodes = shape(rt);
  std::int64_t v = 0;
  for (int i = 0; i < 10; ++i) rt.fire(0, Value::integer(++v));  // warm-up: buffers grow
  const std::uint64_t allocations_before = bench::allocation_count();
  for (auto _ : state) {
    const ActionResult result = rt.fire(0, Value::integer(++v));
    benchmark::DoNotOptimize(result.committed);
  }
  const auto allocations = static_cast<double>(bench::allocation_count() - allocations_before);
  const auto iterations = static_cast<double>(state.iterations());
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(nodes));
  state.counters["ns_per_node"] = benchmark::Counter(
      iterations * static_cast<double>(nodes) / 1e9, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["allocs_per_propagation"] = allocations / iterations;
}

BENCHMARK_CAPTURE(level_policy_shape, chain_50, chain_50);
BENCHMARK_CAPTURE(level_policy_shape, diamond_5, diamond_5);
BENCHMARK_CAPTURE(level_policy_shape, fan_out_1000, fan_out_1000);

}  // namespace
}  // namespace frsim::core
