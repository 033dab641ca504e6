#include "checker/pbt/generators.hpp"

#include <algorithm>

namespace frsim::checker::pbt {

namespace {

// Gene kind numbers, simplest first, so that shrinking toward 0 simplifies.
constexpr std::array<NodeKind, 7> kind_by_gene = {NodeKind::source,           NodeKind::map,
                                                  NodeKind::fold,             NodeKind::distributed_source,
                                                  NodeKind::distributed_fold, NodeKind::flatten,
                                                  NodeKind::flatten_select};

bool reads_inputs(NodeKind kind) {
  return kind != NodeKind::source && kind != NodeKind::distributed_source;
}
bool is_fold(NodeKind kind) { return kind == NodeKind::fold || kind == NodeKind::distributed_fold; }

Node source_node(std::int64_t initial) {
  Node n;
  n.kind = NodeKind::source;
  n.initial = initial;
  return n;
}

// Node i from its gene, given the earlier nodes' distributed taint.
Node normalize_node(const NodeGene& g, std::uint32_t i, const std::vector<bool>& taint) {
  // Fields a kind does not use keep their defaults: one spec, one form (JSON
  // round trip, equality of shrunk cases).
  Node n;
  n.kind = kind_by_gene[g.kind % kind_by_gene.size()];
  if (n.kind == NodeKind::source || n.kind == NodeKind::fold) n.initial = g.value;
  if (i == 0 && reads_inputs(n.kind)) return source_node(g.value);
  if (is_fold(n.kind)) {
    std::vector<std::uint32_t> clean;  // paper §4.8: folds read no distributed value
    for (std::uint32_t j = 0; j < i; ++j) {
      if (!taint[j]) clean.push_back(j);
    }
    if (clean.empty()) return source_node(g.value);
    n.inputs = {clean[g.x % clean.size()]};
  }
  switch (n.kind) {
    case NodeKind::source: break;
    case NodeKind::distributed_source:
      n.crdt = static_cast<CrdtKind>(g.x % 3);
      n.initial = std::max<std::int64_t>(g.value, 0);
      break;
    case NodeKind::map: {
      n.map_op = static_cast<MapOp>(g.op % 4);
      const std::uint32_t arity = std::min<std::uint32_t>(1 + (g.op / 4) % map_inputs_max, i);
      const std::uint32_t selectors[map_inputs_max] = {g.x, g.y, g.x + g.y + 1};
      for (std::uint32_t k = 0; k < arity; ++k) n.inputs.push_back(selectors[k] % i);
      break;
    }
    case NodeKind::fold: n.fold_op = static_cast<FoldOp>(g.op % 3); break;
    case NodeKind::distributed_fold: n.crdt = static_cast<CrdtKind>(g.op % 3); break;
    case NodeKind::flatten: n.inputs = {g.x % i}; break;
    case NodeKind::flatten_select:
      // The condition counts from the first node, the targets back from the
      // last: genes shrunk to 0 give a flatten that selects the deepest node
      // by the root, the shape in which the outer changes before its inner.
      n.inputs = {g.x % i, i - 1 - g.y % i, i - 1 - g.op % i};
      break;
  }
  return n;
}

std::vector<Fire> normalize_fires(const std::vector<FireGene>& genes, const std::vector<Node>& nodes) {
  std::vector<std::uint32_t> targets;
  for (std::uint32_t i = 0; i < nodes.size(); ++i) {
    if (fireable(nodes[i].kind)) targets.push_back(i);
  }
  std::vector<Fire> fires;
  if (targets.empty()) return fires;
  for (const FireGene& g : genes) {
    const std::uint32_t node = targets[g.node % targets.size()];
    if (nodes[node].kind == NodeKind::flatten) {
      fires.push_back({node, static_cast<std::int64_t>(static_cast<std::uint64_t>(g.value < 0 ? -g.value : g.value) %
                                                       node)});  // a flatten is never node 0
    } else {
      fires.push_back({node, g.value});
    }
  }
  return fires;
}

// RapidCheck scales integer ranges by the size parameter (full width at size
// 100); small menus should be drawn uniformly at every size.
template <class T>
rc::Gen<T> uniform(T min, T max_exclusive) {
  return rc::gen::resize(100, rc::gen::inRange<T>(min, max_exclusive));
}

}  // namespace

ProgramSpec normalize(const ProgramGenes& genes) {
  ProgramSpec spec;
  const std::size_t count = std::clamp<std::size_t>(genes.nodes.size(), 1, nodes_max);
  std::vector<bool> taint;
  for (std::uint32_t i = 0; i < count; ++i) {
    const NodeGene g = i < genes.nodes.size() ? genes.nodes[i] : NodeGene{};
    spec.nodes.push_back(normalize_node(g, i, taint));
    taint = distributed_taint(spec.nodes);
  }
  spec.world = genes.world;
  spec.world.devices = std::max<std::uint32_t>(1, spec.world.devices);
  if (spec.world.devices < 2) spec.world.partitions = 0;  // nobody to be partitioned from
  for (std::uint32_t d = 0; d < spec.world.devices; ++d) {
    spec.workloads.push_back(d < genes.workloads.size() ? normalize_fires(genes.workloads[d], spec.nodes)
                                                        : std::vector<Fire>{});
  }
  spec.world_seed = genes.world_seed;
  spec.schedule = genes.schedule;
  return spec;
}

rc::Gen<NodeGene> node_gene() {
  return rc::gen::construct<NodeGene>(rc::gen::arbitrary<std::uint32_t>(), rc::gen::arbitrary<std::uint32_t>(),
                                      rc::gen::arbitrary<std::uint32_t>(), rc::gen::arbitrary<std::uint32_t>(),
                                      uniform<std::int64_t>(-3, 10));
}

rc::Gen<FireGene> fire_gene() {
  return rc::gen::construct<FireGene>(rc::gen::arbitrary<std::uint32_t>(), uniform<std::int64_t>(-3, 10));
}

rc::Gen<sim::WorldConfig> world_config(const GenOptions& options) {
  const auto budget = uniform<std::uint32_t>(0, options.budget_max + 1);
  const auto grain = options.fine_grain ? rc::gen::element(sim::Grain::coarse, sim::Grain::fine)
                                        : rc::gen::just(sim::Grain::coarse);
  return rc::gen::build<sim::WorldConfig>(
      rc::gen::set(&sim::WorldConfig::devices, uniform<std::uint32_t>(1, options.devices_max + 1)),
      rc::gen::set(&sim::WorldConfig::drops, budget), rc::gen::set(&sim::WorldConfig::dups, budget),
      rc::gen::set(&sim::WorldConfig::crashes, budget), rc::gen::set(&sim::WorldConfig::partitions, budget),
      rc::gen::set(&sim::WorldConfig::grain, grain));
}

rc::Gen<std::vector<std::uint32_t>> schedule(const GenOptions& options) {
  return rc::gen::scale(options.schedule_scale,
                        rc::gen::container<std::vector<std::uint32_t>>(rc::gen::arbitrary<std::uint32_t>()));
}

rc::Gen<ProgramGenes> program_genes(const GenOptions& options) {
  // Workloads: a few fires per device, up to half the size.
  const auto fires = rc::gen::scale(0.5, rc::gen::container<std::vector<FireGene>>(fire_gene()));
  return rc::gen::build<ProgramGenes>(
      rc::gen::set(&ProgramGenes::nodes, rc::gen::container<std::vector<NodeGene>>(node_gene())),
      rc::gen::set(&ProgramGenes::workloads,
                   rc::gen::container<std::vector<std::vector<FireGene>>>(options.devices_max, fires)),
      rc::gen::set(&ProgramGenes::world, world_config(options)),
      rc::gen::set(&ProgramGenes::world_seed, uniform<std::uint64_t>(0, 1000)),
      rc::gen::set(&ProgramGenes::schedule, schedule(options)));
}

rc::Gen<ProgramSpec> program_spec(const GenOptions& options) {
  return rc::gen::map(program_genes(options), [](const ProgramGenes& genes) { return normalize(genes); });
}

void showValue(const ProgramSpec& spec, std::ostream& os) { os << "\n" << describe(spec); }

}  // namespace frsim::checker::pbt
