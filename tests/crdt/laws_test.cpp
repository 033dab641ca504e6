// The lattice laws, written once and instantiated for every lattice (one
// typed test per law; RapidCheck generates the histories and shrinks them).

#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <string>

#include "core/error.hpp"
#include "tests/crdt/traits.hpp"

namespace frsim::core::crdt::testing {
namespace {

// ---- the laws ---------------------------------------------------------------

template <class Traits>
class LatticeLaws : public ::testing::Test {};

TYPED_TEST_SUITE(LatticeLaws, AllLattices, TraitsName);

template <class Traits>
States<typename Traits::Type> concurrent_states() {
  return replay<Traits>(*gen_history<Traits>());
}

template <class T>
bool same(const Rc<const T>& a, const Rc<const T>& b) {
  return to_value(a) == to_value(b);
}

template <class T>
bool leq(const Rc<const T>& a, const Rc<const T>& b) {
  return Value::leq(to_value(a), to_value(b));
}

TYPED_TEST(LatticeLaws, JoinIsAssociative) {
  EXPECT_TRUE(rc::check([] {
    const auto [a, b, c] = concurrent_states<TypeParam>();
    RC_ASSERT(same(a->merge(*b)->merge(*c), a->merge(*b->merge(*c))));
  }));
}

TYPED_TEST(LatticeLaws, JoinIsCommutative) {
  EXPECT_TRUE(rc::check([] {
    const auto [a, b, c] = concurrent_states<TypeParam>();
    RC_ASSERT(same(a->merge(*b), b->merge(*a)));
    RC_ASSERT(same(a->merge(*c), c->merge(*a)));
  }));
}

TYPED_TEST(LatticeLaws, JoinIsIdempotent) {
  EXPECT_TRUE(rc::check([] {
    const auto [a, b, c] = concurrent_states<TypeParam>();
    RC_ASSERT(same(a->merge(*a), a));
    const auto ab = a->merge(*b);
    RC_ASSERT(same(ab->merge(*b), ab));
  }));
}

TYPED_TEST(LatticeLaws, BottomIsTheIdentityOfJoin) {
  using T = typename TypeParam::Type;
  EXPECT_TRUE(rc::check([] {
    const auto [a, b, c] = concurrent_states<TypeParam>();
    const Rc<const T> bottom = T::empty();
    RC_ASSERT(same(bottom->merge(*a), a));
    RC_ASSERT(leq(bottom, a));
    const Value bottom_of_a = Value::crdt(a->bottom());
    RC_ASSERT(bottom_of_a == to_value(bottom));
  }));
}

TYPED_TEST(LatticeLaws, OrderIsReflexiveAntisymmetricAndTransitive) {
  EXPECT_TRUE(rc::check([] {
    const auto [a, b, c] = concurrent_states<TypeParam>();
    RC_ASSERT(leq(a, a));
    const bool antisymmetric = !(leq(a, b) && leq(b, a)) || same(a, b);
    RC_ASSERT(antisymmetric);
    const bool transitive = !(leq(a, b) && leq(b, c)) || leq(a, c);
    RC_ASSERT(transitive);
    // A chain a ⊑ a⊔b ⊑ a⊔b⊔c exercises transitivity where it applies.
    const auto ab = a->merge(*b);
    const auto abc = ab->merge(*c);
    RC_ASSERT(leq(a, ab));
    RC_ASSERT(leq(ab, abc));
    RC_ASSERT(leq(a, abc));
  }));
}

TYPED_TEST(LatticeLaws, OrderIsJoinEqualsTheGreater) {
  EXPECT_TRUE(rc::check([] {
    const auto [a, b, c] = concurrent_states<TypeParam>();
    RC_ASSERT(leq(a, b) == same(a->merge(*b), b));
    RC_ASSERT(leq(b, a) == same(b->merge(*a), a));
    const auto bc = b->merge(*c);
    RC_ASSERT(leq(a, bc) == same(a->merge(*bc), bc));
  }));
}

TYPED_TEST(LatticeLaws, EveryMutatorInflates) {
  EXPECT_TRUE(rc::check([] {
    const auto [a, b, c] = concurrent_states<TypeParam>();
    const int op = *rc::gen::inRange(0, TypeParam::op_count);
    const int arg = *rc::gen::inRange(0, 8);
    const auto replica = *rc::gen::inRange<ReplicaId>(0, replica_count);
    const auto mutation = TypeParam::mutate(*a, replica, op, arg);
    RC_ASSERT(leq(a, mutation.full));
    if (mutation.delta) RC_ASSERT(leq(mutation.delta, mutation.full));
  }));
}

TYPED_TEST(LatticeLaws, DeltaMergeEqualsFullMerge) {
  const auto probe = TypeParam::mutate(*TypeParam::Type::empty(), 0, 0, 0);
  if (!probe.delta) GTEST_SKIP() << TypeParam::Type::type_name_v << " has no delta mutators";
  EXPECT_TRUE(rc::check([] {
    const auto [a, b, c] = concurrent_states<TypeParam>();
    const int op = *rc::gen::inRange(0, TypeParam::op_count);
    const int arg = *rc::gen::inRange(0, 8);
    const auto replica = *rc::gen::inRange<ReplicaId>(0, replica_count);
    const auto mutation = TypeParam::mutate(*a, replica, op, arg);
    RC_ASSERT(static_cast<bool>(mutation.delta));
    // Locally, and at a replica b that had received a before the update.
    RC_ASSERT(same(a->merge(*mutation.delta), mutation.full));
    const auto b_seen_a = b->merge(*a);
    RC_ASSERT(same(b_seen_a->merge(*mutation.delta), b_seen_a->merge(*mutation.full)));
    // The delta is smaller on the wire than the state it updates, once the state is not tiny.
    if (a->encoded_bytes() > 64) RC_ASSERT(mutation.delta->encoded_bytes() < mutation.full->encoded_bytes());
  }));
}

TYPED_TEST(LatticeLaws, DecodeOfEncodeIsIdentity) {
  EXPECT_TRUE(rc::check([] {
    const auto [a, b, c] = concurrent_states<TypeParam>();
    const Value v = to_value(a->merge(*b));
    const Value back = Value::decode(v.encode());
    RC_ASSERT(back == v);
    RC_ASSERT(back.to_string() == v.to_string());
    RC_ASSERT(back.encode() == v.encode());
  }));
}

TYPED_TEST(LatticeLaws, TruncatedEncodingIsADecodeError) {
  EXPECT_TRUE(rc::check([] {
    const auto [a, b, c] = concurrent_states<TypeParam>();
    const auto bytes = to_value(a).encode();
    const auto cut = *rc::gen::inRange<std::size_t>(0, bytes.size());
    const std::vector<std::uint8_t> prefix(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(cut));
    RC_ASSERT_THROWS_AS(Value::decode(prefix), DecodeError);
  }));
}

TYPED_TEST(LatticeLaws, EqualValuesHashEqual) {
  EXPECT_TRUE(rc::check([] {
    const auto [a, b, c] = concurrent_states<TypeParam>();
    const Value ab = to_value(a->merge(*b));
    const Value ba = to_value(b->merge(*a));
    RC_ASSERT(ab == ba);
    RC_ASSERT(ab.hash() == ba.hash());
    const Value decoded = Value::decode(to_value(a).encode());
    RC_ASSERT(decoded.hash() == to_value(a).hash());
    const bool ordered_apart = (to_value(a) <=> to_value(b)) != 0;
    RC_ASSERT(ordered_apart == !(to_value(a) == to_value(b)));
  }));
}

TYPED_TEST(LatticeLaws, ReplicasConvergeWhateverTheMergeOrder) {
  EXPECT_TRUE(rc::check([] {
    const auto [a, b, c] = concurrent_states<TypeParam>();
    const auto left = a->merge(*b)->merge(*c);
    const auto right = c->merge(*a)->merge(*b);
    RC_ASSERT(same(left, right));
  }));
}

}  // namespace
}  // namespace frsim::core::crdt::testing
