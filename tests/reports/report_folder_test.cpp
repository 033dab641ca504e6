// reports::write_all: the report folder a campaign of the library writes, the
// same as `frsim explore` writes (the command line calls it too).

#include "reports/report.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "checker/checker.hpp"
#include "reports/json_report.hpp"
#include "scenarios/registry.hpp"
#include "sim/trace.hpp"
#include "trace_model.hpp"

namespace frsim::reports {
namespace {

namespace ex = sim::explore;
namespace fs = std::filesystem;
using nlohmann::json;

fs::path scratch(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("frsim-report-folder-" + std::to_string(::getpid())) / name;
  fs::remove_all(dir);
  return dir;
}

json read_json(const fs::path& path) {
  std::ifstream in(path);
  return json::parse(in);
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

struct Campaign {
  std::shared_ptr<const sim::Scenario> scenario;
  ex::Options options;
  ex::Result result;
};

Campaign breadth_first(const std::string& name) {
  Campaign c{scenarios::find(name), {}, {}};
  c.options = ex::default_options(*c.scenario);
  c.options.strategy = ex::Strategy::bfs;
  c.options.limits.time_limit_seconds = 0;
  c.result = ex::explore(*c.scenario, c.options, checker::monitor_factory(*c.scenario));
  return c;
}

// The library's defaults are the command line's (one place: default_options).
TEST(ReportFolder, DefaultOptionsAreWhatFrsimExploreRuns) {
  const auto options = ex::default_options(*scenarios::find("chat"));
  sim::WorldConfig world = scenarios::find("chat")->defaults;
  world.resends = ex::default_resends;  // Fig. 9: a dropped value may be sent again before healing
  EXPECT_EQ(options.world, world);
  EXPECT_EQ(options.limits.depth_max, 60u);
  EXPECT_EQ(options.limits.time_limit_seconds, 60.0);
  EXPECT_EQ(ex::campaign_stage1(options).por, ex::Por::sleep);
  EXPECT_TRUE(ex::campaign_stage1(options).symmetry);
  // Stage 1 has half the time; a quarter of that and of the states is kept
  // for its fine-grain search, which gets whatever the coarse one left.
  EXPECT_EQ(ex::campaign_stage1(options).limits.time_limit_seconds, 22.5);
  EXPECT_EQ(ex::campaign_stage1(options).limits.states_max, 1'500'000u);
  EXPECT_EQ(ex::campaign_stage1(options).world.grain, sim::Grain::coarse);
  ASSERT_TRUE(ex::campaign_has_fine_stage(options));
  ex::Stats coarse;
  coarse.states = 1000;
  coarse.elapsed_seconds = 5;
  const auto fine = ex::campaign_stage1_fine(options, coarse);
  EXPECT_EQ(fine.world.grain, sim::Grain::fine);
  EXPECT_EQ(fine.strategy, ex::Strategy::bfs);
  EXPECT_EQ(fine.limits.time_limit_seconds, 25.0);
  EXPECT_EQ(fine.limits.states_max, 1'999'000u);
  coarse.elapsed_seconds = 29;  // the coarse search ran long: the fine one gets what is left
  EXPECT_EQ(ex::campaign_stage1_fine(options, coarse).limits.time_limit_seconds, 1.0);
  coarse.elapsed_seconds = 31;  // it overran stage 1: nothing (the campaign then skips it)
  EXPECT_EQ(ex::campaign_stage1_fine(options, coarse).limits.time_limit_seconds, 0.0);
  ex::Stats stage1;
  stage1.elapsed_seconds = 12.5;
  stage1.states = 150'000;
  stage1.schedules = 40'000;
  const auto second = ex::campaign_stage2(options, stage1);
  EXPECT_EQ(second.strategy, ex::Strategy::swarm);
  EXPECT_EQ(second.limits.time_limit_seconds, 47.5);
  // What stage 1 left of the states budget, at least one; the schedules
  // budget is stage 2's own (stage 1 counts a judged state as a schedule).
  EXPECT_EQ(second.limits.states_max, options.limits.states_max - 150'000);
  EXPECT_EQ(second.limits.schedules_max, options.limits.schedules_max);
  stage1.states = options.limits.states_max + 5;
  EXPECT_EQ(ex::campaign_stage2(options, stage1).limits.states_max, 1u);
}

TEST(ReportFolder, AViolationWritesEveryFileAndAReplayableCounterexample) {
  const auto c = breadth_first("bug-local-fold");
  ASSERT_TRUE(c.result.violation);
  const fs::path dir = scratch("violation");
  ReportOptions o;
  o.program = "my-frsim";
  o.command_line = {"my-frsim", "explore", "bug-local-fold", "--strategy", "bfs"};
  o.started_at = "2025-01-31T12:00:00Z";
  const auto written = write_all(c.scenario, c.options, c.result, dir, o);
  for (const char* file : {"report.json", "report.html", "junit.xml", "counterexample.json"}) {
    EXPECT_TRUE(fs::exists(dir / file)) << file;
  }
  EXPECT_TRUE(written.problems.empty());
  const json report = read_json(dir / "report.json");
  EXPECT_EQ(report, written.report);
  EXPECT_TRUE(report_problems(report).empty());
  EXPECT_EQ(report["verdict"], "violated");
  EXPECT_EQ(report["strategy"], "bfs");
  EXPECT_EQ(report["command_line"], json(o.command_line));
  EXPECT_EQ(report["started_at"], "2025-01-31T12:00:00Z");
  const json& v = report["violations"][0];
  EXPECT_EQ(v["replay"], "my-frsim replay " + (dir / "counterexample.json").string());
  // The counterexample on disk is the report's trace, and it replays to the same events.
  const auto trace = sim::read_trace_file(dir / "counterexample.json");
  EXPECT_EQ(sim::to_json(trace), v["trace"]);
  EXPECT_EQ(sim::replay(trace, c.scenario)->event_hash(), trace.event_hash);
  // Its states end in the disagreement the violation names.
  const json& frames = v["states"]["frames"];
  ASSERT_FALSE(frames.empty());
  json last_d1;
  for (const auto& f : frames) {
    if (!f["devices"][1].is_null()) last_d1 = f["devices"][1];
  }
  bool compared = false;
  for (const auto& r : last_d1["reactives"]) {
    if (r["label"] != "updates_seen") continue;
    EXPECT_EQ(r["value"], v["values"][1]);
    compared = true;
  }
  EXPECT_TRUE(compared);
  // The page embeds them for its explorer.
  const std::string html = read_text(dir / "report.html");
  EXPECT_NE(html.find("class=\"explorer\" id=\"explorer-1\" data-states=\"1\""), std::string::npos);
  EXPECT_NE(html.find("class=\"explorer-data\""), std::string::npos);
}

TEST(ReportFolder, APassingRunRemovesAStaleCounterexampleAndSaysHolds) {
  const fs::path dir = scratch("stale");
  const auto bug = breadth_first("bug-local-fold");
  write_all(bug.scenario, bug.options, bug.result, dir);
  ASSERT_TRUE(fs::exists(dir / "counterexample.json"));
  auto counter = scenarios::find("counter");
  ex::Options options = ex::default_options(*counter);
  options.world.devices = 1;
  options.world.partitions = 0;
  options.strategy = ex::Strategy::bfs;
  const auto result = ex::explore(*counter, options, checker::monitor_factory(*counter));
  ASSERT_TRUE(result.complete);
  const auto written = write_all(counter, options, result, dir);
  EXPECT_FALSE(fs::exists(dir / "counterexample.json"));
  EXPECT_FALSE(written.counterexample.has_value());
  EXPECT_EQ(written.report["verdict"], "holds");
  // One device: what was judged holds; what nothing put to the test
  // (convergence with one replica) is not exercised, never "holds".
  for (const auto& p : written.report["properties"]) {
    EXPECT_EQ(p["status"], p["judged"] == 0 ? "not_exercised" : "holds") << p["name"];
  }
}

// A campaign's config lists its stages; whether stage 2 ran is what happened.
TEST(ReportFolder, ConfigOfTheCampaignNamesItsStages) {
  const auto scenario = scenarios::find("bug-local-fold");
  auto options = ex::default_options(*scenario);
  const auto result = ex::default_campaign(*scenario, options, checker::monitor_factory(*scenario));
  const json config = config_json(options, result, true);
  EXPECT_EQ(config["strategy"], "default");
  EXPECT_EQ(config["stages"][0]["por"], "sleep");
  EXPECT_EQ(config["stages"][1]["ran"], false);  // the violation came in stage 1
  EXPECT_FALSE(config.contains("por"));
  EXPECT_EQ(config["depth"], 60);
}

TEST(ReportFolder, AnUnwritableFolderIsAnError) {
  const auto c = breadth_first("bug-local-fold");
  EXPECT_THROW(write_all(c.scenario, c.options, c.result, "/proc/frsim-cannot-be-here"), core::Error);
}

}  // namespace
}  // namespace frsim::reports
