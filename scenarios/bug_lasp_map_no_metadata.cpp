// Deliberately broken (seed 000, "What is Lasp?"): "every time A changes we
// will repopulate B with the new value of the transformation applied to A",
// and "we replicate this computation on every node in the cluster". Issue 4
// names this the bug reported against Lasp's own map: the output set is built
// without the input's causal metadata.
//
//   val edit = Source(unit)
//   val A    = edit.Fold(ORSet("A")){a => e => apply(a, e)}   // distributed, add-wins
//   val B    = A.Fold(GSet("B")){b => a => GSet(f(a))}         // distributed, merged by join
//
// B repopulates itself from A, as the seed says, but it is a plain G-Set that
// is itself replicated and merged by join. A G-Set has no way to say "removed":
// when a device's A loses 3 (f(3) = 0), its B drops 0, yet the next B from a
// replica that still had 0 joins it right back, and nothing ever takes it out
// again. The replicas usually agree — on a B that holds the stale 0 — so
// convergence rarely sees it; the seed's claim does: B must be f applied to
// the converged A, as one device computes it from the join of all updates.
// The correct program is lasp-map: B = map(f, A) keeps A's dots, so removals
// propagate.
//
// f(x) = x mod 3. Workload: d0 adds 3 and 1, then removes 3 (its image 0 must
// vanish); d1 adds 2; d2 adds 4. Converged A = {1, 2, 4}, f(A) = {1, 2}.
// Expected verdict: sequential-spec on B.

#include <fmt/format.h>

#include "core/crdt/sets.hpp"
#include "core/crdt/rename.hpp"
#include "scenarios/registry.hpp"
#include "scenarios/scaffold.hpp"
#include "scenarios/set_edits.hpp"

namespace frsim::scenarios {

namespace {

using core::Value;
using core::crdt::GSet;
using core::crdt::OrSet;

using set_edits::edit;
using set_edits::f;

// The bug: the images only, none of A's dots.
Value repopulate(const Value& /*b*/, const Value& a) {
  core::ValueList images;
  for (const Value& x : core::crdt::as<OrSet>(a).elements()) images.push_back(Value::integer(f(x.as_int())));
  return core::crdt::to_value(core::make_rc<const GSet>(std::move(images)));
}

}  // namespace

sim::Scenario bug_lasp_map_no_metadata() {
  auto s = broken_scenario("bug-lasp-map-no-metadata",
                           "seed 000's map repopulating a replicated G-Set: no causal metadata, "
                           "removals do not propagate",
                           3, "sequential-spec");
  s.create = [](core::Runtime& rt, const sim::DeviceContext& ctx) {
    const auto a = set_edits::replicated_a(rt, ctx.device, "bug-lasp-map-no-metadata");
    rt.distributed_fold("B", a, core::crdt::to_value(GSet::empty()), repopulate);
  };
  s.workload = [](std::uint32_t device, std::uint32_t) {
    auto fire = [](std::string_view op, std::int64_t x) { return sim::Action::fire("edit", edit(op, x)); };
    switch (device % 3) {
      case 0: return std::vector<sim::Action>{fire("add", 3), fire("add", 1), fire("remove", 3)};
      case 1: return std::vector<sim::Action>{fire("add", 2)};
      default: return std::vector<sim::Action>{fire("add", 4)};
    }
  };
  // The replica id is the device number.
  s.rename_devices = core::crdt::rename_replicas;
  return s;
}

}  // namespace frsim::scenarios
