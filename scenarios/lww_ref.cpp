// Paper §3.4, "Sending nested reactives": a distributed value that holds a
// reactive which is not distributed. A shared last-writer-wins register
// "reg" (written by hand as [lamport, replica, value], the highest
// (lamport, replica) wins) points at a reactive; "shown" flattens it. Each
// device has a local source "s" that only it can change. d0's user points
// the register at its own s, then sets s to 42.
//
// Without promotion, the register travels as [1, 0, ref(r1)] and r1 on d1
// is d1's own s: d0 shows 42 and d1 shows 0 forever, though the register
// agrees everywhere by value. With promotion (core/wire.hpp), d0's s becomes
// the distributed reactive "d0/r1" when the register is first sent, its
// value travels with the register, d1 creates a replica of it and "reg"
// refers to the replica there: every device shows 42 after healing. Later
// changes of s on d0 reach the replicas on their own (last writer wins by
// d0's logical time).
//
// The register starts at a reference to "none", a distributed reactive every
// device has, so that "shown" always has a reactive to read and the devices
// agree on it before anyone points the register elsewhere.
// Workload: d0 fires point, then s = 42; the other devices only replicate.
// Expected verdict: every property holds (convergence compares references by
// global name; the engine mutant-no-promotion makes it fail). The checker's
// showcase of that mutant, showcase-ref, is this program with no faults.

#include "scenarios/registry.hpp"
#include "scenarios/scaffold.hpp"

namespace frsim::scenarios {

namespace {

using core::Value;

std::int64_t at(const Value& reg, std::int64_t i) { return core::checked::array_fetch(reg, i).as_int(); }

// Last writer wins by (lamport, replica): two writes never tie, so this is
// a join of the writes' order.
Value last_writer_wins(const Value& local, const Value& remote) {
  const auto stamp = [](const Value& reg) { return std::pair{at(reg, 0), at(reg, 1)}; };
  return stamp(remote) > stamp(local) ? remote : local;
}

}  // namespace

sim::Scenario lww_ref() {
  sim::Scenario s;
  s.name = "lww-ref";
  s.description = "a distributed LWW register holding a reference to a device's local source (§3.4 promotion)";
  s.create = [](core::Runtime& rt, const sim::DeviceContext& ctx) {
    // Its merge: the larger (none is never changed; a plain integer has no
    // join of its own, and a receive with none would abort).
    const auto none = rt.distributed_source(
        "none", Value::integer(0), [](const Value& a, const Value& b) { return a.as_int() >= b.as_int() ? a : b; });
    const auto mine = rt.source(Value::integer(0), "s");
    const auto point = rt.source(Value::unit(), "point");
    const auto replica = static_cast<std::int64_t>(ctx.device);
    const auto reg = rt.distributed_fold(
        "reg", point, Value::list({Value::integer(0), Value::integer(-1), Value::ref(none)}),
        [mine, replica](const Value& state, const Value&) {
          return Value::list({Value::integer(at(state, 0) + 1), Value::integer(replica), Value::ref(mine)});
        },
        last_writer_wins);
    const auto target =
        rt.map({reg}, [](core::Inputs in) { return core::checked::array_fetch(in[0], 2); }, "target");
    rt.flatten(target, "shown");
  };
  s.workload = only_on(0, {sim::Action::fire("point", Value::unit()), sim::Action::fire("s", Value::integer(42))});
  s.defaults.devices = 2;
  s.defaults.drops = 1;
  s.defaults.dups = 1;
  s.defaults.crashes = 1;
  return s;
}

}  // namespace frsim::scenarios
