// The fair floor: the least a dynamic propagation engine does for each shape,
// hand-written. floor_bench.cpp is a straight-line loop per shape, which the
// compiler may flatten, vectorise and constant-fold; no engine can run a
// graph that way, so it bounds nothing frsim could reach. This one runs the
// shapes the way any engine must:
//
// - the graph is data: nodes in flat arrays (values, levels, operators),
//   inputs in one CSR array, dependents in per-node lists (a flatten relinks
//   them at run time);
// - every value is a Slot, a type-erased value the size of core::Value (kind,
//   scalar, pointer); operators read their inputs as Slots and return one;
// - every reevaluation is an indirect call through the node's operator
//   pointer, which the compiler cannot see through (the graph is built at run
//   time);
// - a write schedules only the nodes it affects, in level buckets: each
//   affected node is reevaluated once, after all its inputs, and schedules its
//   dependents (the FR calculus's count, paper Fig. 8: no cut-off on equal
//   values, like frsim);
// - nothing is allocated per propagation (buckets keep their capacity; the
//   one list-valued node writes into its own buffer).
//
// Values and node counts are checked on every iteration like every other
// contestant's (bench/shapes.hpp). bench/README.md shows how to check that
// the timed loop is an indirect call per node (objdump of Engine::propagate).

#include <benchmark/benchmark.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include "bench/shapes.hpp"
#include "core/value.hpp"

namespace frsim::bench {
namespace {

// A type-erased value: what an engine without static types moves around.
struct Slot {
  enum Kind : std::uint8_t { unit, integer, list, ref };
  Kind kind = unit;
  std::int64_t scalar = 0;       // integer, ref (a node), list (its length)
  const Slot* items = nullptr;   // list
};
static_assert(sizeof(Slot) == sizeof(core::Value), "a Slot is a Value-sized value");

Slot integer(std::int64_t v) { return Slot{Slot::integer, v, nullptr}; }
Slot ref(std::uint32_t node) { return Slot{Slot::ref, node, nullptr}; }
Slot list_of(const Slot* items, std::size_t n) { return Slot{Slot::list, static_cast<std::int64_t>(n), items}; }

// A node's inputs, read in place: the engine passes where they are, it does
// not copy them.
struct Inputs {
  const Slot* values;
  const std::uint32_t* ids;
  std::uint32_t count;
  const Slot& operator[](std::uint32_t k) const { return values[ids[k]]; }
};

// What a node calls through its pointer: it reads the inputs where they are
// and writes the node's value in place (a fold reads it first).
using Operator = void (*)(const Slot* values, const std::uint32_t* inputs, std::uint32_t count,
                          std::int64_t parameter, Slot& value);

// The shapes' operators are written as functions of their inputs, the
// previous value and a per-node parameter (a constant, a buffer); op<F> is
// the Operator that calls F (inlined: one indirect call per node).
using Function = Slot (*)(Inputs in, const Slot& previous, std::int64_t parameter);
template <Function F>
void op(const Slot* values, const std::uint32_t* inputs, std::uint32_t count, std::int64_t parameter, Slot& value) {
  value = F(Inputs{values, inputs, count}, value, parameter);
}

class Engine {
 public:
  using Id = std::uint32_t;

  Id source(Slot initial) { return add(Kind::source, {}, nullptr, 0, initial); }
  Id map(std::initializer_list<Id> inputs, Operator op, std::int64_t parameter = 0) {
    return map(std::vector<Id>(inputs), op, parameter);
  }
  Id map(const std::vector<Id>& inputs, Operator op, std::int64_t parameter = 0) {
    return add(Kind::map, inputs, op, parameter, Slot{});
  }
  Id fold(Id input, Slot initial, Operator op) { return add(Kind::fold, {input}, op, 0, initial); }
  // Follows the node its input names (a ref), relinking when it changes.
  Id flatten(Id outer) { return add(Kind::flatten, {outer}, nullptr, 0, Slot{}); }

  // One action: the write, then the propagation of everything it reaches.
  void fire(Id source, Slot v) {
    if (!sealed_) seal();
    values_[source] = v;
    schedule_dependents(source);
    propagate();
  }

  const Slot& value(Id n) const { return values_[n]; }
  std::int64_t executions = 0;

 private:
  enum class Kind : std::uint8_t { source, map, fold, flatten };

  // Everything about a node but its value, in one record.
  struct Node {
    Operator op;
    std::int64_t parameter;
    std::uint32_t input_begin;  // inputs_[input_begin .. + input_count)
    std::uint32_t input_count;
    std::uint32_t dependent_begin;  // dependents_ (CSR, static edges)
    std::uint32_t dependent_count;
    std::uint32_t level;
    Id inner;  // a flatten's current inner node (itself: none)
    Kind kind;
    std::uint8_t scheduled;
    std::uint8_t has_dynamic;  // a flatten follows it (dynamic_dependents_)
  };

  Id add(Kind kind, const std::vector<Id>& inputs, Operator op, std::int64_t parameter, Slot initial) {
    const auto n = static_cast<Id>(nodes_.size());
    std::uint32_t level = 0;
    for (const Id input : inputs) level = std::max(level, nodes_[input].level + 1);
    nodes_.push_back(Node{op, parameter, static_cast<std::uint32_t>(inputs_.size()),
                          static_cast<std::uint32_t>(inputs.size()), 0, 0, level, n, kind, 0, 0});
    inputs_.insert(inputs_.end(), inputs.begin(), inputs.end());
    values_.push_back(initial);
    dynamic_dependents_.emplace_back();
    if (level >= buckets_.size()) buckets_.resize(level + 1);
    sealed_ = false;
    if (kind != Kind::source) {
      reevaluate(n);                          // the initial value
      if (nodes_[n].scheduled) propagate();  // a flatten that had to move up first
    }
    executions = 0;
    return n;
  }

  // The static dependents as one CSR array, built once the graph is complete.
  void seal() {
    std::vector<std::uint32_t> counts(nodes_.size() + 1, 0);
    for (const Id input : inputs_) ++counts[input];
    std::uint32_t offset = 0;
    for (std::size_t n = 0; n < nodes_.size(); ++n) {
      nodes_[n].dependent_begin = offset;
      nodes_[n].dependent_count = 0;
      offset += counts[n];
    }
    dependents_.assign(offset, 0);
    for (std::size_t n = 0; n < nodes_.size(); ++n) {
      const Node& node = nodes_[n];
      for (std::uint32_t k = 0; k < node.input_count; ++k) {
        Node& input = nodes_[inputs_[node.input_begin + k]];
        dependents_[input.dependent_begin + input.dependent_count++] = static_cast<Id>(n);
      }
    }
    sealed_ = true;
  }

  void schedule(Id n) {
    Node& node = nodes_[n];
    if (node.scheduled) return;
    node.scheduled = 1;
    buckets_[node.level].push_back(n);
    if (node.level > highest_) highest_ = node.level;
  }
  void schedule_dependents(Id n) {
    const Node& node = nodes_[n];
    const Id* d = dependents_.data() + node.dependent_begin;
    for (std::uint32_t k = 0; k < node.dependent_count; ++k) schedule(d[k]);
    if (node.has_dynamic) {
      for (const Id f : dynamic_dependents_[n]) schedule(f);
    }
  }

  // Level by level, lowest first: every input of a node is at a lower level,
  // so it is final when the node runs. A node whose level rose after it was
  // scheduled (a flatten relinked above it) moves to its new bucket.
  [[gnu::noinline]] void propagate() {
    for (std::uint32_t level = 1; level <= highest_; ++level) {
      // By index: a flatten moving up may add buckets (and move this one).
      for (std::size_t i = 0; i < buckets_[level].size(); ++i) {
        const Id n = buckets_[level][i];
        nodes_[n].scheduled = 0;
        if (nodes_[n].level != level) {
          schedule(n);
          continue;
        }
        if (reevaluate(n)) schedule_dependents(n);
      }
      buckets_[level].clear();
    }
    highest_ = 0;
  }

  // Returns false when the node was moved to a higher level instead.
  bool reevaluate(Id n) {
    ++executions;
    Node& node = nodes_[n];
    if (node.kind == Kind::flatten) {
      const Id target = static_cast<Id>(values_[inputs_[node.input_begin]].scalar);
      if (target != node.inner) {
        relink(n, target);
        if (nodes_[target].level >= node.level) {
          --executions;
          raise(n, nodes_[target].level + 1);
          schedule(n);
          return false;
        }
      }
      values_[n] = values_[target];
      return true;
    }
    node.op(values_.data(), inputs_.data() + node.input_begin, node.input_count, node.parameter, values_[n]);
    return true;
  }

  void relink(Id flatten, Id target) {
    Node& node = nodes_[flatten];
    if (node.inner != flatten) {
      auto& old = dynamic_dependents_[node.inner];
      old.erase(std::find(old.begin(), old.end(), flatten));
      nodes_[node.inner].has_dynamic = old.empty() ? 0 : 1;
    }
    dynamic_dependents_[target].push_back(flatten);
    nodes_[target].has_dynamic = 1;
    node.inner = target;
  }

  void raise(Id n, std::uint32_t level) {
    nodes_[n].level = level;
    if (level >= buckets_.size()) buckets_.resize(level + 1);
    if (!sealed_) seal();
    const Node& node = nodes_[n];
    for (std::uint32_t k = 0; k < node.dependent_count; ++k) {
      const Id d = dependents_[node.dependent_begin + k];
      if (nodes_[d].level <= level) raise(d, level + 1);
    }
    for (const Id f : dynamic_dependents_[n]) {
      if (nodes_[f].level <= level) raise(f, level + 1);
    }
  }

  std::vector<Node> nodes_;
  std::vector<Slot> values_;
  std::vector<Id> inputs_;      // CSR: every node's inputs, in node order
  std::vector<Id> dependents_;  // CSR: every node's static dependents
  std::vector<std::vector<Id>> dynamic_dependents_;  // flattens following a node
  std::vector<std::vector<Id>> buckets_;
  std::uint32_t highest_ = 0;
  bool sealed_ = false;
};

// ---- operators (each a plain function, called through its pointer) -------

Slot plus_one(Inputs in, const Slot&, std::int64_t) { return integer(in[0].scalar + 1); }
Slot plus_parameter(Inputs in, const Slot&, std::int64_t p) { return integer(in[0].scalar + p); }
Slot identity(Inputs in, const Slot&, std::int64_t) { return in[0]; }
Slot constant(Inputs, const Slot&, std::int64_t p) { return integer(p); }
Slot observe(Inputs, const Slot&, std::int64_t) { return Slot{}; }
Slot times_two(Inputs in, const Slot&, std::int64_t) { return integer(in[0].scalar * 2); }
Slot negate(Inputs in, const Slot&, std::int64_t) { return integer(-in[0].scalar); }
Slot difference(Inputs in, const Slot&, std::int64_t) { return integer(in[0].scalar - in[1].scalar); }
Slot sum(Inputs in, const Slot&, std::int64_t) {
  std::int64_t total = 0;
  for (std::uint32_t k = 0; k < in.count; ++k) total += in[k].scalar;
  return integer(total);
}
// Element `p` of a list.
Slot element(Inputs in, const Slot&, std::int64_t p) { return in[0].items[p]; }
// The inputs as a list, written into the node's buffer (the parameter).
Slot collect(Inputs in, const Slot&, std::int64_t p) {
  auto* buffer = std::bit_cast<std::vector<Slot>*>(p);
  buffer->resize(in.count);
  for (std::uint32_t k = 0; k < in.count; ++k) (*buffer)[k] = in[k];
  return list_of(buffer->data(), in.count);
}
Slot accumulate(Inputs in, const Slot& previous, std::int64_t) {
  return integer(previous.scalar + in[0].scalar);
}
// A ref to node p >> 32 for odd inputs, to node p & 0xffffffff for even ones.
Slot choose(Inputs in, const Slot&, std::int64_t p) {
  return ref(static_cast<std::uint32_t>(in[0].scalar % 2 != 0 ? p >> 32 : p & 0xffffffff));
}
// A ref to node p + input.
Slot offset_ref(Inputs in, const Slot&, std::int64_t p) {
  return ref(static_cast<std::uint32_t>(p + in[0].scalar));
}
Slot twenty_times(Inputs in, const Slot&, std::int64_t) {
  std::int64_t total = 0;
  for (int i = 0; i < unstable_reads; ++i) total += in[0].scalar;
  return integer(total);
}

// ---- the shapes, as propagation_bench.cpp builds them ----------------------

template <class Iteration>
void measure(benchmark::State& state, Engine& e, std::int64_t nodes, std::int64_t propagations,
             Iteration iteration) {
  e.executions = 0;
  if (!iteration()) return;
  if (!check(state, e.executions == nodes, "wrong node count in warm-up")) return;
  for (auto _ : state) {
    e.executions = 0;
    if (!iteration()) return;
    if (!check(state, e.executions == nodes, "wrong node count")) return;
  }
  report(state, nodes, propagations);
}

template <class Expected>
void run_kairo(benchmark::State& state, Engine& e, Engine::Id head, std::int64_t n, std::int64_t nodes,
               Engine::Id watched, Expected expected) {
  const auto writes = kairo_writes(n);
  measure(state, e, nodes, static_cast<std::int64_t>(writes.size()), [&] {
    for (const std::int64_t x : writes) {
      e.fire(head, integer(x));
      if (!check(state, e.value(watched).scalar == expected(x), "wrong value")) return false;
    }
    return true;
  });
}

void fair_deep(benchmark::State& state) {
  Engine e;
  const auto head = e.source(integer(0));
  auto last = head;
  for (int i = 0; i < deep_length; ++i) last = e.map({last}, op<plus_one>);
  e.map({last}, op<observe>);
  run_kairo(state, e, head, deep_length, deep_nodes, last, [](std::int64_t x) { return x + deep_length; });
}

void fair_broad(benchmark::State& state) {
  Engine e;
  const auto head = e.source(integer(0));
  Engine::Id last = head;
  for (std::int64_t i = 0; i < broad_width; ++i) {
    last = e.map({e.map({head}, op<plus_parameter>, i)}, op<plus_one>);
    e.map({last}, op<observe>);
  }
  run_kairo(state, e, head, broad_width, broad_nodes, last, [](std::int64_t x) { return x + broad_width; });
}

void fair_diamond(benchmark::State& state) {
  Engine e;
  const auto head = e.source(integer(0));
  std::vector<Engine::Id> arms;
  for (int i = 0; i < diamond_width; ++i) arms.push_back(e.map({head}, op<plus_one>));
  const auto total = e.map(arms, op<sum>);
  e.map({total}, op<observe>);
  run_kairo(state, e, head, 500, diamond_nodes, total, [](std::int64_t x) { return diamond_width * (x + 1); });
}

void fair_triangle(benchmark::State& state) {
  Engine e;
  const auto head = e.source(integer(0));
  std::vector<Engine::Id> chain;
  Engine::Id current = head;
  for (int i = 0; i < triangle_length; ++i) chain.push_back(current = e.map({current}, op<plus_one>));
  const auto total = e.map(chain, op<sum>);
  e.map({total}, op<observe>);
  run_kairo(state, e, head, 100, triangle_nodes, total, [](std::int64_t x) { return triangle_length * x + 55; });
}

void fair_mux(benchmark::State& state) {
  Engine e;
  std::vector<Engine::Id> heads;
  for (int i = 0; i < mux_width; ++i) heads.push_back(e.source(integer(0)));
  std::vector<Slot> buffer;
  buffer.reserve(mux_width);
  const auto all = e.map(heads, op<collect>, std::bit_cast<std::int64_t>(&buffer));
  std::vector<Engine::Id> outs;
  for (std::int64_t j = 0; j < mux_width; ++j) {
    outs.push_back(e.map({e.map({all}, op<element>, j)}, op<plus_one>));
    e.map({outs.back()}, op<observe>);
  }
  measure(state, e, mux_nodes, 20, [&] {
    for (const std::int64_t factor : {1, 2}) {
      for (std::size_t i = 0; i < 10; ++i) {
        const auto x = static_cast<std::int64_t>(i) * factor;
        e.fire(heads[i], integer(x));
        if (!check(state, e.value(outs[i]).scalar == x + 1, "mux: wrong output")) return false;
      }
    }
    return true;
  });
}

void fair_repeated(benchmark::State& state) {
  Engine e;
  const auto head = e.source(integer(0));
  const auto total = e.map(std::vector<Engine::Id>(repeated_reads, head), op<sum>);
  e.map({total}, op<observe>);
  run_kairo(state, e, head, 100, repeated_nodes, total, [](std::int64_t x) { return repeated_reads * x; });
}

void fair_unstable(benchmark::State& state) {
  Engine e;
  const auto head = e.source(integer(0));
  const auto twice = e.map({head}, op<times_two>);
  const auto inverse = e.map({head}, op<negate>);
  const auto choice = e.map({head}, op<choose>, (static_cast<std::int64_t>(twice) << 32) | inverse);
  const auto flat = e.flatten(choice);
  const auto current = e.map({flat}, op<twenty_times>);
  e.map({current}, op<observe>);
  e.map({twice}, op<observe>);
  e.map({inverse}, op<observe>);
  run_kairo(state, e, head, 100, unstable_nodes, current,
            [](std::int64_t x) { return x % 2 != 0 ? 40 * x : -20 * x; });
}

void fair_avoidable(benchmark::State& state) {
  Engine e;
  const auto head = e.source(integer(0));
  const auto c1 = e.map({head}, op<identity>);
  const auto c2 = e.map({c1}, op<constant>, 0);
  const auto c3 = e.map({c2}, op<plus_parameter>, 1);
  const auto c4 = e.map({c3}, op<plus_parameter>, 2);
  const auto c5 = e.map({c4}, op<plus_parameter>, 3);
  e.map({c5}, op<observe>);
  run_kairo(state, e, head, 1000, avoidable_nodes, c5, [](std::int64_t) -> std::int64_t { return 6; });
}

void fair_cellx(benchmark::State& state, int layers) {
  Engine e;
  std::array<Slot, 4> forward{}, back{};
  for (std::size_t k = 0; k < 4; ++k) {
    forward[k] = integer(cellx_forward[k]);
    back[k] = integer(cellx_back[k]);
  }
  const auto start = e.source(list_of(back.data(), 4));
  std::array<Engine::Id, 4> layer{};
  for (std::size_t k = 0; k < 4; ++k) layer[k] = e.map({start}, op<element>, static_cast<std::int64_t>(k));
  for (int l = 0; l < layers; ++l) {
    const auto [a, b, c, d] = layer;
    layer = {e.map({b}, op<identity>), e.map({a, c}, op<difference>), e.map({b, d}, op<sum>), e.map({c}, op<identity>)};
    for (const auto node : layer) e.map({node}, op<observe>);
  }
  measure(state, e, cellx_nodes(layers), 2, [&] {
    for (const bool to_forward : {true, false}) {
      e.fire(start, list_of(to_forward ? forward.data() : back.data(), 4));
      const auto& expected = to_forward ? cellx_end_forward : cellx_end_back;
      for (std::size_t k = 0; k < 4; ++k) {
        if (!check(state, e.value(layer[k]).scalar == expected[k], "cellx: wrong end value")) return false;
      }
    }
    return true;
  });
}

// Grid values are doubles carried as bits, as in frsim's grid.
Slot from_double(double v) { return integer(std::bit_cast<std::int64_t>(v)); }
double to_double(const Slot& s) { return std::bit_cast<double>(s.scalar); }

Slot grid_static(Inputs in, const Slot&, std::int64_t) {
  double total = 0;
  for (std::uint32_t k = 0; k < in.count; ++k) total += to_double(in[k]);
  return from_double(total);
}

Slot grid_dynamic(Inputs in, const Slot&, std::int64_t) {
  double total = to_double(in[0]);
  const bool drops = grid_drops(total);
  const int drop_index = grid_drop_index(total, static_cast<int>(in.count) - 1);
  for (std::uint32_t k = 1; k < in.count; ++k) {
    if (drops && static_cast<int>(k) - 1 == drop_index) continue;
    total += to_double(in[k]);
  }
  return from_double(total);
}

void fair_grid(benchmark::State& state, const GridConfig& g) {
  Engine e;
  const auto pattern = grid_static_pattern(g);
  std::vector<Engine::Id> sources, row;
  for (int x = 0; x < g.width; ++x) sources.push_back(e.source(from_double(x)));
  row = sources;
  for (int r = 1; r < g.layers; ++r) {
    std::vector<Engine::Id> next;
    for (int x = 0; x < g.width; ++x) {
      std::vector<Engine::Id> inputs;
      for (int k = 0; k < g.sources_per_node; ++k) inputs.push_back(row[static_cast<std::size_t>(grid_input(g, x, k))]);
      const bool is_static = pattern[static_cast<std::size_t>((r - 1) * g.width + x)];
      next.push_back(e.map(inputs, is_static ? op<grid_static> : op<grid_dynamic>));
    }
    row = std::move(next);
  }
  measure(state, e, g.executions, g.writes, [&] {
    for (int i = 0; i < g.writes; ++i) {
      const int source = i % g.width;
      e.fire(sources[static_cast<std::size_t>(source)], from_double(i + source));
    }
    double total = 0;
    for (const auto leaf : row) total = to_double(e.value(leaf)) + total;
    return check(state, total == g.leaf_sum, "grid: wrong leaf sum");
  });
}

void fair_fold(benchmark::State& state) {
  Engine e;
  const auto input = e.source(integer(0));
  const auto fold = e.fold(input, integer(0), op<accumulate>);
  const auto doubled = e.map({fold}, op<times_two>);
  e.map({doubled}, op<observe>);
  measure(state, e, fold_nodes, fold_writes, [&] {
    const std::int64_t before = e.value(fold).scalar;
    for (int i = 1; i <= fold_writes; ++i) e.fire(input, integer(i));
    return check(state, e.value(fold).scalar - before == fold_delta && e.value(doubled).scalar == 2 * e.value(fold).scalar,
                 "fold: wrong value");
  });
}

void fair_flatten(benchmark::State& state) {
  Engine e;
  std::vector<Engine::Id> inners;
  for (int i = 0; i < flatten_inners; ++i) inners.push_back(e.source(integer(3 * i)));
  const auto selector = e.source(integer(0));
  const auto outer = e.map({selector}, op<offset_ref>, inners.front());  // inners are consecutive ids
  const auto flat = e.flatten(outer);
  const auto plus = e.map({flat}, op<plus_one>);
  e.map({plus}, op<observe>);
  measure(state, e, flatten_nodes, flatten_inners, [&] {
    for (int k = 1; k <= flatten_inners; ++k) {
      const int index = k % flatten_inners;
      e.fire(selector, integer(index));
      if (!check(state, e.value(plus).scalar == 3 * index + 1, "flatten: wrong value")) return false;
    }
    return true;
  });
}

[[maybe_unused]] const bool registered = [] {
  register_shape("fair_floor/deep", fair_deep);
  register_shape("fair_floor/broad", fair_broad);
  register_shape("fair_floor/diamond", fair_diamond);
  register_shape("fair_floor/triangle", fair_triangle);
  register_shape("fair_floor/mux", fair_mux);
  register_shape("fair_floor/repeated", fair_repeated);
  register_shape("fair_floor/unstable", fair_unstable);
  register_shape("fair_floor/avoidable", fair_avoidable);
  register_shape("fair_floor/cellx1000", [](benchmark::State& s) { fair_cellx(s, 1000); });
  register_shape("fair_floor/cellx2500", [](benchmark::State& s) { fair_cellx(s, 2500); });
  for (const GridConfig& g : grids) {
    register_shape(std::string("fair_floor/") + g.name, [&g](benchmark::State& s) { fair_grid(s, g); });
  }
  register_shape("fair_floor/fold", fair_fold);
  register_shape("fair_floor/flatten", fair_flatten);
  return true;
}();

}  // namespace
}  // namespace frsim::bench
