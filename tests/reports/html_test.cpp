#include "reports/html.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>
#include <utility>
#include <vector>

#include "report_fixtures.hpp"
#include "reports/graphviz.hpp"
#include "xml_check.hpp"

namespace frsim::reports {
namespace {

using nlohmann::json;
using test::XmlElement;

std::string render(const json& report, HtmlOptions options = {}) {
  std::ostringstream out;
  write_html(report, out, options);
  return out.str();
}

HtmlOptions without_graphviz() {
  HtmlOptions options;
  options.use_graphviz = false;
  return options;
}

// The page is XHTML-compatible: the whole of it parses as XML.
XmlElement parse_page(const std::string& html) {
  EXPECT_EQ(html.rfind("<!DOCTYPE html>\n", 0), 0u);
  return test::parse_xml(html);
}

const XmlElement& only(const std::vector<const XmlElement*>& found) {
  EXPECT_EQ(found.size(), 1u);
  if (found.empty()) throw std::runtime_error("element not found");
  return *found.front();
}

TEST(Html, ViolatingReportDrawsTheCraftedTrace) {
  const auto page = parse_page(render(test::violating_report(), without_graphviz()));
  const auto& svg = only(page.by_class("lamport"));
  EXPECT_EQ(svg.name, "svg");
  EXPECT_EQ(svg.by_class("lifeline").size(), 3u);
  // One arrow per delivered message: two originals, two duplicates.
  EXPECT_EQ(svg.by_class("delivered").size(), 2u);
  EXPECT_EQ(svg.by_class("dup").size(), 2u);
  EXPECT_EQ(svg.by_class("dropped").size(), 1u);
  EXPECT_EQ(svg.by_class("drop-mark").size(), 1u);
  EXPECT_EQ(svg.by_class("dup-mark").size(), 2u);
  EXPECT_EQ(svg.by_class("crash-mark").size(), 1u);
  EXPECT_EQ(svg.by_class("restart-mark").size(), 1u);
  EXPECT_EQ(svg.by_class("partition-mark").size(), 1u);
  EXPECT_EQ(svg.by_class("heal-mark").size(), 1u);
  EXPECT_EQ(svg.by_class("healing-line").size(), 1u);
  EXPECT_EQ(svg.by_class("event").size(), test::kViolatingEvents);
  EXPECT_EQ(svg.by_class("capped").size(), 0u);
  const auto propagations = svg.by_class("propagation");
  ASSERT_EQ(propagations.size(), 4u);
  EXPECT_TRUE(propagations[0]->has_class("committed"));
  EXPECT_NE(propagations[0]->all_text().find("topic1, view"), std::string::npos);
  EXPECT_TRUE(propagations[3]->has_class("aborted"));
  // The violating device's lifeline and reactive are highlighted.
  const auto lifelines = svg.by_class("lifeline");
  EXPECT_TRUE(lifelines[2]->has_class("hl"));
  EXPECT_FALSE(lifelines[0]->has_class("hl"));
  const auto hl_names = svg.find_all(
      [](const XmlElement& el) { return el.name == "tspan" && el.has_class("hl"); });
  ASSERT_EQ(hl_names.size(), 2u);  // "history" in the d1 and d2 propagations
  EXPECT_EQ(hl_names[0]->text, "history");
}

TEST(Html, EventTableHasOneRowPerEvent) {
  const auto page = parse_page(render(test::violating_report(), without_graphviz()));
  const auto& table = only(page.by_class("events"));
  const auto& body = only(table.by_name("tbody"));
  ASSERT_EQ(body.children.size(), test::kViolatingEvents);
  const auto& crash_row = body.children[15];
  EXPECT_TRUE(crash_row.has_class("k-crashed"));
  ASSERT_EQ(crash_row.children.size(), 6u);  // #, step, device, kind, text, values
  EXPECT_EQ(crash_row.children[0].text, "15");
  EXPECT_EQ(crash_row.children[2].text, "d2");
  EXPECT_EQ(crash_row.children[3].text, "crashed");
  EXPECT_EQ(crash_row.children[4].text, "d2 crashed");
  EXPECT_TRUE(body.children[11].has_class("hl"));  // d1 reevaluated history
}

TEST(Html, PropertyTableNamesThePapersLemmas) {
  const auto page = parse_page(render(test::violating_report(), without_graphviz()));
  const auto& table = only(page.by_class("properties"));
  const auto& body = only(table.by_name("tbody"));
  ASSERT_EQ(body.children.size(), 4u);
  const auto& glitch = body.children[0];  // name, status, judged, source, holds when
  EXPECT_EQ(glitch.children[0].text, "glitch-freedom");
  EXPECT_EQ(glitch.children[1].all_text(), "not judged further");
  EXPECT_EQ(glitch.children[3].text, "Lemma 4.6");
  EXPECT_TRUE(body.children[2].has_class("status-violated"));
  EXPECT_EQ(body.children[2].children[1].all_text(), "VIOLATED");
  EXPECT_EQ(body.children[2].children[3].text, "Lemma 4.16, Thm. 4.17");
  EXPECT_EQ(body.children[3].children[1].all_text(), "not checked");
  const auto incomplete = parse_page(render(test::incomplete_report(), without_graphviz()));
  EXPECT_EQ(only(incomplete.by_class("properties")).by_name("tbody")[0]->children[0].children[1].all_text(),
            "not violated (incomplete)");
}

TEST(Html, ConfigurationStatisticsAndReplay) {
  const std::string html = render(test::violating_report(), without_graphviz());
  const auto page = parse_page(html);
  const auto config = page.find_all([](const XmlElement& el) { return el.attr("id") == "configuration"; });
  ASSERT_EQ(config.size(), 1u);
  const std::string config_text = config[0]->all_text();
  for (const char* expected : {"seed", "bfs", "drops", "coarse", "stopped at the first violation"}) {
    EXPECT_NE(config_text.find(expected), std::string::npos) << expected;
  }
  const auto stats = page.find_all([](const XmlElement& el) { return el.attr("id") == "statistics"; });
  ASSERT_EQ(stats.size(), 1u);
  EXPECT_NE(stats[0]->all_text().find("3.0 MiB"), std::string::npos);
  EXPECT_EQ(only(page.by_class("replay")).text, "frsim replay frsim-out/chat/counterexample.json");
}

TEST(Html, UserTextIsEscaped) {
  const std::string html = render(test::violating_report(), without_graphviz());
  EXPECT_EQ(html.find(test::kHostileText), std::string::npos);
  EXPECT_EQ(test::count_of(html, "<script"), 1u);  // the explorer's own
  EXPECT_NE(html.find("&lt;script&gt;alert(\"x &amp; y\")&lt;/script&gt;"), std::string::npos);
  const auto page = parse_page(html);
  EXPECT_NE(only(page.by_class("message")).text.find(test::kHostileText), std::string::npos);
}

// Nothing is fetched: no links, images, sources or external scripts; the one
// script is inline, in a CDATA section (so the page stays XML).
TEST(Html, SelfContained) {
  const std::string html = render(test::violating_report(), without_graphviz());
  const auto page = parse_page(html);
  const auto external = page.find_all([](const XmlElement& el) {
    return el.name == "link" || el.name == "img" || el.name == "iframe" || el.has("src") || el.has("href") ||
           el.has("xlink:href");
  });
  EXPECT_TRUE(external.empty());
  EXPECT_EQ(page.by_name("style").size(), 1u);
  // Every URL is an XML namespace name, which nothing fetches.
  for (auto at = html.find("http"); at != std::string::npos; at = html.find("http", at + 1)) {
    EXPECT_EQ(html.compare(at, 19, "http://www.w3.org/2"), 0) << html.substr(at, 40);
  }
  EXPECT_EQ(html.find("fetch("), std::string::npos);
  EXPECT_EQ(html.find("XMLHttpRequest"), std::string::npos);
  // A holding report has no counterexample to explore, and no script.
  EXPECT_EQ(render(test::holding_report(), without_graphviz()).find("<script"), std::string::npos);
}

TEST(Html, FallbackDataflowHighlightsTheViolatingReactive) {
  const auto page = parse_page(render(test::violating_report(), without_graphviz()));
  const auto& graph = only(page.by_class("dataflow"));
  const auto nodes = graph.by_class("node");
  ASSERT_EQ(nodes.size(), 4u);
  const auto hl = graph.by_class("hl");
  ASSERT_EQ(hl.size(), 1u);
  EXPECT_EQ(hl[0]->attr("data-id"), "2");  // "history"
  EXPECT_EQ(graph.by_class("dynamic").size(), 1u);
  // Levels: topic1 above view and history, selected below view.
  auto y_of = [&](std::size_t i) { return std::stod(nodes[i]->by_name("rect").back()->attr("y")); };
  EXPECT_LT(y_of(0), y_of(1));
  EXPECT_EQ(y_of(1), y_of(2));
  EXPECT_LT(y_of(1), y_of(3));
}

TEST(Html, GraphvizDataflowHighlightsTheViolatingReactive) {
  const auto dot = find_on_path("dot");
  if (!dot) GTEST_SKIP() << "graphviz not installed (scripts/bootstrap.sh)";
  const auto page = parse_page(render(test::violating_report()));
  const auto& section = only(page.find_all([](const XmlElement& el) { return el.attr("id") == "dataflow"; }));
  const auto& svg = only(section.by_name("svg"));
  EXPECT_FALSE(svg.has_class("dataflow")) << "the fallback was drawn although dot exists";
  const auto nodes = svg.by_class("node");
  EXPECT_EQ(nodes.size(), 4u);
  const auto hl = svg.by_class("hl");
  ASSERT_EQ(hl.size(), 1u);
  EXPECT_NE(hl[0]->all_text().find("history"), std::string::npos);
}

TEST(Html, FailingDotFallsBackToTheOwnLayout) {
  HtmlOptions options;
  options.dot_executable = "/bin/false";
  const auto page = parse_page(render(test::violating_report(), options));
  EXPECT_EQ(page.by_class("dataflow").size(), 1u);
}

TEST(Html, HoldingReportHasNoViolationSection) {
  const auto page = parse_page(render(test::holding_report(), without_graphviz()));
  EXPECT_TRUE(page.by_class("lamport").empty());
  EXPECT_TRUE(page.by_class("violation").empty());
  const auto& verdict = only(page.by_class("verdict"));
  EXPECT_TRUE(verdict.has_class("ok"));
  EXPECT_EQ(verdict.text, "every property checked holds on every schedule within the bounds");
  EXPECT_NE(only(page.by_class("exploration")).text.find("4 properties: 3 hold, 1 not checked"), std::string::npos);
  EXPECT_TRUE(page.by_class("dataflow")[0]->by_class("hl").empty());
}

TEST(Html, LongTracesAreCappedAndSaySo) {
  json report = test::violating_report();
  json events = json::array();
  for (std::int64_t i = 0; i < 1000; ++i) {
    events.push_back(test::event(i, i % 3, "sent", "ping", "topic1", (i + 1) % 3, i + 1));
  }
  report["violations"][0]["trace"]["events"] = events;
  HtmlOptions options = without_graphviz();
  options.diagram_events_max = 400;
  options.table_events_max = 600;
  const auto page = parse_page(render(report, options));
  const auto& svg = only(page.by_class("lamport"));
  EXPECT_EQ(svg.by_class("event").size(), 400u);
  EXPECT_EQ(svg.by_class("capped").size(), 1u);
  EXPECT_EQ(only(page.by_class("events")).by_name("tbody")[0]->children.size(), 600u);
  EXPECT_EQ(page.by_class("capped").size(), 3u);  // the diagram, its note, the table's
}

TEST(Html, OneDiagramPerViolationWithDistinctIds) {
  json report = test::violating_report();
  report["violations"].push_back(report["violations"][0]);
  report["violations"][1]["reactive"] = "view";
  const auto page = parse_page(render(report, without_graphviz()));
  const auto diagrams = page.by_class("lamport");
  ASSERT_EQ(diagrams.size(), 2u);
  EXPECT_NE(diagrams[0]->attr("id"), diagrams[1]->attr("id"));
  const auto markers = page.by_name("marker");
  std::set<std::string> ids;
  for (const auto* m : markers) ids.insert(m->attr("id"));
  EXPECT_EQ(ids.size(), markers.size());
  EXPECT_EQ(page.by_class("dataflow")[0]->by_class("hl").size(), 2u);
}

// The verdict and the violation come first; the configuration last (it used
// to fill the first screen).
TEST(Html, VerdictAndViolationFirstConfigurationLast) {
  const std::string html = render(test::violating_report(), without_graphviz());
  const auto at = [&](const char* needle) {
    const auto found = html.find(needle);
    EXPECT_NE(found, std::string::npos) << needle;
    return found;
  };
  EXPECT_LT(at("class=\"verdict fail\""), at("id=\"violations\""));
  EXPECT_LT(at("id=\"violations\""), at("id=\"properties\""));
  EXPECT_LT(at("id=\"properties\""), at("id=\"statistics\""));
  EXPECT_LT(at("id=\"statistics\""), at("id=\"configuration\""));
}

// A violation's values say what each one is, not "value / value".
TEST(Html, ViolationValuesAreNamed) {
  const auto page = parse_page(render(test::violating_report(), without_graphviz()));
  const auto& table =
      only(page.find_all([](const XmlElement& el) { return el.name == "table" && el.has_class("values"); }));
  std::vector<std::pair<std::string, std::string>> rows;
  for (const auto* tr : table.by_name("tr")) {
    if (tr->children.size() == 2) rows.emplace_back(tr->children[0].all_text(), tr->children[1].all_text());
  }
  const auto has = [&](const std::string& label, const std::string& value) {
    return std::find(rows.begin(), rows.end(), std::pair{label, value}) != rows.end();
  };
  EXPECT_TRUE(has("the first device up after healing has", "[\"Alice: hi\"]"));
  EXPECT_TRUE(has("d2 has", "[\"Alice: hi\", \"Alice: hi\"]"));
  EXPECT_FALSE(has("value", "[\"Alice: hi\"]"));
}

// Every value an event carries is on the page: in the event table, and on
// the diagram's arrows and dots when hovered.
TEST(Html, WrittenValuesAndPayloadsAreShown) {
  json report = test::violating_report();
  auto& events = report["violations"][0]["trace"]["events"];
  events[2]["values"] = json::array({"[\"Alice: hi\"]"});  // d0 wrote topic1
  events[6]["values"] = json::array({"[\"Alice: hi\"] sent"});  // d0 sent topic1 #1 to d1
  const auto page = parse_page(render(report, without_graphviz()));
  const auto& body = only(only(page.by_class("events")).by_name("tbody"));
  EXPECT_EQ(body.children[2].children[5].text, "[\"Alice: hi\"]");
  EXPECT_EQ(body.children[6].children[5].text, "[\"Alice: hi\"] sent");
  const auto arrows = page.find_all([](const XmlElement& el) { return el.has_class("msg") && el.attr("data-message") == "1"; });
  ASSERT_EQ(arrows.size(), 1u);
  EXPECT_NE(arrows[0]->by_name("title")[0]->text.find("topic1 = [\"Alice: hi\"] sent"), std::string::npos);
  const auto dots = page.find_all([](const XmlElement& el) { return el.name == "circle" && el.attr("data-row") == "2"; });
  ASSERT_EQ(dots.size(), 1u);
  EXPECT_NE(dots[0]->by_name("title")[0]->text.find("[[\"Alice: hi\"]]"), std::string::npos);
}

// The healing phase delivers everything at once; its arrows would cross the
// schedule's. The schedule's diagram ends at heal_started; the healing phase
// has its own, collapsed, numbered on from there.
TEST(Html, HealingPhaseIsCollapsedBelowTheSchedule) {
  json report = test::violating_report();
  auto& events = report["violations"][0]["trace"]["events"];
  for (std::int64_t i = 0; i < 6; ++i) {
    events.push_back(test::event(17 + i, i % 2, i % 2 == 0 ? "sent" : "delivered", "heal traffic", "topic1",
                                 (i + 1) % 2, 10 + i / 2));
  }
  const auto page = parse_page(render(report, without_graphviz()));
  const auto diagrams = page.by_class("lamport");
  ASSERT_EQ(diagrams.size(), 2u);
  EXPECT_EQ(diagrams[0]->by_class("event").size(), test::kViolatingEvents);
  const auto& healing = only(page.find_all([](const XmlElement& el) { return el.name == "details" && el.has_class("healing"); }));
  EXPECT_NE(healing.by_name("summary")[0]->text.find("Healing phase: 6 events from #32 (3 messages delivered)"),
            std::string::npos);
  const auto tables = page.by_class("events");
  ASSERT_EQ(tables.size(), 2u);
  EXPECT_EQ(tables[0]->by_name("tbody")[0]->children.size(), test::kViolatingEvents);
  const auto& healing_rows = tables[1]->by_name("tbody")[0]->children;
  ASSERT_EQ(healing_rows.size(), 6u);
  EXPECT_EQ(healing_rows[0].children[0].text, "32");
  EXPECT_EQ(healing.by_class("delivered").size(), 3u);
}

// Without states the explorer says so instead of drawing nothing.
TEST(Html, ExplorerWithoutStatesSaysSo) {
  const auto page = parse_page(render(test::violating_report(), without_graphviz()));
  const auto& explorer = only(page.by_class("explorer"));
  EXPECT_FALSE(explorer.has("data-states"));
  EXPECT_NE(explorer.all_text().find("carries no states"), std::string::npos);
}

}  // namespace
}  // namespace frsim::reports
