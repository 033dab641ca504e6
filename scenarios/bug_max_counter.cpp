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

namespace frsim::scenarios {

sim::Scenario bug_max_counter() {
  using core::Value;
  sim::Scenario s;
  s.name = "bug-max-counter";
  s.description = "a counter whose merge is max and whose click is max + 1: concurrent clicks are lost";
  s.create = [](core::Runtime& rt, const sim::DeviceContext&) {
    const auto click = rt.source(Value::integer(0), "click");
    const auto count = rt.distributed_fold(
        "count", click, Value::integer(0), [](const Value& n, const Value&) { return Value::integer(n.as_int() + 1); },
        [](const Value& a, const Value& b) { return Value::integer(std::max(a.as_int(), b.as_int())); });
    rt.map({count}, [](std::span<const Value> in) { return Value::boolean(in[0].as_int() >= 2); }, "both_clicked");
  };
  s.workload = [](std::uint32_t, std::uint32_t) { return std::vector<sim::Action>{sim::Action::fire("click", Value::integer(1))}; };
  s.defaults.devices = 2;
  s.expected_violation = "sequential-spec";
  return s;
}

}  // namespace frsim::scenarios
