#pragma once
// Every lattice's mutators, as traits the typed CRDT tests instantiate: the
// law suite (laws_test.cpp) and the encoding tests (encoding_test.cpp).

#include <gtest/gtest.h>

#include <string>

#include "tests/crdt/histories.hpp"

namespace frsim::core::crdt::testing {

template <class T>
struct Mutation {
  Rc<const T> full;
  Rc<const T> delta;  // null when the mutator has no delta form
};

inline Value element(int arg) { return Value::integer(arg % 5); }

// ---- one trait per lattice: its mutators -------------------------------------

struct GCounterTraits {
  using Type = GCounter;
  static constexpr int op_count = 1;
  static Mutation<Type> mutate(const Type& s, ReplicaId r, int, int arg) {
    const auto by = static_cast<std::uint64_t>(arg % 3 + 1);
    return {s.increment(r, by), s.increment_delta(r, by)};
  }
};

struct PnCounterTraits {
  using Type = PnCounter;
  static constexpr int op_count = 2;
  static Mutation<Type> mutate(const Type& s, ReplicaId r, int op, int arg) {
    const auto by = static_cast<std::uint64_t>(arg % 3 + 1);
    if (op == 0) return {s.increment(r, by), s.increment_delta(r, by)};
    return {s.decrement(r, by), s.decrement_delta(r, by)};
  }
};

struct MaxIntTraits {
  using Type = MaxInt;
  static constexpr int op_count = 2;
  static Mutation<Type> mutate(const Type& s, ReplicaId, int op, int arg) {
    if (op == 0) return {s.raise_to(arg - 4), {}};
    return {s.increment(), {}};
  }
};

struct LwwRegisterTraits {
  using Type = LwwRegister;
  static constexpr int op_count = 2;
  static Mutation<Type> mutate(const Type& s, ReplicaId r, int op, int arg) {
    if (op == 0) return {s.assign(r, element(arg)), {}};
    return {s.assign_at(Timestamp{static_cast<std::uint64_t>(arg % 4), r}, element(arg)), {}};
  }
};

struct MvRegisterTraits {
  using Type = MvRegister;
  static constexpr int op_count = 1;
  static Mutation<Type> mutate(const Type& s, ReplicaId r, int, int arg) {
    return {s.assign(r, element(arg)), s.assign_delta(r, element(arg))};
  }
};

struct IvarTraits {
  using Type = Ivar;
  static constexpr int op_count = 1;
  static Mutation<Type> mutate(const Type& s, ReplicaId, int, int arg) {
    return {s.bind(Value::integer(arg % 3)), {}};
  }
};

struct EwFlagTraits {
  using Type = EwFlag;
  static constexpr int op_count = 2;
  static Mutation<Type> mutate(const Type& s, ReplicaId r, int op, int) {
    if (op == 0) return {s.enable(r), s.enable_delta(r)};
    return {s.disable(), s.disable_delta()};
  }
};

struct GSetTraits {
  using Type = GSet;
  static constexpr int op_count = 1;
  static Mutation<Type> mutate(const Type& s, ReplicaId, int, int arg) {
    return {s.add(element(arg)), s.add_delta(element(arg))};
  }
};

struct TwoPSetTraits {
  using Type = TwoPSet;
  static constexpr int op_count = 2;
  static Mutation<Type> mutate(const Type& s, ReplicaId, int op, int arg) {
    if (op == 0) return {s.add(element(arg)), s.add_delta(element(arg))};
    return {s.remove(element(arg)), s.remove_delta(element(arg))};
  }
};

struct OrSetTraits {
  using Type = OrSet;
  static constexpr int op_count = 2;
  static Mutation<Type> mutate(const Type& s, ReplicaId r, int op, int arg) {
    if (op == 0) return {s.add(r, element(arg)), s.add_delta(r, element(arg))};
    return {s.remove(element(arg)), s.remove_delta(element(arg))};
  }
};

// Keys 0..2 hold G-Counters; a put sends the counter's delta as the update.
struct OrMapTraits {
  using Type = OrMap;
  static constexpr int op_count = 2;
  static Mutation<Type> mutate(const Type& s, ReplicaId r, int op, int arg) {
    const Value key = Value::integer(arg % 3);
    if (op == 1) return {s.remove(key), s.remove_delta(key)};
    const Value* current = s.get(key);
    const Rc<const GCounter> counter = current ? as<GCounter>(*current).self() : GCounter::empty();
    const Value update = to_value(counter->increment_delta(r));
    return {s.put(r, key, update), s.put_delta(r, key, update)};
  }
};

struct RgaTraits {
  using Type = Rga;
  static constexpr int op_count = 2;
  static Mutation<Type> mutate(const Type& s, ReplicaId r, int op, int arg) {
    const auto at = static_cast<std::size_t>(arg);
    if (op == 0) {
      const std::size_t index = at % (s.size() + 1);
      return {s.insert(r, index, element(arg)), s.insert_delta(r, index, element(arg))};
    }
    if (s.size() == 0) return {s.self(), Rga::empty()};
    return {s.remove(at % s.size()), s.remove_delta(at % s.size())};
  }
};

using AllLattices =
    ::testing::Types<GCounterTraits, PnCounterTraits, MaxIntTraits, LwwRegisterTraits,
                     MvRegisterTraits, IvarTraits, EwFlagTraits, GSetTraits, TwoPSetTraits,
                     OrSetTraits, OrMapTraits, RgaTraits>;

struct TraitsName {
  template <class Traits>
  static std::string GetName(int) {
    return std::string(Traits::Type::type_name_v);
  }
};
}  // namespace frsim::core::crdt::testing
