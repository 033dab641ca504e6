#include "reports/markdown.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include "report_fixtures.hpp"

namespace frsim::reports {
namespace {

using nlohmann::json;

std::string render(const json& report) {
  std::ostringstream out;
  write_markdown(report, out);
  return out.str();
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// Cells of a Markdown table row, honouring "\|" escapes.
std::size_t columns(const std::string& row) {
  std::size_t pipes = 0;
  for (std::size_t i = 0; i < row.size(); ++i) {
    if (row[i] == '|' && (i == 0 || row[i - 1] != '\\')) ++pipes;
  }
  return pipes - 1;
}

TEST(Markdown, PropertyTableWithOneRowPerProperty) {
  const auto lines = lines_of(render(test::violating_report()));
  const auto header = std::find(lines.begin(), lines.end(), "| property | status | source | holds when |");
  ASSERT_NE(header, lines.end());
  ASSERT_EQ(*(header + 1), "|---|---|---|---|");
  std::vector<std::string> rows(header + 2, header + 6);
  for (const auto& row : rows) EXPECT_EQ(columns(row), 4u) << row;
  EXPECT_EQ(rows[0].rfind("| glitch-freedom | not judged further | Lemma 4.6 |", 0), 0u);
  EXPECT_EQ(rows[2].rfind("| convergence | **VIOLATED** | Lemma 4.16, Thm. 4.17 |", 0), 0u);
  EXPECT_EQ(rows[3].rfind("| confluence | not checked |", 0), 0u);
  EXPECT_TRUE((header + 6) == lines.end() || (header + 6)->empty());
}

TEST(Markdown, VerdictAndReplayCommand) {
  const std::string md = render(test::violating_report());
  EXPECT_EQ(md.rfind("# frsim report: chat\n", 0), 0u);
  EXPECT_NE(md.find("**VIOLATED: convergence** (4 properties: 1 violated, 2 not judged further, 1 not checked)"),
            std::string::npos);
  EXPECT_NE(md.find("bfs: stopped at the first violation; seed 1"), std::string::npos);
  EXPECT_NE(md.find("- replay: ` frsim replay frsim-out/chat/counterexample.json `"),
            std::string::npos);
  EXPECT_NE(md.find("- reactive: ` history `"), std::string::npos);
  EXPECT_EQ(render(test::holding_report()).find("## Violations"), std::string::npos);
}

TEST(Markdown, PipesAndNewlinesCannotBreakTheTable) {
  json report = test::holding_report();
  report["properties"][0]["description"] = "a | b\nc";
  report["properties"][0]["name"] = "x`y";
  const auto lines = lines_of(render(report));
  const auto header = std::find(lines.begin(), lines.end(), "| property | status | source | holds when |");
  ASSERT_NE(header, lines.end());
  EXPECT_EQ(*(header + 2), "| x`y | holds | Lemma 4.6 | a \\| b c |");
  EXPECT_EQ(columns(*(header + 2)), 4u);
}

}  // namespace
}  // namespace frsim::reports
