#include "core/graph.hpp"

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/breadth_first_search.hpp>
#include <boost/graph/topological_sort.hpp>

#include <algorithm>
#include <string>

#include <fmt/format.h>

#include "core/error.hpp"

namespace frsim::core {
namespace {

// vecS keeps vertex descriptors equal to reactive ids and edges in insertion
// order, so every traversal below is deterministic.
struct EdgeProperties {
  bool dynamic = false;
};
using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS,
                                    boost::no_property, EdgeProperties>;
using Vertex = Graph::vertex_descriptor;

std::string escaped(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

Graph build(std::size_t node_count, const std::vector<GraphEdge>& edges) {
  Graph g(node_count);
  for (const GraphEdge& e : edges) boost::add_edge(e.from, e.to, EdgeProperties{e.dynamic}, g);
  return g;
}

}  // namespace

std::vector<ReactiveId> find_cycle(std::size_t node_count, const std::vector<GraphEdge>& edges,
                                   ReactiveId through) {
  const Graph g = build(node_count, edges);
  // A cycle through `through` is a path from one of its successors back to it.
  std::vector<Vertex> predecessor(node_count);
  for (std::size_t v = 0; v < node_count; ++v) predecessor[v] = v;
  std::vector<boost::default_color_type> color(node_count);
  const auto colors = boost::make_iterator_property_map(color.begin(),
                                                        boost::get(boost::vertex_index, g));
  bool self_loop = false;
  for (auto [it, end] = boost::out_edges(through, g); it != end; ++it) {
    if (boost::target(*it, g) == through) self_loop = true;
  }
  if (self_loop) return {through};
  boost::breadth_first_search(
      g, through,
      boost::visitor(boost::make_bfs_visitor(boost::record_predecessors(
                         predecessor.data(), boost::on_tree_edge())))
          .color_map(colors));
  // Is `through` reachable from itself through some node v with edge v -> through?
  for (std::size_t v = 0; v < node_count; ++v) {
    if (v == through || (predecessor[v] == v)) continue;
    for (auto [it, end] = boost::out_edges(v, g); it != end; ++it) {
      if (boost::target(*it, g) != through) continue;
      std::vector<ReactiveId> path;
      for (Vertex x = v; x != through; x = predecessor[x]) path.push_back(static_cast<ReactiveId>(x));
      path.push_back(through);
      std::reverse(path.begin(), path.end());
      return path;
    }
  }
  return {};
}

std::vector<std::uint32_t> topological_levels(std::size_t node_count,
                                              const std::vector<GraphEdge>& edges) {
  const Graph g = build(node_count, edges);
  std::vector<Vertex> order;
  try {
    boost::topological_sort(g, std::back_inserter(order));
  } catch (const boost::not_a_dag&) {
    throw Error("the dataflow graph has a cycle");
  }
  std::vector<std::uint32_t> level(node_count, 0);
  // topological_sort yields reverse topological order.
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    for (auto [e, end] = boost::out_edges(*it, g); e != end; ++e) {
      const Vertex to = boost::target(*e, g);
      level[to] = std::max(level[to], level[*it] + 1);
    }
  }
  return level;
}

std::string to_dot(const std::vector<GraphNode>& nodes, const std::vector<GraphEdge>& edges) {
  // Written by hand over the Boost graph: boost::write_graphviz's edge
  // iterator trips g++ 12's -Wmaybe-uninitialized at -O3.
  const Graph g = build(nodes.size(), edges);
  std::string out = "digraph dataflow {\n";
  for (Vertex v = 0; v < boost::num_vertices(g); ++v) {
    out += fmt::format("  {} [label=\"{}\", shape={}];\n", v, escaped(nodes[v].name), nodes[v].shape);
  }
  for (Vertex v = 0; v < boost::num_vertices(g); ++v) {
    for (auto [it, end] = boost::out_edges(v, g); it != end; ++it) {
      out += fmt::format("  {} -> {}{};\n", v, boost::target(*it, g),
                         g[*it].dynamic ? " [style=dashed]" : "");
    }
  }
  out += "}\n";
  return out;
}

}  // namespace frsim::core
