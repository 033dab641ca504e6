// G-Set replication under anti-entropy with message drops and duplicates: the
// model that classic explicit-state checkers are measured on (a SPIN model of
// N replicas, tests/explore/gset_model.hpp states its semantics exactly), so
// that frsim's exhaustive search can be compared with them state for state
// where the worlds agree, and throughput side by side (bench/explore_bench.cpp).
//
// The reference model, and where this scenario has it:
//   N replicas, ids 0..N-1            --devices N (default 3)
//   s[i]: a set of elements 0..N-1,   the distributed fold "set": an integer
//     a bitmask; merge = union          bitmask whose merge is bitwise or (a
//                                       G-Set; core/crdt's G-Set would do the
//                                       same with more bytes per value)
//   LOCAL(i): replica i adds          workload: device i fires "add" once with
//     element i once                    1 << i; the fold ors it into "set"
//   SEND(i,j): the whole set, when    rule (send) of the world: a device sends
//     it changed since the last         a distributed reactive's value to a
//     send to j                         peer when it changed since the last
//                                       send to that peer (mesh topology)
//   DELIVER(j,v): merge, one action   deliver: rule (receive), merge then a
//     per distinct value in flight      propagation; one per distinct message
//   DROP, drop budget D               --drops D
//   DUP, duplicate budget K           --dups K
//   CHECK at quiescence: after the    every schedule ends with the healing
//     healing exchange every replica    phase (reliable delivery, every
//     holds the union of all adds       replica sends to every other) and the
//                                       convergence and sequential-spec
//                                       properties judge the healed state
//
// Where frsim's world models messages differently by default, and how this
// scenario's world follows the reference model instead (each within what
// Fig. 9 allows; WorldConfig documents the switches):
//   1. A message carries its sender by default: equal sets in flight to j
//      from two replicas are two messages. Fig. 9's S holds pairs (r, v)
//      only, as the reference model does: anonymous_messages.
//   2. No inbox capacity by default; the reference model blocks a send into
//      an inbox holding C = 2 messages (a send that waits, nothing lost):
//      inbox_capacity = 2.
//   3. The first send: by default nothing has been sent yet, so each replica
//      may send its empty set once to each peer; the reference model starts
//      with ls[i][j] = s[i] = 0, the initial set every replica has:
//      initial_values_known.
//   4. A duplicate is a second copy in flight by default; the reference model
//      delivers the duplicate at once and keeps the original in flight:
//      duplicates = delivered.
//   5. CHECK: the reference model counts a self-loop edge at each quiescent
//      state; frsim's world has no transition there (the schedule ends, is
//      healed and judged). The one difference left: frsim's transitions are
//      the reference's edges minus its quiescent states.
// With 1-4 the state spaces are the same, state for state: for N = 2, 50
// states with no faults, 140 (K = 1), 79 (D = 1), 241 (D = K = 1); N = 3 is
// compared within 7 steps (tests/explore/gset_model_test.cpp compares frsim
// with an independent explorer of the model, switch by switch; frsim's
// default world on this scenario had 236, 1072, 481 and 2169 states for N = 2).

#include <bit>
#include <cstddef>
#include <cstdint>
#include <span>

#include "scenarios/registry.hpp"

namespace frsim::scenarios {

sim::Scenario gset_replication() {
  sim::Scenario s;
  s.name = "gset-replication";
  s.description = "the reference model of checker benchmarks: N replicas of a G-Set, anti-entropy, drops, duplicates";
  s.create = [](core::Runtime& rt, const sim::DeviceContext&) {
    using core::Value;
    auto join = [](const Value& a, const Value& b) { return Value::integer(a.as_int() | b.as_int()); };
    const auto add = rt.source(Value::integer(0), "add");
    rt.distributed_fold("set", add, Value::integer(0), join, join);
  };
  s.workload = [](std::uint32_t device, std::uint32_t) {
    const auto element = static_cast<std::int64_t>(std::uint64_t{1} << device);
    return std::vector<sim::Action>{sim::Action::fire("add", core::Value::integer(element))};
  };
  // Element i is device i's: a permutation of devices permutes the bits of
  // every set (and of what "add" was told), so replicas are interchangeable
  // under symmetry reduction.
  s.rename_devices = [](const core::Value& v, std::span<const std::uint32_t> to_new) {
    if (v.kind() != core::Kind::integer) return v;
    std::uint64_t out = 0;
    for (auto bits = static_cast<std::uint64_t>(v.as_int()); bits != 0; bits &= bits - 1) {
      const auto d = static_cast<std::size_t>(std::countr_zero(bits));
      out |= std::uint64_t{1} << (d < to_new.size() ? to_new[d] : d);
    }
    return core::Value::integer(static_cast<std::int64_t>(out));
  };
  s.defaults.devices = 3;
  s.defaults.drops = 1;
  s.defaults.dups = 1;
  s.defaults.anonymous_messages = true;
  s.defaults.inbox_capacity = 2;
  s.defaults.initial_values_known = true;
  s.defaults.duplicates = sim::Duplicates::delivered;
  return s;
}

}  // namespace frsim::scenarios
