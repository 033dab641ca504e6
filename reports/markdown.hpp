#pragma once
// report.md: a short Markdown summary for terminals and CI logs — the verdict,
// the property table, each violation with its replay command.

#include <ostream>

#include <nlohmann/json.hpp>

namespace frsim::reports {

// Validates `report` (throws ReportError) and writes the summary.
void write_markdown(const nlohmann::json& report, std::ostream& out);

}  // namespace frsim::reports
