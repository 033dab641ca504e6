#include "reports/json_report.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "report_fixtures.hpp"
#include "reports/html.hpp"
#include "reports/junit.hpp"
#include "reports/markdown.hpp"

namespace frsim::reports {
namespace {

using nlohmann::json;
using test::holding_report;
using test::incomplete_report;
using test::violating_report;

bool mentions(const std::vector<std::string>& problems, std::string_view text) {
  for (const auto& p : problems) {
    if (p.find(text) != std::string::npos) return true;
  }
  return false;
}

TEST(JsonReport, FixturesFollowTheSchema) {
  EXPECT_EQ(report_problems(holding_report()), std::vector<std::string>{});
  EXPECT_EQ(report_problems(violating_report()), std::vector<std::string>{});
  EXPECT_NO_THROW(validate_trace(violating_report()["violations"][0]["trace"]));
}

TEST(JsonReport, EveryRequiredTopLevelFieldIsChecked) {
  const json valid = violating_report();
  for (const auto& [key, value] : valid.items()) {
    json broken = valid;
    broken.erase(key);
    const auto problems = report_problems(broken);
    EXPECT_TRUE(mentions(problems, "missing required field \"" + key + "\"")) << key;
  }
}

TEST(JsonReport, ProblemsNameTheJsonPath) {
  json report = violating_report();
  report["violations"][0]["trace"]["events"][3]["kind"] = "exploded";
  report["stats"]["states"] = "many";
  report["properties"][1]["status"] = "maybe";
  const auto problems = report_problems(report);
  EXPECT_TRUE(mentions(problems, "report.violations[0].trace.events[3].kind: unknown event kind"));
  EXPECT_TRUE(mentions(problems, "report.stats.states: expected a non-negative number"));
  EXPECT_TRUE(mentions(problems, "report.properties[1].status: \"maybe\" is not one of"));
  EXPECT_EQ(problems.size(), 3u);
}

TEST(JsonReport, ContractChecksBetweenFields) {
  json report = violating_report();
  report["properties"][2]["status"] = "holds";  // the violation's property
  report["dataflow"]["edges"][0]["to"] = 42;
  report["budget_hit"] = "patience";
  report["format"] = "other";
  const auto problems = report_problems(report);
  EXPECT_TRUE(mentions(problems, "\"convergence\" is not a property with status \"violated\""));
  EXPECT_TRUE(mentions(problems, "report.dataflow.edges[0].to: no node with id 42"));
  EXPECT_TRUE(mentions(problems, "report.budget_hit: \"patience\" is not one of"));
  EXPECT_TRUE(mentions(problems, "report.format: expected \"frsim-report\""));
}

TEST(JsonReport, OptionalFieldsMayBeAbsentOrNull) {
  json report = violating_report();
  report["dataflow"].erase("dot");
  report["violations"][0]["device"] = nullptr;
  report["violations"][0]["reactive"] = nullptr;
  report["violations"][0]["trace"]["events"][0].erase("values");
  EXPECT_EQ(report_problems(report), std::vector<std::string>{});
}

TEST(JsonReport, ValidateThrowsAReportErrorThatIsACoreError) {
  json report = holding_report();
  report["seed"] = -1;
  try {
    validate_report(report);
    FAIL() << "a negative seed must be rejected";
  } catch (const core::Error& e) {
    EXPECT_NE(dynamic_cast<const ReportError*>(&e), nullptr);
    EXPECT_NE(std::string(e.what()).find("report.seed: expected a non-negative integer"),
              std::string::npos)
        << e.what();
  }
}

TEST(JsonReport, RenderersRejectMalformedDocumentsWithAClearError) {
  std::ostringstream out;
  for (const json& bad : {json::array(), json("text"), json{{"format", "frsim-report"}}}) {
    EXPECT_THROW(write_html(bad, out), ReportError);
    EXPECT_THROW(write_junit(bad, out), ReportError);
    EXPECT_THROW(write_markdown(bad, out), ReportError);
  }
  EXPECT_TRUE(out.str().empty());
}

TEST(JsonReport, EventKindsRoundTrip) {
  std::size_t kinds = 0;
  for (const char* name :
       {"action_started", "reevaluated", "written", "skipped", "committed", "aborted", "sent",
        "delivered", "merged", "dropped", "duplicated", "crashed", "restarted", "restored",
        "partitioned", "healed", "request", "response", "heal_started", "created"}) {
    const auto kind = parse_event_kind(name);
    ASSERT_TRUE(kind.has_value()) << name;
    EXPECT_EQ(to_string(*kind), name);
    ++kinds;
  }
  EXPECT_EQ(kinds, 20u);
}

RC_GTEST_PROP(JsonReport, UnknownEventKindsAreRejected, (const std::string& kind)) {
  RC_PRE(!parse_event_kind(kind).has_value());
  json trace = violating_report()["violations"][0]["trace"];
  trace["events"][0]["kind"] = kind;
  RC_ASSERT(mentions(trace_problems(trace), "trace.events[0].kind: unknown event kind"));
}

TEST(JsonReport, SummariesCountStatuses) {
  const auto counts = count_properties(violating_report());
  EXPECT_EQ(counts.holds, 0u);
  EXPECT_EQ(counts.violated, 1u);
  EXPECT_EQ(counts.not_judged_further, 2u);
  EXPECT_EQ(counts.not_checked, 1u);
  EXPECT_EQ(counts_text(counts), "1 violated, 2 not judged further, 1 not checked");
  EXPECT_EQ(counts_text(count_properties(incomplete_report())), "3 not violated (incomplete), 1 not checked");
  EXPECT_EQ(status_text(incomplete_report(), 0), "not violated (incomplete)");
  EXPECT_EQ(status_text(violating_report(), 2), "VIOLATED");
}

// Banners say what ran (never "sampled schedules" for a breadth-first search)
// and how it ended.
TEST(JsonReport, SummariesSayWhatRanAndHowItEnded) {
  EXPECT_EQ(exploration_summary(holding_report()), "bfs: complete, every schedule within the bounds explored");
  EXPECT_EQ(exploration_summary(violating_report()), "bfs: stopped at the first violation");
  EXPECT_EQ(exploration_summary(incomplete_report()), "bfs: incomplete, stopped at the time budget");
  json report = incomplete_report();
  report["config"]["por"] = "sleep";
  report["config"]["symmetry"] = true;
  EXPECT_EQ(strategy_summary(report), "bfs with sleep sets and symmetry");
  report["strategy"] = "default";
  report["config"]["stages"] = json::array({{{"strategy", "bfs"}, {"por", "sleep"}, {"symmetry", true}, {"ran", true}},
                                            {{"strategy", "swarm"}, {"ran", true}}});
  EXPECT_EQ(strategy_summary(report), "default campaign: bfs with sleep sets and symmetry, then swarm");
  report["config"]["stages"][1]["ran"] = false;
  EXPECT_EQ(strategy_summary(report), "default campaign: bfs with sleep sets and symmetry");
  report["strategy"] = "pct";
  report["config"]["pct_depth"] = 3;
  EXPECT_EQ(strategy_summary(report), "pct (d = 3)");
  report["budget_hit"] = "interrupted";
  report["verdict"] = "interrupted";
  EXPECT_EQ(exploration_summary(report), "pct (d = 3): interrupted, incomplete");
  EXPECT_EQ(verdict_text(report), "no violation found before the run was interrupted (incomplete)");
  EXPECT_EQ(verdict_text(violating_report()), "VIOLATED: convergence");
  EXPECT_EQ(verdict_text(incomplete_report()), "no violation found, but the exploration is incomplete (the time budget)");
}

TEST(JsonReport, VerdictAndStatusesAreValidated) {
  json report = holding_report();
  report["verdict"] = "fine";
  EXPECT_TRUE(mentions(report_problems(report), "report.verdict: \"fine\" is not one of"));
  report = holding_report();
  report["properties"][0]["status"] = "passed";
  EXPECT_TRUE(mentions(report_problems(report), "report.properties[0].status"));
  report = holding_report();
  report["properties"][0]["judged"] = -1;
  EXPECT_TRUE(mentions(report_problems(report), "report.properties[0].judged"));
  report["properties"][0]["judged"] = 17;
  EXPECT_TRUE(report_problems(report).empty());
}

// Each value of a violation says what it is.
TEST(JsonReport, ValueLabelsNameExpectedAndActual) {
  json v = {{"property", "restoration"}, {"device", 1}, {"values", {"3", "0"}}};
  EXPECT_EQ(value_labels(v), (std::vector<std::string>{"expected: at the last commit before the crash",
                                                       "actual: after restart"}));
  v["property"] = "sequential-spec";
  EXPECT_EQ(value_labels(v)[1], "actual: d1 has");
  v["property"] = "some-new-property";
  EXPECT_EQ(value_labels(v), (std::vector<std::string>{"value 1", "value 2"}));
  v["property"] = "convergence";
  v["values"] = json::array({"1", "2", "3"});  // not the checker's two: no guessing
  EXPECT_EQ(value_labels(v)[0], "value 1");
}

}  // namespace
}  // namespace frsim::reports
