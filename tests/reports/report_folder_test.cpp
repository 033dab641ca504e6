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
#include "sim/view.hpp"
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

// The counter on one device, searched breadth-first: a complete run in well under a second.
ex::Options one_device_bfs(const sim::Scenario& counter) {
  ex::Options options = ex::default_options(counter);
  options.world.devices = 1;
  options.world.partitions = 0;
  options.strategy = ex::Strategy::bfs;
  return options;
}

TEST(ReportFolder, APassingRunRemovesAStaleCounterexampleAndSaysHolds) {
  const fs::path dir = scratch("stale");
  const auto bug = breadth_first("bug-local-fold");
  write_all(bug.scenario, bug.options, bug.result, dir);
  ASSERT_TRUE(fs::exists(dir / "counterexample.json"));
  auto counter = scenarios::find("counter");
  const ex::Options options = one_device_bfs(*counter);
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

// A register of Lamport-stamped named references, read through a flatten;
// "poll" exists on d0 only, so d1's receive of the register pointing at it
// aborts and rolls back (§3.4: a name denotes a reactive of the receiver's
// store), on every schedule and on one computer too. The findings say that
// the disagreement comes from the aborted receives, not only that it is.
std::shared_ptr<const sim::Scenario> named_on_one_device() {
  auto s = std::make_shared<sim::Scenario>();
  s->name = "named-on-one-device";
  s->create = [](core::Runtime& rt, const sim::DeviceContext& ctx) {
    using core::Value;
    const auto imax = [](const Value& a, const Value& b) { return a.as_int() >= b.as_int() ? a : b; };
    if (ctx.device == 0) rt.distributed_source("poll", Value::integer(5), imax);
    rt.distributed_source("none", Value::integer(0), imax);
    const auto point = rt.source(Value::unit(), "point");
    const std::int64_t replica = ctx.device;
    const auto stamp = [](const Value& v) { return std::pair(v.as_list()[0].as_int(), v.as_list()[1].as_int()); };
    const auto reg = rt.distributed_fold(
        "reg", point, Value::list({Value::integer(0), Value::integer(-1), Value::named_ref("none")}),
        [replica](const Value& st, const Value&) {
          return Value::list({Value::integer(st.as_list()[0].as_int() + 1), Value::integer(replica),
                              Value::named_ref("poll")});
        },
        [stamp](const Value& a, const Value& b) { return stamp(b) > stamp(a) ? b : a; });
    const auto target = rt.map({reg}, [](std::span<const Value> in) { return in[0].as_list()[2]; }, "target");
    rt.flatten(target, "shown");
  };
  s->workload = [](std::uint32_t device, std::uint32_t) {
    return device == 0 ? std::vector<sim::Action>{sim::Action::fire("point", core::Value::unit())}
                       : std::vector<sim::Action>{};
  };
  s->defaults.devices = 2;
  return s;
}

TEST(ReportFolder, AFindingOnAScheduleWithAbortedReceivesSaysSo) {
  const auto scenario = named_on_one_device();
  ex::Options options = ex::default_options(*scenario);
  options.strategy = ex::Strategy::bfs;
  options.limits.time_limit_seconds = 0;
  const auto convergence =
      ex::explore(*scenario, options, checker::monitor_factory(*scenario, checker::CheckOptions{{"convergence"}}));
  ASSERT_TRUE(convergence.violation.has_value());
  auto written = write_all(scenario, options, convergence, scratch("aborted-convergence"));
  std::string message = written.report["violations"][0]["message"];
  EXPECT_NE(message.find("d1 aborted"), std::string::npos) << message;
  EXPECT_NE(message.find("@poll, which does not exist"), std::string::npos) << message;

  // One computer fails as well: sequential-spec says that no sequential
  // schedule runs to the end, and why, not that none quiesces.
  const auto sequential = ex::explore(*scenario, options,
                                      checker::monitor_factory(*scenario, checker::CheckOptions{{"sequential-spec"}}));
  ASSERT_TRUE(sequential.violation.has_value());
  EXPECT_NE(sequential.violation->finding.message.find("runs to the end"), std::string::npos)
      << sequential.violation->finding.message;
  EXPECT_NE(sequential.violation->finding.message.find("which does not exist"), std::string::npos)
      << sequential.violation->finding.message;

  // Where nothing aborts, the finding is left as the property wrote it.
  const auto bug = breadth_first("bug-local-fold");
  written = write_all(bug.scenario, bug.options, bug.result, scratch("nothing-aborted"));
  message = written.report["violations"][0]["message"];
  EXPECT_EQ(message.find("aborted"), std::string::npos) << message;
}

// A `sometimes` that a complete exploration never reached is proven
// unreachable within the bounds: the verdict is `unreached` (a failure, exit
// status 1 on the command line), and JUnit counts it as a failure; in an
// incomplete run the same property is only `never reached`, skipped.
TEST(ReportFolder, ASometimesNoStateReachesFailsACompleteRun) {
  auto counter = std::make_shared<sim::Scenario>(*scenarios::find("counter"));
  counter->properties.push_back(sim::UserProperty::sometimes(
      "a-hundred", "some device counts 100 clicks", [](const sim::View& v) {
        const auto total = v.value(0, "total");
        return total && *total == core::Value::integer(100);
      }));
  ex::Options options = one_device_bfs(*counter);
  const auto complete = ex::explore(*counter, options, checker::monitor_factory(*counter));
  ASSERT_TRUE(complete.complete);
  const fs::path dir = scratch("unreached");
  auto written = write_all(counter, options, complete, dir);
  EXPECT_EQ(written.report["verdict"], "unreached");
  EXPECT_EQ(verdict_text(written.report),
            "FAILED: no state reached a-hundred on any schedule within the bounds (a complete exploration)");
  const std::string junit = read_text(dir / "junit.xml");
  EXPECT_NE(junit.find("<failure message=\"a-hundred: no state reached it\""), std::string::npos) << junit;
  EXPECT_NE(junit.find("failures=\"1\""), std::string::npos);

  options.limits.states_max = 2;  // incomplete: never reached so far, not proven
  const auto cut = ex::explore(*counter, options, checker::monitor_factory(*counter));
  ASSERT_FALSE(cut.complete);
  written = write_all(counter, options, cut, scratch("unreached-so-far"));
  EXPECT_EQ(written.report["verdict"], "incomplete");
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
