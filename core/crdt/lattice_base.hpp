#pragma once
// What every lattice of core/crdt/ shares: the core::Lattice plumbing, once.
//
// A lattice type X derives from LatticeBase<X> and provides
//   static constexpr std::string_view type_name_v;  // never renamed once released
//   static Rc<const X> empty();                      // bottom
//   Rc<const X> merge(const X& other) const;         // join
//   bool below(const X& other) const;                // this ⊑ other
//   std::string to_string() const; void encode(Encoder&) const;
//   static Rc<const X> decode(Decoder&);
//   void encoded_order(const X& other, EncodingOrder&) const;
// The total order (`compare`) is the byte order of the canonical payload
// encodings (every state has exactly one), which encoded_order computes token
// by token without writing them: it stops at the first difference. The hash
// is the FNV-1a hash of the payload encoding (hash.hpp), computed once per
// state and cached. Trace files record event hashes built from these hashes,
// so they cannot change; that is also why a derived state's hash is not
// combined incrementally from its parent's: FNV-1a over bytes admits no such
// combination, and any hash that did would differ from the recorded ones.

#include <algorithm>
#include <cassert>
#include <compare>
#include <cstdint>
#include <string>
#include <string_view>
#include <typeinfo>
#include <vector>

#include "core/error.hpp"
#include "core/hash.hpp"
#include "core/lattice.hpp"
#include "core/value.hpp"

namespace frsim::core::crdt {

template <class Derived>
class LatticeBase : public Lattice {
 public:
  std::string_view type_name() const final { return Derived::type_name_v; }
  Rc<const Lattice> join(const Lattice& other) const final {
    const Derived& same = same_type(other);
    if (&same == this) return derived().self();  // idempotence: a ⊔ a = a
    return derived().merge(same);
  }
  bool leq(const Lattice& other) const final { return derived().below(same_type(other)); }
  std::strong_ordering compare(const Lattice& other) const final {
    const Derived& same = same_type(other);
    if (&same == this) return std::strong_ordering::equal;
    EncodingOrder order;
    derived().encoded_order(same, order);
    return order.result();
  }
  std::uint64_t hash() const final {
    if (!hashed_) {
      thread_local Encoder scratch;  // encode() never hashes: no nesting
      scratch.clear();
      this->encode(scratch);
      const auto& bytes = scratch.bytes();
      hash_ = hash_bytes(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
      hashed_ = true;
    }
    return hash_;
  }
  Rc<const Lattice> bottom() const final { return Derived::empty(); }

  // The whole value's encoding as it travels in a message (type name included).
  std::size_t encoded_bytes() const { return as_value().encoded_size(); }

  Value as_value() const { return Value::crdt(Rc<const Lattice>(this)); }
  // Lattices live on the heap (make_rc), never on the stack: merge and the
  // mutators may return either operand itself.
  Rc<const Derived> self() const { return Rc<const Derived>(&derived()); }

 private:
  const Derived& derived() const { return static_cast<const Derived&>(*this); }
  static const Derived& same_type(const Lattice& other) {
    // Every lattice type is final: the same dynamic type or a mismatch.
    if (typeid(other) == typeid(Derived)) return static_cast<const Derived&>(other);
    std::string message = "lattice type mismatch: ";
    message += Derived::type_name_v;
    message += " and ";
    message += other.type_name();
    throw TypeError(message);
  }

  mutable std::uint64_t hash_ = 0;
  mutable bool hashed_ = false;
};

// The lattice of type T inside a Value; TypeError on any other value.
template <class T>
const T& as(const Value& value) {
  const Lattice& lattice = value.as_crdt();
  const auto* typed = dynamic_cast<const T*>(&lattice);
  if (typed == nullptr) {
    std::string message = "type error: expected a ";
    message += T::type_name_v;
    message += ", got ";
    message += value.to_string();
    throw TypeError(message);
  }
  return *typed;
}

// A Value holding the lattice (the form the reactive store keeps).
template <class T>
Value to_value(const Rc<const T>& lattice) {
  return Value::crdt(Rc<const Lattice>(lattice));
}

// Decoding helper: keys of a sorted container must be strictly ascending.
template <class Key>
void expect_ascending(const Key* previous, const Key& next, std::string_view what) {
  if (previous != nullptr && !(*previous < next)) {
    std::string message = "corrupt ";
    message += what;
    message += ": keys not strictly ascending";
    throw DecodeError(message);
  }
}

// Joins printed items as "a, b, c".
template <class Range, class Print>
std::string join_printed(const Range& items, Print print) {
  std::string out;
  bool first = true;
  for (const auto& item : items) {
    if (!first) out += ", ";
    first = false;
    out += print(item);
  }
  return out;
}

}  // namespace frsim::core::crdt
