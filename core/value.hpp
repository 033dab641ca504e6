#pragma once
// The harness's value model (DESIGN §2). The FR calculus is untyped, so is this:
// unit, bool, int64, string, list, map, a reference to a reactive, a CRDT, or
// a Lo address.
//
// A Value is immutable and cheap to copy (16 bytes; scalars inline, everything
// else behind a non-atomic intrusive count). Every value has a total order,
// equality, a stable 64-bit hash (never from an address), a printed form and a
// byte encoding with round trip.

#include <cassert>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <ranges>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "core/bytes.hpp"
#include "core/hash.hpp"
#include "core/rc.hpp"

namespace frsim::sim::lo {
class System;
}

namespace frsim::core {

// Reactive ids are dense and assigned in creation order: the paper's
// "location(µ) = fresh location in µ, consistent between restarts" (Fig. 3).
using ReactiveId = std::uint32_t;

class Lattice;
class Value;
class Inputs;
using ValueList = std::vector<Value>;
using ValueMap = std::vector<std::pair<Value, Value>>;  // sorted by key, keys unique

// Kinds in the order of the total order across kinds.
enum class Kind : std::uint8_t { unit, boolean, integer, string, list, map, ref, named_ref, crdt, address };

// Seed 001: "addresses can only be created by defining a service". The key to
// Value::address is made only by the Lo substrate (sim/lo), which defines
// services, and by decoding (a copy of an address made before).
class ServiceKey {
 private:
  ServiceKey() = default;
  friend class Value;
  friend class frsim::sim::lo::System;
};
std::string_view to_string(Kind kind);

class Value {
 public:
  Value() = default;  // unit
  Value(const Value&) = default;
  Value(Value&&) noexcept = default;
  Value& operator=(Value&&) noexcept = default;
  // Inline, with no reference counting between two values without a heap
  // payload (scalars): a Map's inputs are copied this way on every
  // reevaluation.
  Value& operator=(const Value& other) {
    if (heap_ || other.heap_) heap_ = other.heap_;
    kind_ = other.kind_;
    scalar_ = other.scalar_;
    return *this;
  }
  // *this = scalar, for a value that holds no heap payload (a scalar, a ref,
  // an address): its kind and bits are copied in place, inline.
  [[gnu::always_inline]] void assign_scalar(const Value& scalar) {
    assert(!scalar.heap_);
    if (heap_) heap_ = Rc<const RcObject>();
    kind_ = scalar.kind_;
    scalar_ = scalar.scalar_;
  }
  static Value unit() { return Value(); }
  static Value boolean(bool b) {
    Value v;
    v.kind_ = Kind::boolean;
    v.scalar_.boolean_ = b;
    return v;
  }
  static Value integer(std::int64_t i) {
    Value v;
    v.kind_ = Kind::integer;
    v.scalar_.integer_ = i;
    return v;
  }
  static Value string(std::string s);
  static Value list(ValueList items);
  // A list of the values of `items` (an operator's Inputs, or any run of
  // values), built in the storage of a list this thread freed when one is
  // kept: a Map that builds a list on every reevaluation allocates nothing in
  // steady state (docs/DESIGN.md §3).
  static Value list_of(Inputs items);
  // Keys are sorted; for a repeated key the last pair wins.
  static Value map(ValueMap entries);
  // A reactive of this device's store (paper: values v include reactives r).
  static Value ref(ReactiveId id) {
    Value v;
    v.kind_ = Kind::ref;
    v.scalar_.ref_ = id;
    return v;
  }
  // A distributed reactive, by its global name: how a nested reactive travels
  // inside a distributed value to devices whose ids differ (paper §3.4).
  static Value named_ref(std::string name);
  static Value crdt(Rc<const Lattice> lattice);
  // A Lo address (seed 001): a value like any other, stored, copied, sent in
  // messages and used as a return address; never modified.
  static Value address(ServiceKey, std::uint32_t device, std::uint32_t service) {
    Value v;
    v.kind_ = Kind::address;
    v.scalar_.integer_ = static_cast<std::int64_t>(std::uint64_t{device} << 32 | service);
    return v;
  }

  Kind kind() const { return kind_; }
  bool is_unit() const { return kind_ == Kind::unit; }
  bool is_crdt() const { return kind_ == Kind::crdt; }
  bool is_ref() const { return kind_ == Kind::ref || kind_ == Kind::named_ref; }

  // Accessors throw TypeError (a finding, not a crash) on the wrong kind.
  // The scalar ones are inline: operators call them on every reevaluation.
  bool as_bool() const {
    if (kind_ != Kind::boolean) throw_wrong_kind(Kind::boolean);
    return scalar_.boolean_;
  }
  std::int64_t as_int() const {
    if (kind_ != Kind::integer) throw_wrong_kind(Kind::integer);
    return scalar_.integer_;
  }
  const std::string& as_string() const;
  std::span<const Value> as_list() const;
  const ValueMap& as_map() const;
  ReactiveId as_ref() const {
    if (kind_ != Kind::ref) throw_wrong_kind(Kind::ref);
    return scalar_.ref_;
  }
  const std::string& as_named_ref() const;
  // (device, service) of an address.
  std::pair<std::uint32_t, std::uint32_t> as_address() const {
    if (kind_ != Kind::address) throw_wrong_kind(Kind::address);
    const auto packed = static_cast<std::uint64_t>(scalar_.integer_);
    return {static_cast<std::uint32_t>(packed >> 32), static_cast<std::uint32_t>(packed)};
  }
  const Lattice& as_crdt() const;
  Rc<const Lattice> crdt_ptr() const;

  // Map lookup without the invalid operation: nullptr when absent.
  const Value* find(const Value& key) const;

  // An integer's hash inline: the values a search hashes at every
  // transition (stores, messages, what was last sent) are mostly integers.
  std::uint64_t hash() const {
    if (kind_ == Kind::integer) {
      return hash_combine(static_cast<std::uint64_t>(Kind::integer) + 1, static_cast<std::uint64_t>(scalar_.integer_));
    }
    return hash_other();
  }
  std::string to_string() const;

  void encode(Encoder& out) const;
  std::vector<std::uint8_t> encode() const;
  static Value decode(Decoder& in);
  // Decodes exactly one value; trailing bytes are an error.
  static Value decode(std::span<const std::uint8_t> bytes);
  std::size_t encoded_size() const;
  // The byte order of a.encode() and b.encode() (not the order of <=>),
  // computed without writing them; lattices order their states by it.
  static std::strong_ordering encoded_order(const Value& a, const Value& b);

  // Integers, the commonest elements of sets and lists, compare inline (a
  // lattice's merge compares every element).
  [[gnu::always_inline]] friend std::strong_ordering operator<=>(const Value& a, const Value& b) {
    if (a.kind_ == Kind::integer && b.kind_ == Kind::integer) return a.scalar_.integer_ <=> b.scalar_.integer_;
    return compare(a, b);
  }
  [[gnu::always_inline]] friend bool operator==(const Value& a, const Value& b) {
    if (a.kind_ != b.kind_) return false;
    if (a.kind_ == Kind::integer) return a.scalar_.integer_ == b.scalar_.integer_;
    return equal(a, b);
  }

  // The CRDT join of two lattice values of the same type (TypeError otherwise).
  static Value join(const Value& a, const Value& b);
  // a ⊑ b in their lattice (TypeError if either is not a CRDT of the same type).
  static bool leq(const Value& a, const Value& b);

  struct Node;  // heap payload of string, list, map, named_ref

 private:
  [[noreturn]] void throw_wrong_kind(Kind expected) const;  // TypeError naming both kinds
  static std::strong_ordering compare(const Value& a, const Value& b);
  static bool equal(const Value& a, const Value& b);  // same kind
  std::uint64_t hash_other() const;  // hash() of every kind (out of line)

  union Scalar {
    bool boolean_;
    std::int64_t integer_;
    ReactiveId ref_;
  };
  Kind kind_ = Kind::unit;
  Scalar scalar_{.integer_ = 0};
  Rc<const RcObject> heap_;  // Node or Lattice

 public:
  // A value as a trivially copyable record that owns its reference to a heap
  // object, if any: a log of many values (the runtime's undo log) is emptied
  // without a pass over it when none of them holds an object. A Raw's
  // reference is given back exactly once, by from_raw or drop_raw.
  struct Raw {
    Kind kind;
    std::uint32_t tag;  // not part of the value: free for the holder (the undo log's reactive)
    Scalar scalar;
    const RcObject* heap;
  };
  // The value as a Raw, written field by field into `out` (a log's own
  // entry: no wide copy of a record just built; its tag is left as it is);
  // this becomes unit (nothing released, nothing acquired).
  void into_raw(Raw& out) noexcept {
    out.kind = kind_;
    out.scalar = scalar_;
    out.heap = heap_.leak();
    kind_ = Kind::unit;
    scalar_.integer_ = 0;
  }
  // The value again, taking over the Raw's reference.
  static Value from_raw(const Raw& raw) noexcept {
    Value v;
    v.kind_ = raw.kind;
    v.scalar_ = raw.scalar;
    v.heap_ = Rc<const RcObject>::adopt(raw.heap);
    return v;
  }
  // A copy of the value; the Raw keeps its reference.
  static Value copy_of_raw(const Raw& raw) {
    Value v;
    v.kind_ = raw.kind;
    v.scalar_ = raw.scalar;
    if (raw.heap != nullptr) v.heap_ = Rc<const RcObject>(raw.heap);
    return v;
  }
  // One more reference for a copy of the Raw (a copied log).
  static void share_raw(const Raw& raw) noexcept {
    if (raw.heap != nullptr) (void)Rc<const RcObject>(raw.heap).leak();
  }
  // Gives the Raw's reference back (the value is gone).
  static void drop_raw(const Raw& raw) noexcept {
    if (raw.heap != nullptr) (void)Rc<const RcObject>::adopt(raw.heap);
  }
};
static_assert(std::is_trivially_copyable_v<Value::Raw> && sizeof(Value::Raw) == sizeof(Value));

std::ostream& operator<<(std::ostream& out, const Value& v);

// The values a Map's operator reads, µ(r_i).val for its inputs r_1 .. r_n in
// order, where the store holds them: the runtime passes the store and the
// input ids, and nothing is copied (a fair engine reads its inputs in place,
// DESIGN §3). Also a plain run of values (a span or a vector), which is what
// the checker and tests apply an operator to. A view: valid while the
// operator runs, never to be kept.
class Inputs {
 public:
  class iterator {
   public:
    using iterator_category = std::random_access_iterator_tag;
    using iterator_concept = std::random_access_iterator_tag;
    using value_type = Value;
    using difference_type = std::ptrdiff_t;
    using pointer = const Value*;
    using reference = const Value&;

    iterator() = default;
    iterator(const Value* values, const ReactiveId* ids, difference_type k) : values_(values), ids_(ids), k_(k) {}
    reference operator*() const { return ids_ == nullptr ? values_[k_] : values_[ids_[k_]]; }
    pointer operator->() const { return &**this; }
    reference operator[](difference_type n) const { return *(*this + n); }
    iterator& operator++() { ++k_; return *this; }
    iterator operator++(int) { iterator old = *this; ++k_; return old; }
    iterator& operator--() { --k_; return *this; }
    iterator operator--(int) { iterator old = *this; --k_; return old; }
    iterator& operator+=(difference_type n) { k_ += n; return *this; }
    iterator& operator-=(difference_type n) { k_ -= n; return *this; }
    friend iterator operator+(iterator it, difference_type n) { return it += n; }
    friend iterator operator+(difference_type n, iterator it) { return it += n; }
    friend iterator operator-(iterator it, difference_type n) { return it -= n; }
    friend difference_type operator-(const iterator& a, const iterator& b) { return a.k_ - b.k_; }
    friend bool operator==(const iterator& a, const iterator& b) { return a.k_ == b.k_; }
    friend auto operator<=>(const iterator& a, const iterator& b) { return a.k_ <=> b.k_; }

   private:
    const Value* values_ = nullptr;
    const ReactiveId* ids_ = nullptr;
    difference_type k_ = 0;
  };
  using value_type = Value;
  using size_type = std::size_t;
  using const_iterator = iterator;

  Inputs() = default;
  // A run of values side by side: a span, a vector, an array.
  template <class Run>
    requires(!std::is_same_v<std::remove_cvref_t<Run>, Inputs> && std::ranges::contiguous_range<const Run&> &&
             std::ranges::sized_range<const Run&> &&
             std::is_same_v<std::ranges::range_value_t<const Run&>, Value>)
  Inputs(const Run& values) : values_(std::ranges::data(values)), count_(std::ranges::size(values)) {}  // NOLINT
  // values[ids[0]], .., values[ids[count - 1]]: a store and the input ids.
  Inputs(const Value* values, const ReactiveId* ids, std::size_t count) : values_(values), ids_(ids), count_(count) {}

  std::size_t size() const { return count_; }
  bool empty() const { return count_ == 0; }
  const Value& operator[](std::size_t k) const { return ids_ == nullptr ? values_[k] : values_[ids_[k]]; }
  const Value& front() const { return (*this)[0]; }
  const Value& back() const { return (*this)[count_ - 1]; }
  iterator begin() const { return iterator(values_, ids_, 0); }
  iterator end() const { return iterator(values_, ids_, static_cast<std::ptrdiff_t>(count_)); }
  // Whether the values lie side by side (then span() is them).
  bool contiguous() const { return ids_ == nullptr; }
  std::span<const Value> span() const { return contiguous() ? std::span<const Value>(values_, count_) : std::span<const Value>(); }
  std::vector<Value> to_vector() const { return std::vector<Value>(begin(), end()); }

 private:
  const Value* values_ = nullptr;
  const ReactiveId* ids_ = nullptr;
  std::size_t count_ = 0;
};

// Checked operations for operators, one per row of Lo's table of invalid
// operations (seed 001, Table 1). Each throws InvalidOperation; propagation
// aborts the action and rolls the store back to its state before the action.
namespace checked {
std::int64_t divide(std::int64_t dividend, std::int64_t divisor);  // zero divisor
const Value& array_fetch(const Value& list, std::int64_t index);   // index > terminal index
Value array_store(const Value& list, std::int64_t index, Value v);  // index > terminal index + 1
const Value& map_fetch(const Value& map, const Value& key);        // nonexistent key
}  // namespace checked

}  // namespace frsim::core
