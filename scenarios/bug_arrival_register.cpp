// Deliberately broken: a status register whose merge takes the remote value
// ("the last value to arrive wins"). It is idempotent and associative but
// not commutative: merge(a, b) = b, merge(b, a) = a. After d0 sets its
// status, d0 sends "busy" to d1 while d1 sends its "free" to d0; each takes
// the other's, both changed and send again, and so on: the healing phase
// never quiesces. Replication needs a merge that does not care in which
// order values meet (a LWW register orders writes by timestamp and replica,
// core/crdt/registers.hpp).
//
// Smallest world that shows it: two devices, one status change on d0.
// Expected verdict: convergence — the healing phase comes back to a state it
// was in a round earlier (a lasso; the message lists the cycle's
// transitions), which is Lemma 4.16's premise failing. With every property
// watching, lattice-laws sees it first, at the first merge of two different
// values (commutativity); `--properties convergence` shows the lasso.

#include "scenarios/registry.hpp"
#include "scenarios/scaffold.hpp"

namespace frsim::scenarios {

namespace {

using core::Value;

// The bug: the value that arrives wins, so merge(a, b) = b but merge(b, a) = a.
Value take_remote(const Value&, const Value& remote) { return remote; }

Value set_to(const Value&, const Value& v) { return v; }

}  // namespace

sim::Scenario bug_arrival_register() {
  auto s = broken_merge("bug-arrival-register",
                        "a register whose merge keeps the value that arrived last: replicas swap values forever",
                        {.source = "set", .source_initial = Value::string("free"), .name = "status",
                         .initial = Value::string("free"), .step = set_to, .merge = take_remote},
                        2, "convergence");
  s.workload = only_on(0, {sim::Action::fire("set", Value::string("busy"))});
  return s;
}

}  // namespace frsim::scenarios
