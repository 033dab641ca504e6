// A shared shopping cart: the CRDT classic "OR-Map of item -> PN-Counter"
// (Shapiro et al. 2011 §3.3/§3.1; DESIGN §5), written as an FR program.
//
//   val gesture    = Source(unit)                       // what the user just did
//   val cart       = gesture.Fold(ORMap("cart")){c => g => apply(c, g)}
//   val quantities = cart.Map{c => item -> max(count, 0) for present items}
//   val total      = quantities.Map{q => sum of q}
//
// The cart is a distributed fold named "cart" (paper §2.3: a fold whose state
// is a CRDT is replicated and merged). A gesture is a map
// {"op": "add"|"remove", "item": name, "n": how many}:
//   add     joins the item's counter incremented by this device (n > 0);
//   remove  observed-remove: subtracts exactly the quantity this device sees
//           and removes the key. An add concurrent with the remove survives
//           (add wins) with just the concurrently added quantity, because the
//           remove only subtracted what it had observed.
// Two concurrent removes of the same item each subtract what they saw, so
// the merged count can drop below zero; the quantities view clamps at zero
// (a known trait of counter-valued OR-Maps without reset, kept visible here).
//
// Workload (three devices, two gestures each): d0 and d1 add apples
// concurrently and d0 removes them — the concurrent add/remove of the same
// item; d1 and d2 add pears and d2 removes them. Under the default budgets a
// schedule may drop one message, duplicate one and crash one device (the cart
// is restored from the snapshot, paper §2.4, and sent again on reconnection).
// Expected verdict: every property holds.

#include <algorithm>

#include <fmt/format.h>

#include "core/crdt/counters.hpp"
#include "core/crdt/or_map.hpp"
#include "core/crdt/rename.hpp"
#include "scenarios/registry.hpp"

namespace frsim::scenarios {

namespace {

using core::Value;
using core::crdt::OrMap;
using core::crdt::PnCounter;

Value gesture(std::string_view op, std::string_view item, std::int64_t n) {
  return Value::map({{Value::string("item"), Value::string(std::string(item))},
                     {Value::string("n"), Value::integer(n)},
                     {Value::string("op"), Value::string(std::string(op))}});
}

// Lo's map element fetch: a gesture without the field is an invalid operation
// that aborts the action (DESIGN §3), never a crash.
const Value& field(const Value& g, std::string_view name) {
  return core::checked::map_fetch(g, Value::string(std::string(name)));
}

Value apply_gesture(const Value& state, const Value& g, core::crdt::ReplicaId replica) {
  const OrMap& cart = core::crdt::as<OrMap>(state);
  const std::string& op = field(g, "op").as_string();
  const Value& item = field(g, "item");
  const Value* current = cart.get(item);
  const auto counter = current != nullptr ? core::crdt::as<PnCounter>(*current).self() : PnCounter::empty();
  if (op == "add") {
    const std::int64_t n = field(g, "n").as_int();
    if (n <= 0) throw core::Error(fmt::format("cart: add needs a positive quantity, got {}", n));
    const auto added = counter->increment(replica, static_cast<std::uint64_t>(n));
    return core::crdt::to_value(cart.put(replica, item, core::crdt::to_value(added)));
  }
  if (op == "remove") {
    if (current == nullptr) return state;  // nothing observed, nothing to remove
    const std::int64_t seen = counter->count();
    const auto emptied = seen > 0 ? counter->decrement(replica, static_cast<std::uint64_t>(seen)) : counter;
    return core::crdt::to_value(cart.put(replica, item, core::crdt::to_value(emptied))->remove(item));
  }
  throw core::Error(fmt::format("cart: unknown gesture op '{}' (known: add, remove)", op));
}

Value quantities_of(const Value& state) {
  const OrMap& cart = core::crdt::as<OrMap>(state);
  core::ValueMap out;
  for (const Value& item : cart.keys()) {
    const std::int64_t count = core::crdt::as<PnCounter>(*cart.get(item)).count();
    out.emplace_back(item, Value::integer(std::max<std::int64_t>(count, 0)));
  }
  return Value::map(std::move(out));
}

Value total_of(const Value& quantities) {
  std::int64_t total = 0;
  for (const auto& [item, n] : quantities.as_map()) total += n.as_int();
  return Value::integer(total);
}

}  // namespace

sim::Scenario cart() {
  sim::Scenario s;
  s.name = "cart";
  s.description = "shopping cart as an OR-Map of item -> PN-Counter, concurrent add/remove of one item";
  s.create = [](core::Runtime& rt, const sim::DeviceContext& ctx) {
    const auto gestures = rt.source(Value::unit(), "gesture");
    const auto replica = ctx.device;
    const auto cart = rt.distributed_fold(
        "cart", gestures, core::crdt::to_value(OrMap::empty()),
        [replica](const Value& state, const Value& g) { return apply_gesture(state, g, replica); });
    const auto quantities =
        rt.map({cart}, [](core::Inputs in) { return quantities_of(in[0]); }, "quantities");
    rt.map({quantities}, [](core::Inputs in) { return total_of(in[0]); }, "total");
  };
  s.workload = [](std::uint32_t device, std::uint32_t) {
    switch (device % 3) {
      case 0: return std::vector<sim::Action>{sim::Action::fire("gesture", gesture("add", "apple", 2)),
                                              sim::Action::fire("gesture", gesture("remove", "apple", 0))};
      case 1: return std::vector<sim::Action>{sim::Action::fire("gesture", gesture("add", "apple", 1)),
                                              sim::Action::fire("gesture", gesture("add", "pear", 1))};
      default: return std::vector<sim::Action>{sim::Action::fire("gesture", gesture("add", "pear", 3)),
                                               sim::Action::fire("gesture", gesture("remove", "pear", 0))};
    }
  };
  // The replica id is the device number (the OR-Map's dots, the counters' entries).
  s.rename_devices = core::crdt::rename_replicas;
  s.defaults.devices = 3;
  s.defaults.drops = 1;
  s.defaults.dups = 1;
  s.defaults.crashes = 1;
  return s;
}

}  // namespace frsim::scenarios
