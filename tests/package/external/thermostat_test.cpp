// A scenario of one's own, checked from one's own GoogleTest: a thermostat
// on one device. The reading is a Source; a Fahrenheit display derives from
// it in two steps, and the panel reads both the display and the reading (an
// uneven diamond, so a glitch would show); a Fold counts the readings (so a
// crash must restore it).

#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "checker/checker.hpp"
#include "checker/gtest_support.hpp"
#include "sim/explore/explore.hpp"
#include "sim/scenario.hpp"
#include "sim/trace.hpp"

using frsim::core::Value;

frsim::sim::Scenario thermostat() {
  frsim::sim::Scenario s;
  s.name = "thermostat";
  s.description = "a reading, its Fahrenheit display, a comfort flag and a count of readings";
  s.create = [](frsim::core::Runtime& rt, const frsim::sim::DeviceContext&) {
    const auto celsius = rt.source(Value::integer(20), "celsius");
    const auto fahrenheit = rt.map(
        {celsius}, [](std::span<const Value> in) { return Value::integer(in[0].as_int() * 9 / 5 + 32); },
        "fahrenheit");
    const auto display = rt.map(
        {fahrenheit}, [](std::span<const Value> in) { return Value::string(in[0].to_string() + " F"); }, "display");
    rt.map(
        {celsius, display},
        [](std::span<const Value> in) {
          return Value::string(in[1].as_string() + (in[0].as_int() < 18 ? ", cold" : ", comfortable"));
        },
        "panel");
    rt.fold(
        celsius, Value::integer(0), [](const Value& count, const Value&) { return Value::integer(count.as_int() + 1); },
        "readings");
  };
  s.workload = [](std::uint32_t /*device*/, std::uint32_t /*devices*/) {
    return std::vector{frsim::sim::Action::fire("celsius", Value::integer(25)),
                       frsim::sim::Action::fire("celsius", Value::integer(16))};
  };
  s.defaults.devices = 1;
  s.defaults.crashes = 1;                       // a crash anywhere, even mid-propagation
  s.defaults.grain = frsim::sim::Grain::fine;  // one rule of Fig. 8 per step
  return s;
}

// Every schedule of the default world (exhaustive breadth-first search),
// judged by the given properties (all of them when empty).
frsim::sim::explore::Result explore_every_schedule(const frsim::sim::Scenario& scenario,
                                                   std::vector<std::string> properties = {}) {
  frsim::sim::explore::Options options;
  options.strategy = frsim::sim::explore::Strategy::bfs;
  options.world = scenario.defaults;
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
