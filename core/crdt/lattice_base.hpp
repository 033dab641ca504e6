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
// The total order (`compare`) and the hash are those of the canonical byte
// encoding, computed once and cached: every state has exactly one encoding.

#include <algorithm>
#include <cassert>
#include <compare>
#include <cstdint>
#include <string>
#include <string_view>
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
    return derived().merge(same_type(other));
  }
  bool leq(const Lattice& other) const final { return derived().below(same_type(other)); }
  std::strong_ordering compare(const Lattice& other) const final {
    const std::vector<std::uint8_t>& x = encoding();
    const std::vector<std::uint8_t>& y = same_type(other).encoding();
    return std::lexicographical_compare_three_way(x.begin(), x.end(), y.begin(), y.end());
  }
  std::uint64_t hash() const final {
    encoding();
    return hash_;
  }
  Rc<const Lattice> bottom() const final { return Derived::empty(); }

  // The payload encoding (without the type name Value::encode writes first).
  const std::vector<std::uint8_t>& encoding() const {
    if (!encoded_) {
      Encoder out;
      this->encode(out);
      encoding_ = out.take();
      hash_ = hash_bytes(std::string_view(reinterpret_cast<const char*>(encoding_.data()),
                                          encoding_.size()));
      encoded_ = true;
    }
    return encoding_;
  }
  // The whole value's encoding as it travels in a message (type name included).
  std::size_t encoded_bytes() const { return as_value().encoded_size(); }

  Value as_value() const { return Value::crdt(Rc<const Lattice>(this)); }
  // Lattices live on the heap (make_rc), never on the stack: merge and the
  // mutators may return either operand itself.
  Rc<const Derived> self() const { return Rc<const Derived>(&derived()); }

 private:
  const Derived& derived() const { return static_cast<const Derived&>(*this); }
  static const Derived& same_type(const Lattice& other) {
    const auto* same = dynamic_cast<const Derived*>(&other);
    if (same == nullptr) {
      std::string message = "lattice type mismatch: ";
      message += Derived::type_name_v;
      message += " and ";
      message += other.type_name();
      throw TypeError(message);
    }
    return *same;
  }

  mutable std::vector<std::uint8_t> encoding_;
  mutable std::uint64_t hash_ = 0;
  mutable bool encoded_ = false;
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
