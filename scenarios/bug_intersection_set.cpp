// Deliberately broken: the participants of a meeting kept as a set whose
// merge is intersection. Before anyone joins, a replica holds "no list yet"
// (unit), which the merge treats as neutral; from then on it keeps only the
// participants both sides agree on. Intersection is a join (of the order
// "fewer is higher"), so every lattice law holds and the replicas converge —
// but joining ADDS a participant, which goes down in that order: the merge
// throws it away. Two devices join concurrently: d0 holds [0], d1 holds [1],
// and both converge to []. On one computer both joined ([0, 1]), and so
// does every sequential schedule (after a join the others take over the
// joiner's list, DESIGN §10); where one device joined after seeing the
// other's join, the run still merges [0, 1] back to [0]. So no run computes
// what a sequential schedule does. A set that grows needs a join that
// grows it (union: a G-Set, or an OR-Set for removals).
//
// Smallest world that shows it: two devices, one join each, no faults.
// Expected verdict: sequential-spec.

#include "scenarios/registry.hpp"
#include "scenarios/scaffold.hpp"

namespace frsim::scenarios {

namespace {

using core::Value;

// Sorted lists of device numbers; unit is "no list yet".
Value intersect(const Value& a, const Value& b) {
  if (a.is_unit()) return b;
  if (b.is_unit()) return a;
  core::ValueList out;
  for (const auto& x : a.as_list()) {
    const auto other = b.as_list();
    if (std::find(other.begin(), other.end(), x) != other.end()) out.push_back(x);
  }
  return Value::list(std::move(out));
}

Value with(const Value& set, const Value& member) {
  core::ValueList out;
  if (!set.is_unit()) out.assign(set.as_list().begin(), set.as_list().end());
  if (std::find(out.begin(), out.end(), member) == out.end()) out.push_back(member);
  std::sort(out.begin(), out.end());
  return Value::list(std::move(out));
}

}  // namespace

sim::Scenario bug_intersection_set() {
  auto s = broken_scenario("bug-intersection-set",
                           "a set of participants whose merge is intersection: concurrent joins cancel each other", 2,
                           "sequential-spec");
  s.create = [](core::Runtime& rt, const sim::DeviceContext& ctx) {
    const Value me = Value::integer(ctx.device);
    const auto participants =
        create(rt, {.source = "join", .source_initial = Value::integer(0), .name = "participants",
                    .initial = Value::unit(), .step = [me](const Value& set, const Value&) { return with(set, me); },
                    .merge = intersect});
    rt.map({participants}, [](core::Inputs in) {
      return Value::integer(in[0].is_unit() ? 0 : static_cast<std::int64_t>(in[0].as_list().size()));
    }, "headcount");
  };
  s.workload = [](std::uint32_t, std::uint32_t) {
    return std::vector<sim::Action>{sim::Action::fire("join", Value::integer(1))};
  };
  return s;
}

}  // namespace frsim::scenarios
