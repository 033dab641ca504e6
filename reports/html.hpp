#pragma once
// report.html: one self-contained page (inline CSS, SVG and one inline
// script; no network, no server). First the verdict and, per violation, what
// went wrong with its values named (expected vs actual), the state explorer,
// the Lamport diagram beside the event table (every written value and message
// payload in it) with the healing phase collapsed below; then the property
// table, the dataflow graph, statistics, and the configuration last.
//
// The state explorer (explorer.hpp) steps through the counterexample's states
// (report.violations[i].states, reports/states.hpp): every device's store, the
// snapshot, A and P during a propagation, the messages in flight, and the
// dataflow graph with the current values and the reactive being reevaluated.
// Without states in the report the page is as before, the explorer says so.
//
// The page is also well-formed XML (the script sits in a CDATA section),
// which is how the tests check it.

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
