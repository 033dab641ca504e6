// Seed 000 ("What is Lasp?"): "both A and B are sets, and every time A changes
// we will repopulate B with the new value of the transformation applied to
// A", then "we replicate this computation on every node in the cluster",
// with "a background anti-entropy protocol" between the replicas. Lasp's
// claim: every schedule is "reducible, or equivalent, to the original
// sequential specification".
//
//   val edit = Source(unit)                                  // a user's add/remove
//   val A    = edit.Fold(ORSet("A")){a => e => apply(a, e)}  // replicated on every node
//   val B    = A.Map{a => lasp.map(f, a)}                     // f(x) = x mod 3
//
// A is an add-wins OR-Set, a distributed fold named "A" (the world's sends
// and deliveries are the anti-entropy). B is Lasp's map (core/lasp), a Map
// reactive recomputed from A on every device; it keeps A's causal metadata,
// so removals propagate. f is not injective on purpose: x mod 3 sends 1, 4
// and 7 to 1, the case that breaks a map that forgets which inputs produced
// an output (see the bug-lasp-map-no-metadata scenario).
//
// Workload: d0 adds 1 and 4 (both map to 1) and removes 1; d1 adds 7 (also
// 1) and 2, d2 adds 5 and removes 4 — concurrent adds and removes of elements
// with the same image. Default budgets: one drop, one duplicate, one crash.
// Expected verdict: every property holds; sequential-spec is the seed's claim
// (B on every device equals f applied to the converged A).

#include <fmt/format.h>

#include "core/crdt/sets.hpp"
#include "core/lasp/combinators.hpp"
#include "core/crdt/rename.hpp"
#include "scenarios/registry.hpp"
#include "scenarios/set_edits.hpp"

namespace frsim::scenarios {

namespace {

using core::Value;

using set_edits::edit;
using set_edits::f;

}  // namespace

sim::Scenario lasp_map() {
  sim::Scenario s;
  s.name = "lasp-map";
  s.description = "seed 000: OR-Set A replicated on every node, B = map(x mod 3, A) with causal metadata";
  s.create = [](core::Runtime& rt, const sim::DeviceContext& ctx) {
    const auto a = set_edits::replicated_a(rt, ctx.device, "lasp-map");
    rt.map({a}, core::lasp::map_operator([](const Value& x) { return Value::integer(f(x.as_int())); }),
           "B");
  };
  s.workload = [](std::uint32_t device, std::uint32_t) {
    auto fire = [](std::string_view op, std::int64_t x) { return sim::Action::fire("edit", edit(op, x)); };
    switch (device % 3) {
      case 0: return std::vector<sim::Action>{fire("add", 1), fire("add", 4), fire("remove", 1)};
      case 1: return std::vector<sim::Action>{fire("add", 7), fire("add", 2)};
      default: return std::vector<sim::Action>{fire("add", 5), fire("remove", 4)};
    }
  };
  // The replica id is the device number (the OR-Set's dots).
  s.rename_devices = core::crdt::rename_replicas;
  s.defaults.devices = 3;
  s.defaults.drops = 1;
  s.defaults.dups = 1;
  s.defaults.crashes = 1;
  return s;
}

}  // namespace frsim::scenarios
