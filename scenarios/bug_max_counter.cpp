// Deliberately broken: a click counter whose merge is `max` and whose click
// is `max + 1`. Max is a join (commutative, associative, idempotent), the
// replicas converge, and every lattice law holds — yet concurrent clicks are
// lost. Two devices click once each without having seen the other's click:
// both go from 0 to 1, and every replica converges to 1. Any sequential
// schedule of the same two clicks (one, delivered everywhere, then the other)
// counts 2. The state of a replicated counter must remember who clicked (the
// G-Counter: one entry per replica, `counter` does it right), not only how far.
//
// Smallest world that shows it: two devices, one click each, no faults.
// Expected verdict: sequential-spec (the converged count 1 is no sequential
// schedule's count; the closest one gives 2). Convergence and lattice-laws
// hold: the bug is in what the program computes, not in how it replicates.

#include "scenarios/registry.hpp"
#include "scenarios/scaffold.hpp"

namespace frsim::scenarios {

namespace {

using core::Value;

// The bug: the merge keeps how far the count got, not who clicked.
Value max_merge(const Value& a, const Value& b) { return Value::integer(std::max(a.as_int(), b.as_int())); }

Value click(const Value& n, const Value&) { return Value::integer(n.as_int() + 1); }

}  // namespace

sim::Scenario bug_max_counter() {
  auto s = broken_scenario("bug-max-counter",
                           "a counter whose merge is max and whose click is max + 1: concurrent clicks are lost", 2,
                           "sequential-spec");
  s.create = [](core::Runtime& rt, const sim::DeviceContext&) {
    const auto count = create(rt, {.source = "click", .source_initial = Value::integer(0), .name = "count",
                                   .initial = Value::integer(0), .step = click, .merge = max_merge});
    rt.map({count}, [](core::Inputs in) { return Value::boolean(in[0].as_int() >= 2); }, "both_clicked");
  };
  s.workload = [](std::uint32_t, std::uint32_t) {
    return std::vector<sim::Action>{sim::Action::fire("click", Value::integer(1))};
  };
  return s;
}

}  // namespace frsim::scenarios
