#pragma once
// The propagation shapes every contestant runs (bench/README.md): the kairo
// set, cellx, the reactively dynamic grid, fold accumulation and flatten
// switching. bench/node/shapes.mjs is the same set for the JavaScript peers.
//
// Each shape publishes its node executions per iteration under the FR calculus
// (paper Fig. 8: a ready reactive is reevaluated iff one of its inputs is
// active, and every reevaluated reactive becomes active; there is no cut-off
// on equal values), and each contestant checks its own count and its values
// on every iteration, so the work compared is the same work.

#include <benchmark/benchmark.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

namespace frsim::bench {

// ---- the kairo shapes: "write 1, then 0 .. n-1" -----------------------------
inline std::vector<std::int64_t> kairo_writes(std::int64_t n) {
  std::vector<std::int64_t> values{1};
  for (std::int64_t i = 0; i < n; ++i) values.push_back(i);
  return values;
}

inline constexpr int deep_length = 50;
inline constexpr int broad_width = 50;
inline constexpr int diamond_width = 5;
inline constexpr int triangle_length = 10;
inline constexpr int mux_width = 100;
inline constexpr int repeated_reads = 30;
inline constexpr int unstable_reads = 20;

// ---- cellx: one source holds the four start values (one action per write) ---
inline constexpr std::array<std::int64_t, 4> cellx_forward{4, 3, 2, 1};
inline constexpr std::array<std::int64_t, 4> cellx_back{1, 2, 3, 4};
// End values after writing forward / back (published for 1000 and 2500 layers).
inline constexpr std::array<std::int64_t, 4> cellx_end_forward{-2, -4, 2, 3};
inline constexpr std::array<std::int64_t, 4> cellx_end_back{-3, -6, -2, 2};
inline constexpr std::int64_t cellx_nodes(std::int64_t layers) { return 2 * (4 + 8 * layers); }

// ---- the reactively dynamic grid -------------------------------------------
struct GridConfig {
  const char* name;
  int width;
  int layers;  // including the source row
  double static_fraction;
  int sources_per_node;
  int writes;  // one iteration = this many writes
  double leaf_sum;          // published
  std::int64_t executions;  // published node executions per iteration
};

inline constexpr std::array<GridConfig, 4> grids{{
    {"grid_4x1000x12_dyn5", 1000, 12, 0.95, 4, 7000, 29355933696000.0, 1463000},
    {"grid_25x1000x5", 1000, 5, 1.0, 25, 3000, 1171484375000.0, 732000},
    {"grid_3x5x500", 5, 500, 1.0, 3, 500, 3.0239642676898464e241, 1246500},
    {"grid_6x100x15_dyn50", 100, 15, 0.5, 6, 2000, 15664996402790400.0, 1078000},
}};

// ARC4 seeded as the `random` package (v5) seeds it from a string; the grid's
// static/dynamic pattern is new Random("seed").float() per node, row by row.
// bench/node/arc4.mjs is the same generator. Deterministic by construction.
class Arc4 {
 public:
  explicit Arc4(const std::string& seed) {
    int folded = 0;
    for (char c : seed) folded ^= static_cast<unsigned char>(c);
    const std::string digits = std::to_string(folded);
    std::vector<int> key;
    int smear = 0;
    for (std::size_t j = 0; j < digits.size(); ++j) {
      const int previous = j < key.size() ? key[j & 0xff] : 0;
      smear ^= previous * 19;
      const int mixed = 0xff & (smear + static_cast<unsigned char>(digits[j]));
      if (j < key.size()) key[j] = mixed; else key.push_back(mixed);
    }
    for (int i = 0; i < 256; ++i) s_[i] = i;
    for (int i = 0, j = 0; i < 256; ++i) {
      const int t = s_[i];
      j = 0xff & (j + key[i % key.size()] + t);
      s_[i] = s_[j];
      s_[j] = t;
    }
    bytes(768);  // RC4-drop
  }

  // A double in [0, 1), exactly as the JavaScript generator computes it.
  double next() {
    double n = bytes(6);
    double d = 281474976710656.0;  // 2^48
    std::int64_t x = 0;
    while (n < 4503599627370496.0) {  // 2^52
      n = (n + static_cast<double>(x)) * 256;
      d *= 256;
      x = static_cast<std::int64_t>(bytes(1));
    }
    while (n >= 9007199254740992.0) {  // 2^53
      n /= 2;
      d /= 2;
      x >>= 1;
    }
    return (n + static_cast<double>(x)) / d;
  }

 private:
  double bytes(int count) {
    double r = 0;
    while (count-- > 0) {
      i_ = 0xff & (i_ + 1);
      const int t = s_[i_];
      s_[j_] = t;
      j_ = 0xff & (j_ + t);
      s_[i_] = s_[j_];
      r = r * 256 + s_[0xff & (s_[i_] + t)];
    }
    return r;
  }

  std::array<int, 256> s_{};
  int i_ = 0;
  int j_ = 0;
};

// true = static node, row by row (rows 1 .. layers-1), width nodes each.
inline std::vector<bool> grid_static_pattern(const GridConfig& config) {
  Arc4 random("seed");
  std::vector<bool> pattern;
  const int nodes = config.width * (config.layers - 1);
  for (int i = 0; i < nodes; ++i) pattern.push_back(random.next() < config.static_fraction);
  return pattern;
}

// Node x of a row reads x, x+1, ..., x+n-1 (mod width) of the row above.
inline int grid_input(const GridConfig& config, int x, int k) { return (x + k) % config.width; }

// A dynamic node drops one tail input depending on its first input, with
// JavaScript's number semantics (ToInt32(sum) & 1, sum % tail length): all
// values are non-negative integers held exactly or rounded as doubles.
// Integers below 2^63 take the exact integer path (fmod is slow on large
// doubles); larger ones fall back to fmod, which is exact too.
inline constexpr double grid_integer_limit = 9223372036854775808.0;  // 2^63
inline bool grid_drops(double first) {
  if (first < grid_integer_limit) return (static_cast<std::uint64_t>(first) & 1U) != 0;
  return std::fmod(first, 2.0) == 1.0;
}
inline int grid_drop_index(double first, int tail_length) {
  if (first < grid_integer_limit) {
    return static_cast<int>(static_cast<std::uint64_t>(first) % static_cast<std::uint64_t>(tail_length));
  }
  return static_cast<int>(std::fmod(first, static_cast<double>(tail_length)));
}

// ---- fold accumulation and flatten switching (not in the JS set) -----------
inline constexpr int fold_writes = 1000;  // writes 1..1000; the fold adds them
inline constexpr std::int64_t fold_delta = 500500;
inline constexpr int flatten_inners = 100;  // inner i holds 3i; the selector walks 1..99, 0

// ---- node executions per iteration (FR calculus, no equality cut-off) ------
inline constexpr std::int64_t deep_nodes = (deep_length + 1) * (deep_length + 1);
inline constexpr std::int64_t broad_nodes = (broad_width + 1) * broad_width * 3;
inline constexpr std::int64_t diamond_nodes = 501 * (diamond_width + 2);
inline constexpr std::int64_t triangle_nodes = 101 * (triangle_length + 2);
inline constexpr std::int64_t mux_nodes = 20 * (1 + 3 * mux_width);
inline constexpr std::int64_t repeated_nodes = 101 * 2;
inline constexpr std::int64_t unstable_nodes = 101 * 8;
inline constexpr std::int64_t avoidable_nodes = 1001 * 6;
// With equal-value cut-off (bench/node/shapes.mjs's cutoff_nodes, what the
// peers execute): mux's two writes of a head's own value run nothing, the
// other 18 the list, its 100 splits and one split's two readers; avoidable
// stops below the map that returns 0 (two nodes per write). The other kairo
// shapes change every value they reach: the calculus's count.
inline constexpr std::int64_t mux_cutoff_nodes = 18 * (1 + mux_width + 2);
inline constexpr std::int64_t avoidable_cutoff_nodes = 1001 * 2;
inline constexpr std::int64_t fold_nodes = fold_writes * 3;
inline constexpr std::int64_t flatten_nodes = flatten_inners * 4;

// ---- reporting --------------------------------------------------------------
// Records the counters the runner reads; `propagations` is per iteration.
inline void report(benchmark::State& state, std::int64_t nodes_per_iteration,
                   std::int64_t propagations_per_iteration) {
  state.counters["nodes_per_iteration"] = static_cast<double>(nodes_per_iteration);
  state.counters["propagations_per_iteration"] = static_cast<double>(propagations_per_iteration);
  state.SetItemsProcessed(state.iterations() * nodes_per_iteration);
}

// Aborts the benchmark with a message unless `ok`; returns ok.
inline bool check(benchmark::State& state, bool ok, const char* what) {
  if (!ok) state.SkipWithError(what);
  return ok;
}

// FRSIM_BENCH_ITERATIONS=N runs every shape exactly N timed iterations (one
// run, no time-based estimate): instruction counts under callgrind are then
// comparable across builds (bench/README.md, "Instruction counts").
inline std::int64_t fixed_iterations() {
  const char* text = std::getenv("FRSIM_BENCH_ITERATIONS");
  return text == nullptr ? 0 : std::strtoll(text, nullptr, 10);
}

// Registers a shape benchmark with the statistic the runner takes (best of).
template <class Fn>
benchmark::internal::Benchmark* register_shape(const std::string& name, Fn fn) {
  auto* b = benchmark::RegisterBenchmark(name.c_str(), fn)
                ->Unit(benchmark::kMicrosecond)
                ->ComputeStatistics("min", [](const std::vector<double>& v) {
                  return *std::min_element(v.begin(), v.end());
                });
  if (const std::int64_t n = fixed_iterations(); n > 0) b->Iterations(n);
  return b;
}

}  // namespace frsim::bench
