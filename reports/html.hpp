#pragma once
// report.html: one self-contained page (inline CSS and SVG, no scripts, no
// network) with the configuration, statistics, property table, a Lamport
// diagram and event table per violation, and the dataflow graph. The page is
// also well-formed XML, which is how the tests check it.

#include <cstddef>
#include <optional>
#include <ostream>
#include <string>

#include <nlohmann/json.hpp>

namespace frsim::reports {

struct HtmlOptions {
  // Draw the dataflow graph with Graphviz `dot` when it is on $PATH (or at
  // dot_executable); the built-in layered layout otherwise.
  bool use_graphviz = true;
  std::optional<std::string> dot_executable;
  // Long traces: the diagram and the event table stop here and say so.
  std::size_t diagram_events_max = 400;
  std::size_t table_events_max = 2000;
};

// Validates `report` (throws ReportError when it does not follow the schema)
// and writes the page.
void write_html(const nlohmann::json& report, std::ostream& out, const HtmlOptions& options = {});

}  // namespace frsim::reports
