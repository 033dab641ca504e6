#pragma once
// What travels on the wire: rules (send) and (receive) of Fig. 9 with §3.4's
// "Sending nested reactives". core/README.md describes the format.
//
// A distributed reactive's value goes to devices whose reactive ids are not
// the sender's, so a reference inside it cannot travel as an id:
//   - a reference to a distributed reactive travels as its name;
//   - a reference to a reactive that is not distributed is promoted first
//     (§3.4: "d promotes r to a distributed reactive by providing an initial
//     value and a merge function"): it becomes a distributed reactive named
//     after its creator and location, promoted_name(device, r), whose merge
//     is last-writer-wins by the creator's logical timestamp — race free,
//     "because the original device is the only writer of r";
//   - the promoted reactive's current value travels with the reference, so
//     that the receiver can create its replica the first time it sees the
//     name ("to allow remote devices to initialize a replica of r"); from
//     then on it synchronises on its own, as every distributed reactive does.
// A receiver turns names back into references to its own reactives: a
// replica of a promoted reactive is a distributed source holding its
// replicated form (see replicated_value) and a Map reading the value out of
// it; references denote that Map.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/runtime.hpp"

namespace frsim::core {

// "d<device>/r<location>": unique (one creator per device, one location per
// reactive) and stable across restarts (locations are, Fig. 3).
std::string promoted_name(std::uint32_t device, ReactiveId r);
// (creator, location) if `name` has that form.
std::optional<std::pair<std::uint32_t, ReactiveId>> parse_promoted_name(std::string_view name);
// Whether `name` is a reactive `device` promoted: it is the only writer, so
// a message for it (another device's replica echoing it) has nothing to add.
bool promoted_by(std::uint32_t device, std::string_view name);

// A promoted reactive as its replicas hold it and messages carry it:
// [#replica, name, stamp, value], stamp the creator's logical time (its
// commit count when it sent the value).
Value replicated_value(std::string_view name, std::uint64_t stamp, Value value);
bool is_replicated_value(const Value& v);

// Promotion of r, a created reactive of `device` that is not distributed:
// distributed under promoted_name(device, r), merged by keeping the local
// value (the creator is its only writer). serialise does it on the way.
void promote(Runtime& rt, std::uint32_t device, ReactiveId r);

// (send) on `device`: the value of its distributed reactive r as it travels.
// Promotes every reactive it references that is not distributed (the
// runtime's distributed reactives grow). With a Receiver that does not
// promote (checker's mutant-no-promotion), the stored value as it is.
Value serialise(Runtime& rt, std::uint32_t device, ReactiveId r);

// (receive) on `device`: a message's value for the distributed reactive
// `name`, as this device's store holds it (references by local id). Creates
// the replicas of promoted reactives it sees for the first time; never while
// a propagation runs (the names stay as they came).
Value deserialise(Runtime& rt, std::uint32_t device, std::string_view name, const Value& wire);

// Where a value compared across devices is held.
enum class Holder : std::uint8_t {
  distributed,  // a distributed reactive's value: it travels
  local,        // a local reactive's value (a Map of distributed ones, ...)
};
// `v` as devices can compare it: every reference to a distributed reactive
// (promoted ones and replicas included) by global name ([#ref, name]), and
// a replica's replicated value as its payload, the value its creator holds
// (without the name, which is the reactive's, and the stamp). A
// reference to a reactive that is not distributed is the device's own: in a
// distributed value (`holder` distributed) it is named by the name its
// promotion would give it, so it differs from every other device's (the
// engine promotes it when it sends the value); in a local value it is left
// as it is (the same location on every device). Equal on two devices iff
// their references denote the same reactives and the values agree: how the
// checker compares devices (convergence, sequential specification).
Value global_form(const Runtime& rt, std::uint32_t device, const Value& v, Holder holder);

// After a restart's creation code: the replicas of promoted reactives Σ
// holds, created again at their locations, in their order (Σ has each
// replica's source, which carries its name, from its creation on).
void restore_replicas(Runtime& rt);

// What a restart of `device` rebuilds after its creation code (Thm. 4.24,
// §3.4): Σ's creation records replayed (Runtime::replay_creations) and the
// replicas of promoted reactives, interleaved by location: each goes back
// at the id it had, and either may have come first, so each pass restores
// what belongs at the next location until neither can. Then the reactives
// the device promoted (Snapshot::promoted) are promoted again.
void restore_after_creation_code(Runtime& rt, std::uint32_t device);

}  // namespace frsim::core
