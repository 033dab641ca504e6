// Deliberately broken: a click counter (a plain integer) whose merge adds the
// two sides. Addition commutes and associates, but it is not idempotent:
// merge(1, 1) = 2. Replication delivers a value at least once, not exactly
// once (paper §3.4), and anti-entropy sends a replica's value back to where
// it came from; every such echo adds it again. After one click on d0 the
// healing phase never quiesces: 1 + 0, then 1 + 1, 2 + 1, … — the counts
// only grow. A counter that merges by addition must count per replica (the
// G-Counter's entries, merged by max).
//
// Smallest world that shows it: two devices, one click on d0.
// Expected verdict: lattice-laws (idempotence of M(r), at the first merge of
// two equal non-zero values); convergence alone reports the healing phase
// running out of its budget.

#include "scenarios/registry.hpp"

namespace frsim::scenarios {

sim::Scenario bug_sum_merge() {
  using core::Value;
  sim::Scenario s;
  s.name = "bug-sum-merge";
  s.description = "a counter whose merge is a plain sum: every echo of a value counts it again";
  s.create = [](core::Runtime& rt, const sim::DeviceContext&) {
    const auto click = rt.source(Value::integer(0), "click");
    rt.distributed_fold(
        "clicks", click, Value::integer(0), [](const Value& n, const Value&) { return Value::integer(n.as_int() + 1); },
        [](const Value& a, const Value& b) {
          // Modulo 2^64, so that the ever-growing sums stay defined.
          return Value::integer(static_cast<std::int64_t>(static_cast<std::uint64_t>(a.as_int()) +
                                                          static_cast<std::uint64_t>(b.as_int())));
        });
  };
  s.workload = [](std::uint32_t device, std::uint32_t) {
    if (device != 0) return std::vector<sim::Action>{};
    return std::vector<sim::Action>{sim::Action::fire("click", Value::integer(1))};
  };
  s.defaults.devices = 2;
  s.expected_violation = "lattice-laws";
  return s;
}

}  // namespace frsim::scenarios
