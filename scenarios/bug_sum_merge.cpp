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
#include "scenarios/scaffold.hpp"

namespace frsim::scenarios {

namespace {

using core::Value;

// The bug: addition is not idempotent. Modulo 2^64, so that the ever-growing
// sums stay defined.
Value sum_merge(const Value& a, const Value& b) {
  return Value::integer(
      static_cast<std::int64_t>(static_cast<std::uint64_t>(a.as_int()) + static_cast<std::uint64_t>(b.as_int())));
}

Value click(const Value& n, const Value&) { return Value::integer(n.as_int() + 1); }

}  // namespace

sim::Scenario bug_sum_merge() {
  auto s = broken_merge("bug-sum-merge", "a counter whose merge is a plain sum: every echo of a value counts it again",
                        {.source = "click", .source_initial = Value::integer(0), .name = "clicks",
                         .initial = Value::integer(0), .step = click, .merge = sum_merge},
                        2, "lattice-laws");
  s.workload = only_on(0, {sim::Action::fire("click", Value::integer(1))});
  return s;
}

}  // namespace frsim::scenarios
