// Lasp's promise (seed 000): every schedule computes what the sequential
// specification computes. Three replicas edit two OR-Sets with random adds and
// removes and merge in a random order; after all merges each replica's derived
// sets equal the same functions applied, as plain sets, to the converged input.

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <array>
#include <functional>
#include <set>
#include <tuple>
#include <vector>

#include "core/crdt/sets.hpp"
#include "core/error.hpp"
#include "core/lasp/combinators.hpp"

namespace frsim::core::lasp {
namespace {

using crdt::as;
using crdt::to_value;

Value i(std::int64_t n) { return Value::integer(n); }

// Non-injective and order-reversing: the functions Lasp's own map got wrong.
Value mod2(const Value& x) { return i(x.as_int() % 2); }
Value negate(const Value& x) { return i(-x.as_int()); }
bool even(const Value& x) { return x.as_int() % 2 == 0; }
std::int64_t identity_weight(const Value& x) { return x.as_int(); }

using Plain = std::set<Value>;

Plain plain(const OrSet& s) {
  const ValueList elements = s.elements();
  return Plain(elements.begin(), elements.end());
}

ValueList listed(const Plain& s) { return ValueList(s.begin(), s.end()); }

Plain plain_map(const Plain& s, Value (*f)(const Value&)) {
  Plain out;
  for (const Value& x : s) out.insert(f(x));
  return out;
}

struct Replica {
  Rc<const OrSet> a = OrSet::empty();
  Rc<const OrSet> b = OrSet::empty();
};

// (replica, action, element, peer): action 0/1 add/remove in A, 2/3 in B,
// 4 merges the peer's A and B into the replica.
using Op = std::tuple<int, int, int, int>;

void perform(std::array<Replica, 3>& replicas, const Op& op) {
  const auto [at, action, element, peer] = op;
  Replica& r = replicas[static_cast<std::size_t>(at)];
  const auto replica = static_cast<crdt::ReplicaId>(at);
  switch (action) {
    case 0: r.a = r.a->add(replica, i(element)); break;
    case 1: r.a = r.a->remove(i(element)); break;
    case 2: r.b = r.b->add(replica, i(element)); break;
    case 3: r.b = r.b->remove(i(element)); break;
    default: {
      const Replica& from = replicas[static_cast<std::size_t>(peer)];
      r.a = r.a->merge(*from.a);
      r.b = r.b->merge(*from.b);
    }
  }
}

rc::Gen<std::vector<Op>> gen_ops() {
  return rc::gen::resize(
      60, rc::gen::container<std::vector<Op>>(rc::gen::tuple(
              rc::gen::inRange(0, 3), rc::gen::inRange(0, 5), rc::gen::inRange(-4, 5),
              rc::gen::inRange(0, 3))));
}

// All-to-all merges in a generated order, until every replica has everything.
void converge(std::array<Replica, 3>& replicas) {
  const auto order = *rc::gen::container<std::vector<std::pair<int, int>>>(
      rc::gen::pair(rc::gen::inRange(0, 3), rc::gen::inRange(0, 3)));
  for (const auto& [to, from] : order) perform(replicas, Op{to, 4, 0, from});
  for (int round = 0; round < 2; ++round) {
    for (int to = 0; to < 3; ++to) {
      for (int from = 0; from < 3; ++from) perform(replicas, Op{to, 4, 0, from});
    }
  }
}

RC_GTEST_PROP(LaspCombinators, EveryReplicaComputesTheFunctionOfTheConvergedInput, ()) {
  std::array<Replica, 3> replicas;
  for (const Op& op : *gen_ops()) perform(replicas, op);
  converge(replicas);

  const Plain a = plain(*replicas[0].a);
  const Plain b = plain(*replicas[0].b);
  Plain both, either;
  for (const Value& x : a) (b.contains(x) ? both : either).insert(x);
  for (const Value& y : b) either.insert(y);
  Plain pairs;
  for (const Value& x : a) {
    for (const Value& y : b) pairs.insert(Value::list({x, y}));
  }
  Plain evens;
  std::int64_t sum = 0;
  for (const Value& x : a) {
    if (even(x)) evens.insert(x);
    sum += x.as_int();
  }

  for (const Replica& r : replicas) {
    RC_ASSERT(plain(*r.a) == a);
    RC_ASSERT(plain(*r.b) == b);
    RC_ASSERT(map(*r.a, mod2)->elements() == listed(plain_map(a, mod2)));
    RC_ASSERT(map(*r.a, negate)->elements() == listed(plain_map(a, negate)));
    RC_ASSERT(filter(*r.a, even)->elements() == listed(evens));
    RC_ASSERT(union_of(*r.a, *r.b)->elements() == listed(either));
    RC_ASSERT(intersection(*r.a, *r.b)->elements() == listed(both));
    RC_ASSERT(product(*r.a, *r.b)->elements() == listed(pairs));
    RC_ASSERT(fold(*r.a, identity_weight) == sum);
  }
}

// Lasp replicates derived sets too. Here every replica's derived set, taken at
// any moment of the run and merged with all the others, still equals the
// function of the converged input: map and filter are join homomorphisms.
RC_GTEST_PROP(LaspCombinators, MergedDerivedReplicasEqualTheFunctionOfTheConvergedInput, ()) {
  std::array<Replica, 3> replicas;
  auto mapped_mod2 = OrSet::empty();
  auto mapped_negate = OrSet::empty();
  auto filtered = OrSet::empty();
  for (const Op& op : *gen_ops()) {
    perform(replicas, op);
    const OrSet& a = *replicas[static_cast<std::size_t>(std::get<0>(op))].a;
    mapped_mod2 = mapped_mod2->merge(*map(a, mod2));
    mapped_negate = mapped_negate->merge(*map(a, negate));
    filtered = filtered->merge(*filter(a, even));
  }
  converge(replicas);
  const OrSet& converged = *replicas[0].a;
  RC_ASSERT(to_value(mapped_mod2) == to_value(map(converged, mod2)));
  RC_ASSERT(to_value(mapped_negate) == to_value(map(converged, negate)));
  RC_ASSERT(to_value(filtered) == to_value(filter(converged, even)));
}

TEST(LaspCombinators, RemovalsPropagateThroughANonInjectiveMap) {
  auto a = OrSet::empty()->add(0, i(1))->add(1, i(3));
  EXPECT_EQ(map(*a, mod2)->elements(), (ValueList{i(1)}));
  a = a->remove(i(1));
  EXPECT_EQ(map(*a, mod2)->elements(), (ValueList{i(1)}));  // 3 still maps to 1
  a = a->remove(i(3));
  EXPECT_TRUE(map(*a, mod2)->elements().empty());
}

TEST(LaspCombinators, AConcurrentReAddSurvivesInTheDerivedSet) {
  const auto base = OrSet::empty()->add(0, i(2));
  const auto removed_here = base->remove(i(2));
  const auto added_there = base->add(1, i(2));
  const auto derived = map(*removed_here, negate)->merge(*map(*added_there, negate));
  EXPECT_EQ(derived->elements(), (ValueList{i(-2)}));
}

TEST(LaspCombinators, ProductPairsCarryTheDotsOfBothSides) {
  const auto a = OrSet::empty()->add(0, i(1));
  const auto b = OrSet::empty()->add(1, Value::string("x"));
  const auto p = product(*a, *b);
  ASSERT_EQ(p->elements(), (ValueList{Value::list({i(1), Value::string("x")})}));
  EXPECT_EQ(p->entries().begin()->second, (crdt::DotSet{{0, 1}, {1, 1}}));
}

TEST(LaspCombinators, OperatorsWorkOnReactiveValues) {
  const Value a = to_value(OrSet::empty()->add(0, i(1))->add(0, i(2)));
  const Value b = to_value(OrSet::empty()->add(1, i(2)));
  const std::array<Value, 1> one{a};
  const std::array<Value, 2> two{a, b};
  EXPECT_EQ(as<OrSet>(map_operator(negate)(one)).elements(), (ValueList{i(-2), i(-1)}));
  EXPECT_EQ(as<OrSet>(filter_operator(even)(one)).elements(), (ValueList{i(2)}));
  EXPECT_EQ(as<OrSet>(union_operator()(two)).elements(), (ValueList{i(1), i(2)}));
  EXPECT_EQ(as<OrSet>(intersection_operator()(two)).elements(), (ValueList{i(2)}));
  EXPECT_EQ(as<OrSet>(product_operator()(two)).size(), 2u);
  EXPECT_EQ(fold_operator(identity_weight)(one), i(3));
  EXPECT_THROW(map_operator(negate)(two), TypeError);
  const std::array<Value, 1> not_a_set{i(5)};
  EXPECT_THROW(map_operator(negate)(not_a_set), TypeError);
}

}  // namespace
}  // namespace frsim::core::lasp
