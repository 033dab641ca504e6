#pragma once
// GoogleTest support for campaigns in a user's own tests (issue 7, "Library"):
// a violated property becomes a test failure that names the property, says
// what went wrong, and carries the line that replays the schedule.
//
//   const auto scenario = std::make_shared<const frsim::sim::Scenario>(my_scenario());
//   const auto result = frsim::sim::explore::explore(
//       *scenario, options, frsim::checker::monitor_factory(*scenario));
//   FRSIM_EXPECT_HOLDS(result, scenario);
//
// For RapidCheck properties: `if (auto failure = frsim::checker::violation_report(
// result, scenario, dir)) RC_FAIL(*failure);`.
//
// Header-only, so frsim's libraries do not depend on GoogleTest; include it
// from a test that links GTest.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "sim/explore/explore.hpp"
#include "sim/scenario.hpp"
#include "sim/trace.hpp"
#include "sim/world.hpp"

namespace frsim::checker {

// Re-executes the violating schedule (its choices, then healing) and writes it
// as a trace file `directory`/frsim-<scenario>-<property>-seed<seed>.json.
inline std::filesystem::path write_violation_trace(const sim::explore::Violation& violation,
                                                   const std::shared_ptr<const sim::Scenario>& scenario,
                                                   const std::filesystem::path& directory) {
  sim::World world(scenario, violation.config, violation.seed);
  for (const auto& [index, description] : violation.choices) {
    // The explorer recorded these choices on this very world: a mismatch is a
    // harness bug, not a user error.
    const auto enabled = world.enabled();
    if (index >= enabled.size() || enabled[index].description() != description) {
      throw sim::TraceError(fmt::format("violation of {} does not re-execute at choice '{}'",
                                        violation.finding.property, description));
    }
    world.apply_index(index);
  }
  world.heal();
  const auto path = directory / fmt::format("frsim-{}-{}-seed{}.json", scenario->name, violation.finding.property,
                                            violation.seed);
  sim::write_trace_file(sim::make_trace(world), path);
  return path;
}

// Nothing when the campaign found no violation. Otherwise the failure text:
// the property and its message, how it was found, the trace file written to
// `directory`, and the replay line (`frsim replay` for a built-in scenario,
// sim::replay for a scenario of the user's own).
inline std::optional<std::string> violation_report(const sim::explore::Result& result,
                                                   const std::shared_ptr<const sim::Scenario>& scenario,
                                                   const std::filesystem::path& directory) {
  if (!result.violation) return std::nullopt;
  const auto& v = *result.violation;
  const auto trace = write_violation_trace(v, scenario, directory);
  std::string report = fmt::format("property {} violated: {}\n", v.finding.property, v.finding.message);
  report += fmt::format("  found by {} after {} schedules, {} choices, seed {}\n", v.found_by,
                        result.stats.schedules, v.choices.size(), v.seed);
  report += fmt::format("  trace: {}\n", trace.string());
  report += fmt::format("  replay: frsim replay {}\n", trace.string());
  report += fmt::format("  (own scenario: frsim::sim::replay(frsim::sim::read_trace_file(\"{}\"), scenario))",
                        trace.string());
  return report;
}

// Success when the campaign found no violation; the trace goes to
// GoogleTest's temporary directory.
inline ::testing::AssertionResult holds(const sim::explore::Result& result,
                                        const std::shared_ptr<const sim::Scenario>& scenario) {
  const auto report = violation_report(result, scenario, ::testing::TempDir());
  if (!report) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << *report;
}

}  // namespace frsim::checker

#define FRSIM_EXPECT_HOLDS(result, scenario) EXPECT_TRUE(::frsim::checker::holds((result), (scenario)))
#define FRSIM_ASSERT_HOLDS(result, scenario) ASSERT_TRUE(::frsim::checker::holds((result), (scenario)))
