#pragma once
// How a permutation of replica ids acts on the library's lattices, for
// symmetry reduction (issue 14, sim/explore/reduction.hpp): a program whose
// replica id is its device number (`increment(ctx.device)`) keeps device
// numbers inside its values (a G-Counter's entries, the dots of an OR-Set,
// a causal context), so a permutation of devices must rename them there too
// before two states can be recognised as images of each other.
//
// A renaming is offered only where it commutes with every operation of the
// type: rename(merge(a, b)) = merge(rename(a), rename(b)), and an update by
// replica r renames to the same update by replica to_new[r]. That holds for
// the types that only test replica ids for equality (counters keyed by
// replica, dots, causal contexts, version-vector registers). It fails for the
// types that ORDER replica ids: a Lamport timestamp (lamport, replica) breaks
// ties by replica id (LWW-Register, every RGA node), so under a permutation
// that swaps two replicas the tie goes the other way and the renamed state no
// longer behaves like the state it came from. Those are renamed only when they
// hold no id at all (bottom), and are otherwise not renamable.

#include <cstdint>
#include <functional>
#include <optional>
#include <span>

#include "core/crdt/dot.hpp"
#include "core/value.hpp"

namespace frsim::core::crdt {

// `value` with every replica id r inside a library lattice renamed to_new[r]
// (ids past the end of `to_new` unchanged), through lists, maps, set elements,
// map keys and nested lattices. `to_new` must be a permutation. nullopt when
// some part of the value orders replica ids (a non-bottom LWW-Register or
// RGA), or is a lattice type this function does not know.
std::optional<Value> rename_replicas(const Value& value, std::span<const ReplicaId> to_new);

// The library lattice `lattice` rebuilt with every Value it holds (set
// elements, map keys and values, register contents, RGA elements) replaced by
// held(value), replica ids and timestamps as they were; `held` recurses if it
// wants to. The wire makes the references inside a CRDT state global with it
// (core/wire.cpp). nullopt for a lattice type this function does not know.
std::optional<Value> with_held_values(const Value& lattice, const std::function<Value(const Value&)>& held);

}  // namespace frsim::core::crdt
