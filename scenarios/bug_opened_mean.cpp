// Deliberately broken: a shared "estimate" that each device opens at run time
// (a workload action runs the creation procedure "open": creation after the
// creation prefix, Fig. 6, as todomvc creates its tasks), a distributed
// Source merged by the rounded-down mean, M(a, b) = floor((a + b) / 2). It is
// commutative and idempotent, but neither associative (M(M(0, 2), 4) = 2,
// M(0, M(2, 4)) = 1) nor inflationary (M(4, M(4, 0)) = 3): not a join
// (paper §4.8, Fig. 9).
//
// What it tests: M(r) of a reactive the creation code does not make is
// checked like any other (the lattice-laws property takes it from the
// device's own graph). bug-non-associative-merge breaks the same law in a
// reactive of the creation code.
//
// Smallest world that shows it: two devices; each opens, then d0 writes 4
// and d1 writes 0. Expected verdict: lattice-laws.

#include "scenarios/registry.hpp"
#include "scenarios/scaffold.hpp"

namespace frsim::scenarios {

namespace {

using core::Value;

// The bug: a mean is no join.
Value mean_merge(const Value& a, const Value& b) {
  const std::int64_t s = a.as_int() + b.as_int();
  return Value::integer(s >= 0 ? s / 2 : (s - 1) / 2);
}

}  // namespace

sim::Scenario bug_opened_mean() {
  auto s = broken_scenario("bug-opened-mean",
                           "an estimate created at run time by each device, merged by the rounded-down mean", 2,
                           "lattice-laws");
  s.create = [](core::Runtime& rt, const sim::DeviceContext&) {
    rt.define_creation("open", [](core::Creation& create, const Value&) {
      create.distributed_source("estimate", Value::integer(0), mean_merge);
    });
  };
  s.workload = [](std::uint32_t device, std::uint32_t) {
    return std::vector<sim::Action>{sim::Action::create("open", Value::unit()),
                                    sim::Action::fire("estimate", Value::integer(device == 0 ? 4 : 0))};
  };
  return s;
}

}  // namespace frsim::scenarios
