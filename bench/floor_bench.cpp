// The floor: for each shape, a hand-written, non-generic C++ loop over typed
// arrays in a precomputed topological order, doing exactly the calculus's
// work (every node reachable from the written source is reevaluated once per
// write, paper Fig. 8) and nothing else. It is the physical limit frsim's
// propagation is measured against. Values and counts are checked like every
// other contestant's (bench/shapes.hpp).

#include <benchmark/benchmark.h>

#include <bit>
#include <cstdint>
#include <string>
#include <vector>

#include "bench/shapes.hpp"

namespace frsim::bench {
namespace {

// One write: the compiler may not merge the work of two writes.
inline void barrier(const void* data) {
  benchmark::DoNotOptimize(data);
  benchmark::ClobberMemory();
}

void floor_deep(benchmark::State& state) {
  const auto writes = kairo_writes(deep_length);
  std::vector<std::int64_t> v(deep_length + 1, 0);
  std::int64_t observed = 0;
  for (auto _ : state) {
    std::int64_t executions = 0;
    for (const std::int64_t x : writes) {
      v[0] = x;
      for (int i = 1; i <= deep_length; ++i, ++executions) v[i] = v[i - 1] + 1;
      observed = v[deep_length], ++executions;
      barrier(v.data());
      if (!check(state, observed == x + deep_length, "deep: wrong end value")) return;
    }
    if (!check(state, executions == deep_nodes, "deep: wrong node count")) return;
  }
  report(state, deep_nodes, static_cast<std::int64_t>(writes.size()));
}

void floor_broad(benchmark::State& state) {
  const auto writes = kairo_writes(broad_width);
  std::vector<std::int64_t> a(broad_width), b(broad_width), observed(broad_width);
  for (auto _ : state) {
    std::int64_t executions = 0;
    for (const std::int64_t x : writes) {
      for (int i = 0; i < broad_width; ++i) {
        a[i] = x + i;
        b[i] = a[i] + 1;
        observed[i] = b[i];
        executions += 3;
      }
      barrier(observed.data());
      if (!check(state, b[broad_width - 1] == x + broad_width, "broad: wrong last value")) return;
    }
    if (!check(state, executions == broad_nodes, "broad: wrong node count")) return;
  }
  report(state, broad_nodes, static_cast<std::int64_t>(writes.size()));
}

void floor_diamond(benchmark::State& state) {
  const auto writes = kairo_writes(500);
  std::vector<std::int64_t> arm(diamond_width);
  std::int64_t sum = 0, observed = 0;
  for (auto _ : state) {
    std::int64_t executions = 0;
    for (const std::int64_t x : writes) {
      for (int i = 0; i < diamond_width; ++i, ++executions) arm[i] = x + 1;
      sum = 0;
      for (int i = 0; i < diamond_width; ++i) sum += arm[i];
      ++executions;
      observed = sum, ++executions;
      barrier(&observed);
      if (!check(state, sum == diamond_width * (x + 1), "diamond: wrong sum")) return;
    }
    if (!check(state, executions == diamond_nodes, "diamond: wrong node count")) return;
  }
  report(state, diamond_nodes, 501);
}

void floor_triangle(benchmark::State& state) {
  const auto writes = kairo_writes(100);
  std::vector<std::int64_t> chain(triangle_length + 1);
  std::int64_t sum = 0, observed = 0;
  for (auto _ : state) {
    std::int64_t executions = 0;
    for (const std::int64_t x : writes) {
      chain[0] = x;
      for (int i = 1; i <= triangle_length; ++i, ++executions) chain[i] = chain[i - 1] + 1;
      sum = 0;
      for (int i = 1; i <= triangle_length; ++i) sum += chain[i];
      ++executions;
      observed = sum, ++executions;
      barrier(&observed);
      if (!check(state, sum == triangle_length * x + 55, "triangle: wrong sum")) return;
    }
    if (!check(state, executions == triangle_nodes, "triangle: wrong node count")) return;
  }
  report(state, triangle_nodes, 101);
}

void floor_mux(benchmark::State& state) {
  std::vector<std::int64_t> heads(mux_width, 0), all(mux_width), split(mux_width), out(mux_width),
      observed(mux_width);
  for (auto _ : state) {
    std::int64_t executions = 0;
    for (const std::int64_t factor : {1, 2}) {
      for (int i = 0; i < 10; ++i) {
        heads[i] = i * factor;
        all = heads, ++executions;
        for (int j = 0; j < mux_width; ++j) {
          split[j] = all[j];
          out[j] = split[j] + 1;
          observed[j] = out[j];
          executions += 3;
        }
        barrier(observed.data());
        if (!check(state, out[i] == i * factor + 1, "mux: wrong output")) return;
      }
    }
    if (!check(state, executions == mux_nodes, "mux: wrong node count")) return;
  }
  report(state, mux_nodes, 20);
}

void floor_repeated(benchmark::State& state) {
  const auto writes = kairo_writes(100);
  std::int64_t head = 0, sum = 0, observed = 0;
  for (auto _ : state) {
    std::int64_t executions = 0;
    for (const std::int64_t x : writes) {
      head = x;
      barrier(&head);
      sum = 0;
      for (int i = 0; i < repeated_reads; ++i) sum += head;
      ++executions;
      observed = sum, ++executions;
      barrier(&observed);
      if (!check(state, sum == repeated_reads * x, "repeated: wrong sum")) return;
    }
    if (!check(state, executions == repeated_nodes, "repeated: wrong node count")) return;
  }
  report(state, repeated_nodes, 101);
}

void floor_unstable(benchmark::State& state) {
  const auto writes = kairo_writes(100);
  // Node slots: 0 double, 1 inverse; the flatten reads the slot the choice names.
  std::int64_t slots[2] = {0, 0};
  int choice = 1;
  std::int64_t flat = 0, current = 0, observed[3] = {0, 0, 0};
  for (auto _ : state) {
    std::int64_t executions = 0;
    for (const std::int64_t x : writes) {
      slots[0] = x * 2, ++executions;
      slots[1] = -x, ++executions;
      choice = x % 2 != 0 ? 0 : 1, ++executions;
      flat = slots[choice], ++executions;
      current = 0;
      for (int i = 0; i < unstable_reads; ++i) current += flat;
      ++executions;
      observed[0] = current, observed[1] = slots[0], observed[2] = slots[1];
      executions += 3;
      barrier(observed);
      const std::int64_t expected = x % 2 != 0 ? 40 * x : -20 * x;
      if (!check(state, current == expected, "unstable: wrong value")) return;
    }
    if (!check(state, executions == unstable_nodes, "unstable: wrong node count")) return;
  }
  report(state, unstable_nodes, 101);
}

void floor_avoidable(benchmark::State& state) {
  const auto writes = kairo_writes(1000);
  std::int64_t c[6] = {0, 0, 0, 0, 0, 0};
  for (auto _ : state) {
    std::int64_t executions = 0;
    for (const std::int64_t x : writes) {
      c[0] = x, ++executions;
      c[1] = 0, ++executions;
      c[2] = c[1] + 1, ++executions;
      c[3] = c[2] + 2, ++executions;
      c[4] = c[3] + 3, ++executions;
      c[5] = c[4], ++executions;
      barrier(c);
      if (!check(state, c[4] == 6, "avoidable: wrong value")) return;
    }
    if (!check(state, executions == avoidable_nodes, "avoidable: wrong node count")) return;
  }
  report(state, avoidable_nodes, 1001);
}

void floor_cellx(benchmark::State& state, int layers) {
  // Layer l's four cells at 4l .. 4l+3; layer 0 are the extractors.
  std::vector<std::int64_t> cell(4 * static_cast<std::size_t>(layers + 1));
  std::vector<std::int64_t> observed(4 * static_cast<std::size_t>(layers));
  for (auto _ : state) {
    std::int64_t executions = 0;
    for (const auto* start : {&cellx_forward, &cellx_back}) {
      for (int k = 0; k < 4; ++k, ++executions) cell[k] = (*start)[k];
      for (int l = 1; l <= layers; ++l) {
        const std::int64_t* m = &cell[4 * static_cast<std::size_t>(l - 1)];
        std::int64_t* s = &cell[4 * static_cast<std::size_t>(l)];
        s[0] = m[1];
        s[1] = m[0] - m[2];
        s[2] = m[1] + m[3];
        s[3] = m[2];
        std::int64_t* o = &observed[4 * static_cast<std::size_t>(l - 1)];
        o[0] = s[0], o[1] = s[1], o[2] = s[2], o[3] = s[3];
        executions += 8;
      }
      barrier(observed.data());
      const auto& expected = start == &cellx_forward ? cellx_end_forward : cellx_end_back;
      const std::int64_t* end = &cell[4 * static_cast<std::size_t>(layers)];
      for (int k = 0; k < 4; ++k) {
        if (!check(state, end[k] == expected[k], "cellx: wrong end value")) return;
      }
    }
    if (!check(state, executions == cellx_nodes(layers), "cellx: wrong node count")) return;
  }
  report(state, cellx_nodes(layers), 2);
}

// The grid in CSR form: node ids row-major (sources first); for every source
// the nodes it reaches, in topological (row) order, precomputed.
struct FloorGrid {
  std::vector<double> value;
  std::vector<std::int32_t> input_begin;  // derived node n: inputs from [n - width]
  std::vector<std::int32_t> inputs;
  std::vector<std::uint8_t> is_static;
  std::vector<std::vector<std::int32_t>> reached;  // source -> nodes, row order
};

FloorGrid build_floor_grid(const GridConfig& g) {
  FloorGrid grid;
  const int nodes = g.width * g.layers;
  const auto pattern = grid_static_pattern(g);
  grid.value.assign(static_cast<std::size_t>(nodes), 0.0);
  for (int x = 0; x < g.width; ++x) grid.value[static_cast<std::size_t>(x)] = x;
  grid.input_begin.assign(1, 0);
  grid.is_static.assign(static_cast<std::size_t>(g.width), 1);
  for (int row = 1; row < g.layers; ++row) {
    for (int x = 0; x < g.width; ++x) {
      for (int k = 0; k < g.sources_per_node; ++k) {
        grid.inputs.push_back((row - 1) * g.width + grid_input(g, x, k));
      }
      grid.input_begin.push_back(static_cast<std::int32_t>(grid.inputs.size()));
      grid.is_static.push_back(pattern[static_cast<std::size_t>((row - 1) * g.width + x)] ? 1 : 0);
    }
  }
  // Reachability row by row: node (row, x) is reached iff an input is.
  for (int s = 0; s < g.width; ++s) {
    std::vector<std::uint8_t> hit(static_cast<std::size_t>(nodes), 0);
    hit[static_cast<std::size_t>(s)] = 1;
    std::vector<std::int32_t> order;
    for (int n = g.width; n < nodes; ++n) {
      for (auto i = grid.input_begin[static_cast<std::size_t>(n - g.width)];
           i < grid.input_begin[static_cast<std::size_t>(n - g.width + 1)]; ++i) {
        if (hit[static_cast<std::size_t>(grid.inputs[static_cast<std::size_t>(i)])]) {
          hit[static_cast<std::size_t>(n)] = 1;
          order.push_back(n);
          break;
        }
      }
    }
    grid.reached.push_back(std::move(order));
  }
  return grid;
}

double floor_grid_node(const FloorGrid& grid, int width, std::int32_t n) {
  const std::int32_t* in = grid.inputs.data() + grid.input_begin[static_cast<std::size_t>(n - width)];
  const std::int32_t count = grid.input_begin[static_cast<std::size_t>(n - width + 1)] -
                             grid.input_begin[static_cast<std::size_t>(n - width)];
  const double* v = grid.value.data();
  if (grid.is_static[static_cast<std::size_t>(n)]) {
    double sum = 0;
    for (std::int32_t k = 0; k < count; ++k) sum += v[in[k]];
    return sum;
  }
  double sum = v[in[0]];
  const bool drops = grid_drops(sum);
  const int drop_index = grid_drop_index(sum, count - 1);
  for (std::int32_t k = 1; k < count; ++k) {
    if (drops && k - 1 == drop_index) continue;
    sum += v[in[k]];
  }
  return sum;
}

void floor_grid(benchmark::State& state, const GridConfig& g) {
  FloorGrid grid = build_floor_grid(g);
  for (auto n = static_cast<std::int32_t>(g.width); n < static_cast<std::int32_t>(grid.value.size()); ++n) {
    grid.value[static_cast<std::size_t>(n)] = floor_grid_node(grid, g.width, n);  // initial evaluation
  }
  const auto leaves_begin = static_cast<std::size_t>(g.width) * static_cast<std::size_t>(g.layers - 1);
  for (auto _ : state) {
    std::int64_t executions = 0;
    for (int i = 0; i < g.writes; ++i) {
      const int source = i % g.width;
      grid.value[static_cast<std::size_t>(source)] = i + source;
      for (const std::int32_t n : grid.reached[static_cast<std::size_t>(source)]) {
        grid.value[static_cast<std::size_t>(n)] = floor_grid_node(grid, g.width, n);
        ++executions;
      }
      barrier(grid.value.data());
    }
    double sum = 0;
    for (std::size_t n = leaves_begin; n < grid.value.size(); ++n) sum = grid.value[n] + sum;
    if (!check(state, sum == g.leaf_sum, "grid: wrong leaf sum")) return;
    if (!check(state, executions == g.executions, "grid: wrong node count")) return;
  }
  report(state, g.executions, g.writes);
}

void floor_fold(benchmark::State& state) {
  std::int64_t input = 0, fold = 0, doubled = 0, observed = 0;
  for (auto _ : state) {
    std::int64_t executions = 0;
    const std::int64_t before = fold;
    for (int i = 1; i <= fold_writes; ++i) {
      input = i;
      fold = fold + input, ++executions;
      doubled = fold * 2, ++executions;
      observed = doubled, ++executions;
      barrier(&observed);
    }
    if (!check(state, fold - before == fold_delta && doubled == 2 * fold, "fold: wrong value")) return;
    if (!check(state, executions == fold_nodes, "fold: wrong node count")) return;
  }
  report(state, fold_nodes, fold_writes);
}

void floor_flatten(benchmark::State& state) {
  std::vector<std::int64_t> inner(flatten_inners);
  for (int i = 0; i < flatten_inners; ++i) inner[static_cast<std::size_t>(i)] = 3 * i;
  int selector = 0, outer = 0;
  std::int64_t flat = 0, plus = 0, observed = 0;
  for (auto _ : state) {
    std::int64_t executions = 0;
    for (int k = 1; k <= flatten_inners; ++k) {
      selector = k % flatten_inners;
      outer = selector, ++executions;
      flat = inner[static_cast<std::size_t>(outer)], ++executions;
      plus = flat + 1, ++executions;
      observed = plus, ++executions;
      barrier(&observed);
      if (!check(state, plus == 3 * selector + 1, "flatten: wrong value")) return;
    }
    if (!check(state, executions == flatten_nodes, "flatten: wrong node count")) return;
  }
  report(state, flatten_nodes, flatten_inners);
}

[[maybe_unused]] const bool registered = [] {
  register_shape("floor/deep", floor_deep);
  register_shape("floor/broad", floor_broad);
  register_shape("floor/diamond", floor_diamond);
  register_shape("floor/triangle", floor_triangle);
  register_shape("floor/mux", floor_mux);
  register_shape("floor/repeated", floor_repeated);
  register_shape("floor/unstable", floor_unstable);
  register_shape("floor/avoidable", floor_avoidable);
  register_shape("floor/cellx1000", [](benchmark::State& s) { floor_cellx(s, 1000); });
  register_shape("floor/cellx2500", [](benchmark::State& s) { floor_cellx(s, 2500); });
  for (const GridConfig& g : grids) {
    register_shape(std::string("floor/") + g.name, [&g](benchmark::State& s) { floor_grid(s, g); });
  }
  register_shape("floor/fold", floor_fold);
  register_shape("floor/flatten", floor_flatten);
  return true;
}();

}  // namespace
}  // namespace frsim::bench
