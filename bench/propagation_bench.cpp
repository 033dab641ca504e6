// frsim's contestants on the propagation shapes (bench/shapes.hpp):
//   frsim/<shape>     the level policy, the product's fast order;
//   calculus/<shape>  the calculus policy with its default chooser, one rule
//                     of Fig. 8 at a time (the cost of stepwise rules);
//   frsim_cutoff/<shape>  the level policy with equal-value cut-off
//                     (RuntimeOptions::equal_value_cutoff), kairo shapes only:
//                     the work the peers do, which stop at equal values (its
//                     node count is checked against the peers' cut-off count).
// Both build the shape with the public Runtime API, fire every write as one
// action, and check values and node executions on every iteration, exactly
// as the floor and the JavaScript peers do. allocations_per_propagation
// counts heap allocations in the timed loop (bench/allocation_counter.hpp).

#include <benchmark/benchmark.h>

#include <bit>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "bench/allocation_counter.hpp"
#include "bench/shapes.hpp"
#include "core/policy.hpp"
#include "core/runtime.hpp"
#include "core/value.hpp"

namespace frsim::bench {
namespace {

using core::ReactiveId;
using core::Value;
using PolicyMaker = std::unique_ptr<core::Policy> (*)();
// A contestant's engine: its policy, and whether it cuts off at equal values.
struct Engine {
  PolicyMaker policy;
  bool cutoff = false;
};

std::unique_ptr<core::Policy> make_level() { return core::level_policy(); }
std::unique_ptr<core::Policy> make_calculus() { return core::calculus_policy(); }

// One device's runtime, with a counter every operator of the shape bumps.
class Device {
 public:
  explicit Device(Engine engine) : runtime_(snapshot_, options(engine)), cutoff_(engine.cutoff) {}

  core::Runtime& rt() { return runtime_; }
  std::int64_t& executions() { return executions_; }

  ReactiveId source(std::int64_t initial) { return runtime_.source(Value::integer(initial)); }

  // A map over integer inputs: op(values) -> integer.
  template <class Op>
  ReactiveId map(std::vector<ReactiveId> inputs, Op op) {
    std::int64_t* executions = &executions_;
    return runtime_.map(std::move(inputs), [executions, op](core::Inputs in) {
      ++*executions;
      return op(in);
    });
  }

  // `op` is a lambda (a type of its own), so the operator's work is inlined
  // into the one indirect call the runtime makes, as in the fair floor.
  template <class Op>
  ReactiveId map1(ReactiveId input, Op op) {
    return map({input}, [op](core::Inputs in) { return Value::integer(op(in[0].as_int())); });
  }

  // An observer: a reactive nobody reads, the calculus's stand-in for an effect.
  ReactiveId observe(ReactiveId input) {
    return map({input}, [](core::Inputs) { return Value(); });
  }

  bool fire(ReactiveId r, Value v) { return runtime_.fire(r, std::move(v)).committed; }
  std::int64_t get(ReactiveId r) const { return runtime_.value(r).as_int(); }
  bool cutoff() const { return cutoff_; }

 private:
  static core::RuntimeOptions options(Engine engine) {
    core::RuntimeOptions o;
    o.policy = engine.policy();
    o.equal_value_cutoff = engine.cutoff;
    return o;
  }

  core::Snapshot snapshot_;
  core::Runtime runtime_;
  std::int64_t executions_ = 0;
  bool cutoff_ = false;
};

// Runs `iteration` (which returns false after SkipWithError) once to warm
// up, then in the timed loop; checks the node count every time and reports
// the shared counters. Allocations are counted in steady state only.
// `nodes` is the calculus's count (what ns per node divides by, for every
// contestant); a device that cuts off must execute `cutoff_nodes` (the
// peers' count; -1: the same).
template <class Iteration>
void measure(benchmark::State& state, Device& device, std::int64_t nodes, std::int64_t propagations,
             Iteration iteration, std::int64_t cutoff_nodes = -1) {
  const std::int64_t executed = device.cutoff() && cutoff_nodes >= 0 ? cutoff_nodes : nodes;
  device.executions() = 0;
  if (!iteration()) return;
  if (!check(state, device.executions() == executed, "wrong node count in warm-up")) return;
  const std::uint64_t allocations_before = allocation_count();
  for (auto _ : state) {
    device.executions() = 0;
    if (!iteration()) return;
    if (!check(state, device.executions() == executed, "wrong node count")) return;
  }
  const std::uint64_t allocations = allocation_count() - allocations_before;
  report(state, nodes, propagations);
  state.counters["allocations_per_propagation"] =
      static_cast<double>(allocations) /
      static_cast<double>(static_cast<std::int64_t>(state.iterations()) * propagations);
}

constexpr auto plus_one = [](std::int64_t v) { return v + 1; };

// One kairo iteration per timed iteration: fire each of kairo_writes(n) as
// one action and check `watched` after it. `uncounted` counts reevaluations
// of reactives without an operator to count in (a flatten), per write.
template <class Expected>
void run_kairo(benchmark::State& state, Device& d, ReactiveId head, std::int64_t n, std::int64_t nodes,
               ReactiveId watched, Expected expected, std::int64_t uncounted = 0, std::int64_t cutoff_nodes = -1) {
  const auto writes = kairo_writes(n);
  measure(state, d, nodes, static_cast<std::int64_t>(writes.size()), [&] {
    for (const std::int64_t x : writes) {
      if (!check(state, d.fire(head, Value::integer(x)), "fire failed")) return false;
      d.executions() += uncounted;
      if (!check(state, d.get(watched) == expected(x), "wrong value")) return false;
    }
    return true;
  }, cutoff_nodes);
}

void run_deep(benchmark::State& state, Engine make) {
  Device d(make);
  const ReactiveId head = d.source(0);
  ReactiveId last = head;
  for (int i = 0; i < deep_length; ++i) last = d.map1(last, plus_one);
  d.observe(last);
  run_kairo(state, d, head, deep_length, deep_nodes, last, [](std::int64_t x) { return x + deep_length; });
}

void run_broad(benchmark::State& state, Engine make) {
  Device d(make);
  const ReactiveId head = d.source(0);
  ReactiveId last = head;
  for (std::int64_t i = 0; i < broad_width; ++i) {
    const ReactiveId a =
        d.map({head}, [i](core::Inputs in) { return Value::integer(in[0].as_int() + i); });
    last = d.map1(a, plus_one);
    d.observe(last);
  }
  run_kairo(state, d, head, broad_width, broad_nodes, last, [](std::int64_t x) { return x + broad_width; });
}

constexpr auto sum_of = [](core::Inputs in) {
  std::int64_t total = 0;
  for (const Value& v : in) total += v.as_int();
  return Value::integer(total);
};

void run_diamond(benchmark::State& state, Engine make) {
  Device d(make);
  const ReactiveId head = d.source(0);
  std::vector<ReactiveId> arms;
  for (int i = 0; i < diamond_width; ++i) arms.push_back(d.map1(head, plus_one));
  const ReactiveId sum = d.map(arms, sum_of);
  d.observe(sum);
  run_kairo(state, d, head, 500, diamond_nodes, sum, [](std::int64_t x) { return diamond_width * (x + 1); });
}

void run_triangle(benchmark::State& state, Engine make) {
  Device d(make);
  const ReactiveId head = d.source(0);
  std::vector<ReactiveId> chain;
  ReactiveId current = head;
  for (int i = 0; i < triangle_length; ++i) chain.push_back(current = d.map1(current, plus_one));
  const ReactiveId sum = d.map(chain, sum_of);
  d.observe(sum);
  run_kairo(state, d, head, 100, triangle_nodes, sum, [](std::int64_t x) { return triangle_length * x + 55; });
}

void run_mux(benchmark::State& state, Engine make) {
  Device d(make);
  std::vector<ReactiveId> heads;
  for (int i = 0; i < mux_width; ++i) heads.push_back(d.source(0));
  const ReactiveId all = d.map(heads, [](core::Inputs in) {
    return Value::list_of(in);
  });
  std::vector<ReactiveId> outs;
  for (std::size_t j = 0; j < static_cast<std::size_t>(mux_width); ++j) {
    const ReactiveId split = d.map({all}, [j](core::Inputs in) { return in[0].as_list()[j]; });
    outs.push_back(d.map1(split, plus_one));
    d.observe(outs.back());
  }
  measure(state, d, mux_nodes, 20, [&] {
    for (const std::int64_t factor : {1, 2}) {
      for (std::size_t i = 0; i < 10; ++i) {
        const auto x = static_cast<std::int64_t>(i) * factor;
        if (!check(state, d.fire(heads[i], Value::integer(x)), "mux: fire failed")) return false;
        if (!check(state, d.get(outs[i]) == x + 1, "mux: wrong output")) return false;
      }
    }
    return true;
  }, mux_cutoff_nodes);
}

void run_repeated(benchmark::State& state, Engine make) {
  Device d(make);
  const ReactiveId head = d.source(0);
  // One map reading the same input 30 times: 30 input edges to one reactive.
  const ReactiveId sum = d.map(std::vector<ReactiveId>(repeated_reads, head), sum_of);
  d.observe(sum);
  run_kairo(state, d, head, 100, repeated_nodes, sum, [](std::int64_t x) { return repeated_reads * x; });
}

void run_unstable(benchmark::State& state, Engine make) {
  Device d(make);
  const ReactiveId head = d.source(0);
  const ReactiveId twice = d.map1(head, [](std::int64_t v) { return v * 2; });
  const ReactiveId inverse = d.map1(head, [](std::int64_t v) { return -v; });
  // The dynamic dependency: a flatten over a map that names double or inverse.
  const ReactiveId choice = d.map({head}, [twice, inverse](core::Inputs in) {
    return Value::ref(in[0].as_int() % 2 != 0 ? twice : inverse);
  });
  const ReactiveId flat = d.rt().flatten(choice);
  const ReactiveId current = d.map({flat}, [](core::Inputs in) {
    std::int64_t total = 0;
    for (int i = 0; i < unstable_reads; ++i) total += in[0].as_int();
    return Value::integer(total);
  });
  d.observe(current);
  d.observe(twice);
  d.observe(inverse);
  // The flatten has no operator to count in; each write reevaluates it once.
  run_kairo(
      state, d, head, 100, unstable_nodes, current,
      [](std::int64_t x) { return x % 2 != 0 ? 40 * x : -20 * x; }, 1);
}

void run_avoidable(benchmark::State& state, Engine make) {
  Device d(make);
  const ReactiveId head = d.source(0);
  const ReactiveId c1 = d.map1(head, [](std::int64_t v) { return v; });
  const ReactiveId c2 = d.map1(c1, [](std::int64_t) -> std::int64_t { return 0; });
  const ReactiveId c3 = d.map1(c2, [](std::int64_t v) { return v + 1; });
  const ReactiveId c4 = d.map1(c3, [](std::int64_t v) { return v + 2; });
  const ReactiveId c5 = d.map1(c4, [](std::int64_t v) { return v + 3; });
  d.observe(c5);
  run_kairo(state, d, head, 1000, avoidable_nodes, c5, [](std::int64_t) -> std::int64_t { return 6; }, 0,
            avoidable_cutoff_nodes);
}

Value cellx_start(const std::array<std::int64_t, 4>& values) {
  core::ValueList items;
  for (const std::int64_t v : values) items.push_back(Value::integer(v));
  return Value::list(std::move(items));
}

void run_cellx(benchmark::State& state, Engine make, int layers) {
  Device d(make);
  const Value forward = cellx_start(cellx_forward);
  const Value back = cellx_start(cellx_back);
  const ReactiveId start = d.rt().source(back);
  std::array<ReactiveId, 4> layer{};
  for (std::size_t k = 0; k < 4; ++k) {
    layer[k] = d.map({start}, [k](core::Inputs in) { return in[0].as_list()[k]; });
  }
  for (int l = 0; l < layers; ++l) {
    const auto [a, b, c, e] = layer;
    layer = {d.map({b}, [](core::Inputs in) { return in[0]; }),
             d.map({a, c}, [](core::Inputs in) {
               return Value::integer(in[0].as_int() - in[1].as_int());
             }),
             d.map({b, e}, sum_of), d.map({c}, [](core::Inputs in) { return in[0]; })};
    for (const ReactiveId node : layer) d.observe(node);
  }
  measure(state, d, cellx_nodes(layers), 2, [&] {
    for (const bool to_forward : {true, false}) {
      if (!check(state, d.fire(start, to_forward ? forward : back), "cellx: fire failed")) return false;
      const auto& expected = to_forward ? cellx_end_forward : cellx_end_back;
      for (std::size_t k = 0; k < 4; ++k) {
        if (!check(state, d.get(layer[k]) == expected[k], "cellx: wrong end value")) return false;
      }
    }
    return true;
  });
}

// Grid values are JavaScript numbers (doubles) so that the published sums
// hold; a frsim Value carries the double's bits as an integer.
Value from_double(double v) { return Value::integer(std::bit_cast<std::int64_t>(v)); }
double to_double(const Value& v) { return std::bit_cast<double>(v.as_int()); }

constexpr auto grid_static_node = [](core::Inputs in) {
  double sum = 0;
  for (const Value& v : in) sum += to_double(v);
  return from_double(sum);
};

constexpr auto grid_dynamic_node = [](core::Inputs in) {
  double sum = to_double(in[0]);
  const bool drops = grid_drops(sum);
  const int drop_index = grid_drop_index(sum, static_cast<int>(in.size()) - 1);
  for (std::size_t k = 1; k < in.size(); ++k) {
    if (drops && static_cast<int>(k) - 1 == drop_index) continue;
    sum += to_double(in[k]);
  }
  return from_double(sum);
};

void run_grid(benchmark::State& state, Engine make, const GridConfig& g) {
  Device d(make);
  const auto pattern = grid_static_pattern(g);
  std::vector<ReactiveId> sources, row;
  for (int x = 0; x < g.width; ++x) sources.push_back(d.rt().source(from_double(x)));
  row = sources;
  for (int r = 1; r < g.layers; ++r) {
    std::vector<ReactiveId> next;
    for (int x = 0; x < g.width; ++x) {
      std::vector<ReactiveId> inputs;
      for (int k = 0; k < g.sources_per_node; ++k) inputs.push_back(row[static_cast<std::size_t>(grid_input(g, x, k))]);
      const bool is_static = pattern[static_cast<std::size_t>((r - 1) * g.width + x)];
      next.push_back(is_static ? d.map(std::move(inputs), grid_static_node)
                               : d.map(std::move(inputs), grid_dynamic_node));
    }
    row = std::move(next);
  }
  measure(state, d, g.executions, g.writes, [&] {
    for (int i = 0; i < g.writes; ++i) {
      const int source = i % g.width;
      if (!check(state, d.fire(sources[static_cast<std::size_t>(source)], from_double(i + source)),
                 "grid: fire failed")) {
        return false;
      }
    }
    double sum = 0;
    for (const ReactiveId leaf : row) sum = to_double(d.rt().value(leaf)) + sum;
    return check(state, sum == g.leaf_sum, "grid: wrong leaf sum");
  });
}

void run_fold(benchmark::State& state, Engine make) {
  Device d(make);
  const ReactiveId input = d.source(0);
  std::int64_t* executions = &d.executions();
  const ReactiveId fold = d.rt().fold(input, Value::integer(0), [executions](const Value& s, const Value& v) {
    ++*executions;
    return Value::integer(s.as_int() + v.as_int());
  });
  const ReactiveId doubled = d.map1(fold, [](std::int64_t v) { return v * 2; });
  d.observe(doubled);
  measure(state, d, fold_nodes, fold_writes, [&] {
    const std::int64_t before = d.get(fold);
    for (int i = 1; i <= fold_writes; ++i) {
      if (!check(state, d.fire(input, Value::integer(i)), "fold: fire failed")) return false;
    }
    return check(state, d.get(fold) - before == fold_delta && d.get(doubled) == 2 * d.get(fold),
                 "fold: wrong value");
  });
}

void run_flatten(benchmark::State& state, Engine make) {
  Device d(make);
  std::vector<ReactiveId> inners;
  for (int i = 0; i < flatten_inners; ++i) inners.push_back(d.source(3 * i));
  const ReactiveId selector = d.source(0);
  const ReactiveId outer = d.map({selector}, [inners](core::Inputs in) {
    return Value::ref(inners[static_cast<std::size_t>(in[0].as_int())]);
  });
  const ReactiveId flat = d.rt().flatten(outer);
  const ReactiveId plus = d.map1(flat, plus_one);
  d.observe(plus);
  std::int64_t* executions = &d.executions();
  // The flatten has no operator to count in; each write reevaluates it once.
  measure(state, d, flatten_nodes, flatten_inners, [&] {
    for (int k = 1; k <= flatten_inners; ++k) {
      const int index = k % flatten_inners;
      if (!check(state, d.fire(selector, Value::integer(index)), "flatten: fire failed")) return false;
      ++*executions;
      if (!check(state, d.get(plus) == 3 * index + 1, "flatten: wrong value")) return false;
    }
    return true;
  });
}

// The calculus policy asks its chooser among ready(P, µ), which it computes
// over all of µ at every step: a propagation costs O(|µ|²). On the 1000-wide
// grids (5000 and 12000 reactives, 3000 and 7000 writes per iteration) one
// iteration would take minutes to most of an hour, so it is run only where
// |µ| <= calculus_grid_reactives_max.
constexpr int calculus_grid_reactives_max = 2500;
constexpr const char* calculus_grid_reason =
    "not run: the calculus policy scans ready(P, mu) over all of mu at every step "
    "(O(|mu|^2) per propagation); one iteration of this 1000-wide grid would take minutes "
    "to most of an hour";

void register_kairo(const std::string& prefix, Engine make) {
  const auto add = [&](const std::string& shape, void (*fn)(benchmark::State&, Engine)) {
    register_shape(prefix + shape, [fn, make](benchmark::State& s) { fn(s, make); });
  };
  add("deep", run_deep);
  add("broad", run_broad);
  add("diamond", run_diamond);
  add("triangle", run_triangle);
  add("mux", run_mux);
  add("repeated", run_repeated);
  add("unstable", run_unstable);
  add("avoidable", run_avoidable);
}

void register_contestant(const std::string& prefix, Engine make, bool run_grids) {
  const auto add = [&](const std::string& shape, void (*fn)(benchmark::State&, Engine)) {
    register_shape(prefix + shape, [fn, make](benchmark::State& s) { fn(s, make); });
  };
  register_kairo(prefix, make);
  for (const int layers : {1000, 2500}) {
    register_shape(prefix + "cellx" + std::to_string(layers),
                   [make, layers](benchmark::State& s) { run_cellx(s, make, layers); });
  }
  for (const GridConfig& g : grids) {
    if (run_grids) {
      register_shape(prefix + g.name, [make, &g](benchmark::State& s) { run_grid(s, make, g); });
    } else if (g.width * g.layers <= calculus_grid_reactives_max) {
      // Seconds per iteration: one timed iteration, one repetition.
      register_shape(prefix + g.name, [make, &g](benchmark::State& s) { run_grid(s, make, g); })
          ->Iterations(1)
          ->Repetitions(1);
    } else {
      register_shape(prefix + g.name, [](benchmark::State& s) { s.SkipWithError(calculus_grid_reason); });
    }
  }
  add("fold", run_fold);
  add("flatten", run_flatten);
}

[[maybe_unused]] const bool registered = [] {
  register_contestant("frsim/", Engine{make_level}, true);
  register_contestant("calculus/", Engine{make_calculus}, false);
  // The kairo shapes with cut-off, against the peers' work.
  register_kairo("frsim_cutoff/", Engine{make_level, true});
  return true;
}();

}  // namespace
}  // namespace frsim::bench
