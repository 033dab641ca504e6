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

namespace frsim::scenarios {

sim::Scenario bug_arrival_register() {
  using core::Value;
  sim::Scenario s;
  s.name = "bug-arrival-register";
  s.description = "a register whose merge keeps the value that arrived last: replicas swap values forever";
  s.create = [](core::Runtime& rt, const sim::DeviceContext&) {
    const auto set = rt.source(Value::string("free"), "set");
    rt.distributed_fold(
        "status", set, Value::string("free"), [](const Value&, const Value& v) { return v; },
        [](const Value&, const Value& remote) { return remote; });
  };
  s.workload = [](std::uint32_t device, std::uint32_t) {
    if (device != 0) return std::vector<sim::Action>{};
    return std::vector<sim::Action>{sim::Action::fire("set", Value::string("busy"))};
  };
  s.defaults.devices = 2;
  s.expected_violation = "convergence";
  return s;
}

}  // namespace frsim::scenarios
