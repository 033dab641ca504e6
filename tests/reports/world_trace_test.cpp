// The contract between the world and the reports: every event the world can
// emit, and every trace a real campaign writes, is accepted and drawn by the
// report renderers. (They are written against the JSON schema, so a drift on
// either side would otherwise show only when a violating campaign fails to
// write its report.html.)

#include <gtest/gtest.h>

#include <sstream>

#include "reports/html.hpp"
#include "reports/json_report.hpp"
#include "reports/junit.hpp"
#include "report_fixtures.hpp"
#include "scenarios/registry.hpp"
#include "sim/random_walk.hpp"
#include "sim/trace.hpp"
#include "sim/world.hpp"

namespace frsim::reports {
namespace {

TEST(WorldTrace, EveryWorldEventKindIsUnderstood) {
  for (std::size_t i = 0; i < sim::event_kind_count; ++i) {
    const auto name = sim::to_string(static_cast<sim::EventKind>(i));
    EXPECT_TRUE(parse_event_kind(name).has_value()) << name;
  }
}

// A report whose violation carries the trace of a real faulty chat run.
nlohmann::json report_with_world_trace(std::uint64_t seed) {
  sim::WorldConfig config = scenarios::find("chat")->defaults;
  config.drops = 2;
  config.dups = 2;
  config.crashes = 1;
  config.partitions = 1;
  sim::World world(scenarios::find("chat"), config, seed);
  sim::random_walk(world, seed);
  world.heal();
  nlohmann::json report = test::violating_report();
  report["violations"][0]["trace"] = sim::to_json(sim::make_trace(world));
  return report;
}

TEST(WorldTrace, FaultyChatTracesValidateAndRender) {
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    const nlohmann::json report = report_with_world_trace(seed);
    const auto problems = report_problems(report);
    ASSERT_TRUE(problems.empty()) << "seed " << seed << ": " << problems.front();
    std::ostringstream html;
    write_html(report, html);
    EXPECT_NE(html.str().find("healing phase"), std::string::npos) << "seed " << seed;
    std::ostringstream junit;
    write_junit(report, junit);
    EXPECT_NE(junit.str().find("<failure"), std::string::npos);
  }
}

}  // namespace
}  // namespace frsim::reports
