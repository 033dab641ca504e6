// Sound: a shared high score that each device opens at run time.
// A workload action (Action::create of the creation procedure "open",
// defined in the creation code with core::Runtime::define_creation: creation
// after the creation prefix, Fig. 6, replayed at restart) creates a local
// source "score" and the distributed fold "best" over it: step max, merge max
// (a join; every update goes up in its order). Then the device posts a score.
//
// Workload (two devices): d0 opens and posts 4; d1 opens and posts 7.
// Expected verdict: every property holds. In particular a schedule that ends
// with only one device having opened "best" is a state the program may be
// in: the other device simply has no replica yet (it ignores what arrives
// for a reactive it does not have, and healing quiesces: sim/world.cpp,
// World::would_accept, healing sends only to a device that has the name).

#include <algorithm>

#include "scenarios/registry.hpp"

namespace frsim::scenarios {

namespace {
using core::Value;
Value max_of(const Value& a, const Value& b) { return Value::integer(std::max(a.as_int(), b.as_int())); }
}  // namespace

sim::Scenario high_score_opened() {
  sim::Scenario s;
  s.name = "high-score-opened";
  s.description = "a shared high score (max fold) that each device creates at run time by a workload action";
  s.create = [](core::Runtime& rt, const sim::DeviceContext&) {
    rt.define_creation("open", [](core::Creation& create, const Value&) {
      const Value score = create.source(Value::integer(0), "score");
      const Value best = create.distributed_fold("best", score, Value::integer(0), max_of, max_of);
      create.map({best}, [](core::Inputs in) { return Value::boolean(in[0].as_int() >= 5); }, "record");
    });
  };
  s.workload = [](std::uint32_t device, std::uint32_t) {
    return std::vector<sim::Action>{sim::Action::create("open", Value::unit()),
                                    sim::Action::fire("score", Value::integer(device == 0 ? 4 : 7))};
  };
  s.defaults.devices = 2;
  return s;
}

}  // namespace frsim::scenarios
