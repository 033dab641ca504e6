#pragma once
// The scenario's dataflow graph (report.dataflow) as SVG: Graphviz when it is
// available, a layered layout of our own otherwise. Reactives named in
// `highlighted` (the violating ones) are drawn in red in both.

#include <optional>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

namespace frsim::reports {

// DOT source for report.dataflow's nodes and edges: shapes by kind, dynamic
// edges dashed, distributed reactives with a double border, highlighted red.
std::string dataflow_dot(const nlohmann::json& dataflow, const std::set<std::string>& highlighted);

// The fallback: one row per topological level (longest path from a source),
// nodes ordered by id within a row. Deterministic, needs nothing installed.
std::string dataflow_layered_svg(const nlohmann::json& dataflow,
                                 const std::set<std::string>& highlighted);

// The SVG for the report: Graphviz on dataflow_dot (or on dataflow.dot when
// the document carries no nodes) when `dot_executable` is given and succeeds,
// else the layered fallback.
std::string dataflow_svg(const nlohmann::json& dataflow, const std::set<std::string>& highlighted,
                         const std::optional<std::string>& dot_executable);

}  // namespace frsim::reports
