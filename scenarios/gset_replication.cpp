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
// Where frsim's world differs, and what it does to state counts:
//   1. A message carries its sender: two equal sets in flight to j from
//      different replicas are two messages (two deliveries, two states),
//      where the reference model has one value with multiplicity. No effect
//      for N = 2 (a replica's messages come from the other one only).
//   2. No inbox capacity: the reference model blocks a send into an inbox
//      holding C = 2 messages; frsim's network holds whatever was sent. The
//      send rule still bounds it: a replica's set only grows, so at most
//      N + 1 values (one per size of the set, the empty one included) go
//      from one replica to another, plus duplicates.
//   3. The first send: the reference model starts with ls[i][j] = s[i] = 0,
//      so nothing is sent before the first add; frsim's world has sent
//      nothing yet, so each replica may send its empty set once to each peer.
//   4. A duplicate is a second copy in flight, delivered (or dropped) later;
//      the reference model delivers the duplicate at once and keeps the
//      original in flight.
//   5. No CHECK transition: a quiescent state has nothing enabled, ends its
//      schedule and is judged; the reference model counts CHECK as a
//      self-loop edge. Drops and duplicates pick one of the distinct
//      (destination, sender, set) messages, not of the distinct sets.
// For N = 2 the reference model has 50 states and 83 edges (D = K = 0), 140
// and 322 (K = 1), 79 and 156 (D = 1), 241 and 662 (D = K = 1); frsim's world
// has 236 states and 628 transitions, 1072 and 3584, 481 and 1574, 2169 and
// 9114 — exactly what an independent explorer of the reference model with
// differences 1–5 counts (tests/explore/gset_model_test.cpp checks both).
// Most of the growth is 2 and 3: without an inbox bound every order in which
// a replica's successive sets arrive is a state. N = 3 grows the same way
// (bench/results/latest.md has what a minute of search reaches).

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
  s.defaults.devices = 3;
  s.defaults.drops = 1;
  s.defaults.dups = 1;
  return s;
}

}  // namespace frsim::scenarios
