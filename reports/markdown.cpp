#include "reports/markdown.hpp"

#include <fmt/format.h>

#include "reports/json_report.hpp"

namespace frsim::reports {

namespace {

using nlohmann::json;

// A table cell: one line, pipes escaped so the row keeps its columns.
std::string cell(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '|') {
      out += "\\|";
    } else if (c == '\n' || c == '\r') {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

// Inline code that survives backticks in the text (CommonMark: a longer fence).
std::string code(std::string_view text) {
  std::size_t run = 0;
  std::size_t longest = 0;
  for (char c : text) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  const std::string fence(longest + 1, '`');
  return fmt::format("{0} {1} {0}", fence, cell(text));
}

}  // namespace

void write_markdown(const json& report, std::ostream& out) {
  validate_report(report);
  const auto counts = count_properties(report);
  const json& stats = report.at("stats");
  std::string md = fmt::format("# frsim report: {}\n\n", cell(report.at("scenario").get<std::string>()));
  md += fmt::format("{}\n\n", cell(report.at("description").get<std::string>()));
  md += fmt::format("**{}** ({} properties: {}).\n\n", cell(verdict_text(report)),
                    report.at("properties").size(), counts_text(counts));
  md += fmt::format(
      "{}; seed {}; {} transitions, {} states ({} distinct), {} schedules, max depth {}, "
      "{:.3f} s.\n\n",
      cell(exploration_summary(report)), report.at("seed").dump(),
      stats.at("transitions").dump(), stats.at("states").dump(), stats.at("distinct_states").dump(),
      stats.at("schedules").dump(), stats.at("max_depth").dump(),
      stats.at("elapsed_seconds").get<double>());
  md += "| property | status | source | holds when |\n|---|---|---|---|\n";
  const auto& properties = report.at("properties");
  for (std::size_t i = 0; i < properties.size(); ++i) {
    const auto& prop = properties[i];
    const std::string status = status_text(report, i);
    md += fmt::format("| {} | {} | {} | {} |\n", cell(prop.at("name").get<std::string>()),
                      prop.at("status") == "violated" ? fmt::format("**{}**", status) : status,
                      cell(prop.at("source").get<std::string>()),
                      cell(prop.at("description").get<std::string>()));
  }
  const json& violations = report.at("violations");
  if (!violations.empty()) md += "\n## Violations\n";
  for (std::size_t i = 0; i < violations.size(); ++i) {
    const json& v = violations[i];
    md += fmt::format("\n{}. **{}**: {}\n", i + 1, cell(v.at("property").get<std::string>()),
                      cell(v.at("message").get<std::string>()));
    if (!v.at("device").is_null()) md += fmt::format("   - device: d{}\n", v.at("device").dump());
    if (!v.at("reactive").is_null()) {
      md += fmt::format("   - reactive: {}\n", code(v.at("reactive").get<std::string>()));
    }
    for (const auto& value : v.at("values")) {
      md += fmt::format("   - value: {}\n", code(value.get<std::string>()));
    }
    md += fmt::format("   - schedule: {} choices, {} events\n",
                      v.at("trace").at("choices").size(), v.at("trace").at("events").size());
    md += fmt::format("   - replay: {}\n", code(v.at("replay").get<std::string>()));
  }
  out << md;
}

}  // namespace frsim::reports
