// The thermostat (thermostat.hpp) checked from one's own GoogleTest: every
// schedule of its default world, on the sound engine and on a broken one.

#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "checker/checker.hpp"
#include "checker/gtest_support.hpp"
#include "reports/report.hpp"
#include "sim/explore/explore.hpp"
#include "sim/trace.hpp"
#include "thermostat.hpp"

// Every schedule of the default world (exhaustive breadth-first search, no
// time budget), judged by the given properties (all of them when empty).
frsim::sim::explore::Result explore_every_schedule(const frsim::sim::Scenario& scenario,
                                                   std::vector<std::string> properties = {}) {
  auto options = frsim::sim::explore::default_options(scenario);  // what `frsim explore` runs
  options.strategy = frsim::sim::explore::Strategy::bfs;
  options.limits.time_limit_seconds = 0;
  return frsim::sim::explore::explore(scenario, options,
                                      frsim::checker::monitor_factory(scenario, {std::move(properties)}));
}

TEST(Thermostat, EveryScheduleHoldsEveryProperty) {
  const auto scenario = std::make_shared<const frsim::sim::Scenario>(thermostat());
  const auto result = explore_every_schedule(*scenario);
  FRSIM_EXPECT_HOLDS(result, scenario);
  EXPECT_TRUE(result.complete);
  EXPECT_GT(result.stats.schedules, 1U);
  EXPECT_EQ(result.properties.size(), frsim::checker::all_properties().size());
}

// The same program on a deliberately broken engine (one of the checker's
// mutants: commit persists sources only, never folds): the campaign fails,
// and the failure carries a trace that replays.
TEST(Thermostat, ABrokenEngineFailsWithAReplayableTrace) {
  const auto* mutant = frsim::checker::find_mutant("mutant-snapshot-no-folds");
  ASSERT_NE(mutant, nullptr);
  const auto broken = std::make_shared<const frsim::sim::Scenario>(frsim::checker::with_mutant(thermostat(), *mutant));
  const auto result = explore_every_schedule(*broken, {mutant->expected_property});
  const auto holds = frsim::checker::holds(result, broken);
  ASSERT_FALSE(holds);
  const std::string message = holds.message();
  EXPECT_NE(message.find("property " + mutant->expected_property + " violated"), std::string::npos) << message;
  const auto replay_at = message.find("frsim replay ");
  ASSERT_NE(replay_at, std::string::npos) << message;
  const auto path_at = replay_at + std::string("frsim replay ").size();
  const auto path = message.substr(path_at, message.find('\n', path_at) - path_at);
  const auto world = frsim::sim::replay(frsim::sim::read_trace_file(path), broken);
  EXPECT_EQ(world->choices().size(), result.violation->choices.size());
}

// The default campaign, as `frsim explore thermostat` runs it, and the same
// report folder (report.json, report.html with its state explorer, junit.xml).
TEST(Thermostat, TheCampaignWritesTheReportFolder) {
  const auto scenario = std::make_shared<const frsim::sim::Scenario>(thermostat());
  const auto options = frsim::sim::explore::default_options(*scenario);
  const auto result =
      frsim::sim::explore::default_campaign(*scenario, options, frsim::checker::monitor_factory(*scenario));
  const auto dir = std::filesystem::temp_directory_path() / "thermostat-report";
  const auto written = frsim::reports::write_all(scenario, options, result, dir);
  EXPECT_EQ(written.report["verdict"], "holds");
  EXPECT_TRUE(std::filesystem::exists(dir / "report.html"));
  EXPECT_TRUE(std::filesystem::exists(dir / "junit.xml"));
}
