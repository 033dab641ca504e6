#pragma once
// What a CRDT is to the rest of frsim: a state-based join-semilattice stored in
// a Value (DESIGN §5, paper §2.3: "CRDTs are data types, whose state domain
// together with a merge operation defines a lattice").
//
// Implementations live in core/crdt/. Every implementation is immutable: join
// and the mutators return new lattices.

#include <compare>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "core/bytes.hpp"
#include "core/rc.hpp"
#include "core/value.hpp"

namespace frsim::core {

class Lattice : public RcObject {
 public:
  // Stable name of the lattice type ("gcounter", "orset", ...), written in
  // encodings before the payload, so it can never change once released.
  virtual std::string_view type_name() const = 0;

  // Least upper bound. Precondition: other.type_name() == type_name()
  // (Value::join checks it and reports a TypeError otherwise).
  virtual Rc<const Lattice> join(const Lattice& other) const = 0;
  // The lattice order: leq(a, b) iff join(a, b) == b.
  virtual bool leq(const Lattice& other) const = 0;
  // A total order over this type's states, consistent with equality (used to
  // order Values, not the lattice order). Precondition: same type.
  virtual std::strong_ordering compare(const Lattice& other) const = 0;
  virtual std::uint64_t hash() const = 0;
  virtual std::string to_string() const = 0;
  // The payload only; Value::encode writes type_name() first.
  virtual void encode(Encoder& out) const = 0;
  virtual Rc<const Lattice> bottom() const = 0;
  // Every Value the state holds (elements, keys, register contents), in any
  // order; nothing for a lattice of numbers. The wire reads it to find the
  // references it makes global (core/wire.cpp, crdt::with_held_values).
  virtual void for_each_value(const std::function<void(const Value&)>& f) const;
};

// Decodes the payload of a lattice whose type name has been read already.
// Throws DecodeError for an unknown type or corrupt payload. Defined by
// core/crdt/registry.cpp, which knows every lattice type.
Rc<const Lattice> decode_lattice(std::string_view type_name, Decoder& in);

}  // namespace frsim::core
