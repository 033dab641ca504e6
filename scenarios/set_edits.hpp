#pragma once
// The user gesture shared by lasp-map and bug-lasp-map-no-metadata: both run
// seed 000's program (set A replicated on every node, B = map(f, A)) and differ
// only in how B is derived, so they share A, its edits and f exactly.

#include <cstdint>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "core/crdt/sets.hpp"
#include "core/runtime.hpp"
#include "core/value.hpp"

namespace frsim::scenarios::set_edits {

// A user's edit of A: ["add", x] or ["remove", x].
inline core::Value edit(std::string_view op, std::int64_t x) {
  return core::Value::list({core::Value::string(std::string(op)), core::Value::integer(x)});
}

// The fold of A over the edits (an OR-Set: add wins over a concurrent remove).
// `scenario` names the scenario in the error for an unknown edit.
inline core::Value apply(const core::Value& state, const core::Value& e, core::crdt::ReplicaId replica,
                         std::string_view scenario) {
  const auto& a = core::crdt::as<core::crdt::OrSet>(state);
  const std::string& op = core::checked::array_fetch(e, 0).as_string();
  const core::Value& x = core::checked::array_fetch(e, 1);
  if (op == "add") return core::crdt::to_value(a.add(replica, x));
  if (op == "remove") return core::crdt::to_value(a.remove(x));
  throw core::Error(fmt::format("{}: unknown edit '{}' (known: add, remove)", scenario, op));
}

// A = edit.Fold(ORSet("A")){a => e => apply(a, e)}: the Source "edit" folded
// into the distributed reactive "A" on every device.
inline core::ReactiveId replicated_a(core::Runtime& rt, core::crdt::ReplicaId replica, std::string scenario) {
  const auto edits = rt.source(core::Value::unit(), "edit");
  return rt.distributed_fold("A", edits, core::crdt::to_value(core::crdt::OrSet::empty()),
                             [replica, scenario](const core::Value& state, const core::Value& e) {
                               return apply(state, e, replica, scenario);
                             });
}

// f of B = map(f, A): x mod 3, non-negative for negative x too. Not injective,
// which is what broke Lasp's own map.
inline std::int64_t f(std::int64_t x) {
  constexpr std::int64_t modulus = 3;
  return ((x % modulus) + modulus) % modulus;
}

}  // namespace frsim::scenarios::set_edits
