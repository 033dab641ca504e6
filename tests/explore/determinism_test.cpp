// The replay-determinism self-check inside exhaustive search: a judged
// schedule is re-run from the seed along the choices its parent links give
// (World::set_history), so an operator that keeps state across worlds is
// caught by bfs, dfs and DPOR as it is by a replay, and a pure one is not.
#include <gtest/gtest.h>

#include <memory>

#include <fmt/format.h>

#include "checker/checker.hpp"
#include "sim/explore/explore.hpp"

namespace frsim::sim::explore {
namespace {

using core::Value;

// A map whose result counts how often any world ran it: a replay from the
// seed computes other values than the run it replays.
Scenario leaky(bool leak) {
  Scenario s;
  s.name = leak ? "leaky" : "pure";
  auto runs = std::make_shared<std::int64_t>(0);
  s.create = [runs, leak](core::Runtime& rt, const DeviceContext&) {
    const auto in = rt.source(Value::integer(0), "in");
    rt.map({in}, [runs, leak](std::span<const Value> v) { return Value::integer(v[0].as_int() + (leak ? ++*runs : 0)); },
           "out");
  };
  s.workload = [](std::uint32_t, std::uint32_t) {
    return std::vector<Action>{Action::fire("in", Value::integer(1)), Action::fire("in", Value::integer(2))};
  };
  s.defaults.devices = 1;
  return s;
}

TEST(ExhaustiveDeterminism, ASideChannelIsCaughtAndAPureProgramHolds) {
  for (const auto& [strategy, por] : {std::pair{Strategy::bfs, Por::none}, std::pair{Strategy::dfs, Por::sleep},
                                      std::pair{Strategy::dfs, Por::dpor}}) {
    SCOPED_TRACE(fmt::format("{} por={}", to_string(strategy), to_string(por)));
    for (bool leak : {true, false}) {
      const Scenario s = leaky(leak);
      Options o;
      o.strategy = strategy;
      o.por = por;
      o.world = s.defaults;
      const Result r = explore(s, o, checker::monitor_factory(s, {{"replay-determinism"}}));
      if (leak) {
        ASSERT_TRUE(r.violation.has_value());
        EXPECT_EQ(r.violation->finding.property, "replay-determinism");
      } else {
        EXPECT_FALSE(r.violation.has_value()) << r.violation->finding.message;
        EXPECT_TRUE(r.complete);
      }
    }
  }
}

}  // namespace
}  // namespace frsim::sim::explore
