#include "reports/junit.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "report_fixtures.hpp"
#include "reports/graphviz.hpp"
#include "reports/json_report.hpp"
#include "xml_check.hpp"

namespace frsim::reports {
namespace {

using nlohmann::json;
using test::XmlElement;

std::string render(const json& report) {
  std::ostringstream out;
  write_junit(report, out);
  return out.str();
}

const XmlElement& suite_of(const XmlElement& root) {
  EXPECT_EQ(root.name, "testsuites");
  EXPECT_EQ(root.children.size(), 1u);
  return root.children.at(0);
}

TEST(Junit, ViolatingReportStructureAndCounts) {
  const auto root = test::parse_xml(render(test::violating_report()));
  const auto& suite = suite_of(root);
  EXPECT_EQ(suite.name, "testsuite");
  EXPECT_EQ(suite.attr("name"), "frsim.chat");
  EXPECT_EQ(suite.attr("tests"), "4");
  EXPECT_EQ(suite.attr("failures"), "1");
  EXPECT_EQ(suite.attr("errors"), "0");
  EXPECT_EQ(suite.attr("skipped"), "3");  // 2 not judged further, 1 not checked
  EXPECT_EQ(suite.attr("time"), "1.250");
  for (const char* key : {"tests", "failures", "errors", "skipped", "time"}) {
    EXPECT_EQ(root.attr(key), suite.attr(key)) << key;
  }
  const auto cases = suite.by_name("testcase");
  ASSERT_EQ(cases.size(), 4u);
  std::vector<std::string> names;
  for (const auto* c : cases) {
    EXPECT_EQ(c->attr("classname"), "chat");
    names.push_back(c->attr("name"));
  }
  EXPECT_EQ(names, (std::vector<std::string>{"glitch-freedom", "at-most-once", "convergence",
                                             "confluence"}));
  EXPECT_EQ(cases[0]->children.at(0).name, "skipped");
  EXPECT_NE(cases[0]->children.at(0).attr("message").find("not judged further"), std::string::npos);
  const auto& failure = cases[2]->children.at(0);
  EXPECT_EQ(failure.name, "failure");
  EXPECT_EQ(failure.attr("message"), std::string("d2 disagrees on history: ") + test::kHostileText);
  EXPECT_EQ(failure.attr("type"), "Lemma 4.16, Thm. 4.17");
  EXPECT_NE(failure.text.find("replay: frsim replay frsim-out/chat/counterexample.json"),
            std::string::npos);
  EXPECT_NE(failure.text.find("reactive: history"), std::string::npos);
  EXPECT_NE(failure.text.find("device: d2"), std::string::npos);
  EXPECT_EQ(cases[3]->children.at(0).name, "skipped");
  const auto props = suite.by_name("property");
  const auto seed = std::find_if(props.begin(), props.end(),
                                 [](const XmlElement* p) { return p->attr("name") == "seed"; });
  ASSERT_NE(seed, props.end());
  EXPECT_EQ((*seed)->attr("value"), "1");
}

TEST(Junit, HoldingReportHasNoFailures) {
  const auto root = test::parse_xml(render(test::holding_report()));
  const auto& suite = suite_of(root);
  EXPECT_EQ(suite.attr("failures"), "0");
  EXPECT_EQ(suite.attr("skipped"), "1");
  EXPECT_TRUE(suite.by_name("failure").empty());
  EXPECT_EQ(suite.by_name("skipped").size(), 1u);
}

// A run a budget stopped passes its unviolated properties, saying why they
// are not "holds".
TEST(Junit, IncompleteRunSaysSoForEachProperty) {
  const auto root = test::parse_xml(render(test::incomplete_report()));
  const auto& suite = suite_of(root);
  EXPECT_EQ(suite.attr("failures"), "0");
  const auto outs = suite.by_name("system-out");
  ASSERT_EQ(outs.size(), 3u);
  EXPECT_EQ(outs[0]->text, "not violated (incomplete): bfs: incomplete, stopped at the time budget");
  const auto props = suite.by_name("property");
  const auto verdict = std::find_if(props.begin(), props.end(),
                                    [](const XmlElement* p) { return p->attr("name") == "verdict"; });
  ASSERT_NE(verdict, props.end());
  EXPECT_EQ((*verdict)->attr("value"), "no violation found, but the exploration is incomplete (the time budget)");
}

TEST(Junit, SeveralViolationsOfOnePropertyAreOneFailure) {
  json report = test::violating_report();
  report["violations"].push_back(report["violations"][0]);
  report["violations"][1]["message"] = "d1 disagrees too";
  const auto root = test::parse_xml(render(report));
  const auto failures = root.by_name("failure");
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_NE(failures[0]->attr("message").find("(and 1 more)"), std::string::npos);
  EXPECT_NE(failures[0]->text.find("d1 disagrees too"), std::string::npos);
  EXPECT_EQ(suite_of(root).attr("failures"), "1");
}

// Issue 13: a property judged 0 times in a run (or a user's `sometimes`
// never reached) is no pass: a skipped test case that says why.
TEST(Junit, NotExercisedAndNeverReachedAreSkippedWithTheReason) {
  json report = test::holding_report();
  report["properties"][0]["status"] = "not_exercised";
  report["properties"][1]["status"] = "never_reached";
  const auto root = test::parse_xml(render(report));
  const auto& suite = suite_of(root);
  EXPECT_EQ(suite.attr("skipped"), "3");
  const auto skipped = suite.by_name("skipped");
  ASSERT_EQ(skipped.size(), 3u);
  EXPECT_NE(skipped[0]->attr("message").find("not exercised"), std::string::npos);
  EXPECT_NE(skipped[1]->attr("message").find("never reached"), std::string::npos);
  EXPECT_EQ(count_properties(report).not_exercised, 1u);
  EXPECT_EQ(count_properties(report).never_reached, 1u);
}

// Validated against tests/reports/junit.xsd when xmllint (libxml2-utils) is
// installed: the structure CI servers read.
TEST(Junit, ValidatesAgainstTheJunitSchema) {
  const auto xmllint = find_on_path("xmllint");
  if (!xmllint) GTEST_SKIP() << "xmllint not installed (scripts/bootstrap.sh installs libxml2-utils)";
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("frsim-junit-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const std::string xsd = std::string(FRSIM_REPORTS_TEST_DIR) + "/junit.xsd";
  for (const auto& [name, report] :
       {std::pair{"violating", test::violating_report()}, std::pair{"holding", test::holding_report()},
        std::pair{"incomplete", test::incomplete_report()}}) {
    const fs::path file = dir / (std::string(name) + ".xml");
    std::ofstream(file) << render(report);
    const std::string command = *xmllint + " --noout --schema '" + xsd + "' '" + file.string() +
                                "' > '" + (dir / "xmllint.log").string() + "' 2>&1";
    const int status = std::system(command.c_str());
    std::ifstream log(dir / "xmllint.log");
    std::stringstream log_text;
    log_text << log.rdbuf();
    EXPECT_EQ(status, 0) << name << ": " << log_text.str();
  }
  fs::remove_all(dir);
}

}  // namespace
}  // namespace frsim::reports
