#pragma once
// The dataflow graph as Boost.Graph sees it: cycle reports, topological
// levels and DOT export. Never on the propagation hot path: the runtime asks
// for a cycle check only when a flatten's dynamic edge moves up the levels.

#include <cstdint>
#include <string>
#include <vector>

#include "core/value.hpp"

namespace frsim::core {

struct GraphEdge {
  ReactiveId from = 0;  // the input
  ReactiveId to = 0;    // the derived reactive
  bool dynamic = false;  // a flatten's edge from its current inner reactive
};

struct GraphNode {
  std::string name;   // printed in DOT and in cycle reports
  std::string shape;  // DOT shape
};

// A cycle through `through` (a reactive), in dataflow order starting at
// `through`, or empty when `through` is on no cycle.
std::vector<ReactiveId> find_cycle(std::size_t node_count, const std::vector<GraphEdge>& edges,
                                   ReactiveId through);

// Levels by topological order: 0 for reactives without inputs, otherwise one
// more than the highest input. Throws Error when the graph has a cycle.
std::vector<std::uint32_t> topological_levels(std::size_t node_count,
                                              const std::vector<GraphEdge>& edges);

// Graphviz DOT; dynamic edges dashed.
std::string to_dot(const std::vector<GraphNode>& nodes, const std::vector<GraphEdge>& edges);

}  // namespace frsim::core
