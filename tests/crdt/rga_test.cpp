// RGA: the list of the paper's TodoMVC (§5.2). Concurrent inserts at the same
// position order the same way everywhere; removes of concurrently inserted
// elements converge; deltas in any order give the states' join.

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>

#include "core/crdt/rga.hpp"
#include "core/error.hpp"

namespace frsim::core::crdt {
namespace {

Value s(const char* text) { return Value::string(text); }

TEST(Rga, InsertsAndRemovesByIndex) {
  auto list = Rga::empty()->insert(0, 0, s("b"))->insert(0, 0, s("a"))->insert(0, 2, s("c"));
  EXPECT_EQ(list->elements(), (ValueList{s("a"), s("b"), s("c")}));
  list = list->remove(1);
  EXPECT_EQ(list->elements(), (ValueList{s("a"), s("c")}));
  EXPECT_EQ(list->insert(0, 1, s("x"))->elements(), (ValueList{s("a"), s("x"), s("c")}));
  EXPECT_EQ(list->to_string(), "rga[\"a\", \"c\"]");
}

TEST(Rga, OutOfRangeIsAnInvalidOperation) {
  const auto list = Rga::empty()->insert(0, 0, s("a"));
  EXPECT_THROW(list->insert(0, 2, s("x")), InvalidOperation);
  EXPECT_THROW(list->remove(1), InvalidOperation);
  EXPECT_THROW(list->insert_after(0, Timestamp{9, 9}, s("x")), Error);
}

TEST(Rga, ConcurrentInsertsAtOnePositionOrderAlikeEverywhere) {
  const auto base = Rga::empty()->insert(0, 0, s("first"))->insert(0, 1, s("last"));
  // Three replicas insert between "first" and "last" at the same time.
  const auto r0 = base->insert(0, 1, s("zero"));
  const auto r1 = base->insert(1, 1, s("one"));
  const auto r2 = base->insert(2, 1, s("two"));
  const auto orders = {r0->merge(*r1)->merge(*r2), r2->merge(*r0)->merge(*r1),
                       r1->merge(*r2)->merge(*r0)};
  for (const auto& merged : orders) {
    // Same Lamport counter, so the replica id orders them, greatest first.
    EXPECT_EQ(merged->elements(),
              (ValueList{s("first"), s("two"), s("one"), s("zero"), s("last")}));
  }
}

TEST(Rga, RemovesOfConcurrentlyInsertedElementsConverge) {
  const auto base = Rga::empty()->insert(0, 0, s("a"));
  const auto r0 = base->insert(0, 1, s("x"));
  const auto r1 = base->insert(1, 1, s("y"));
  // Each replica sees both inserts, then removes a different one of them.
  const auto both = r0->merge(*r1);
  const auto r0_removes = both->remove(1);  // "y" (replica 1 sorts first)
  const auto r1_removes = both->remove(2);  // "x"
  const auto r2_inserts = r0->insert(2, 1, s("z"));  // after "a", never saw "y"
  const auto left = r0_removes->merge(*r1_removes)->merge(*r2_inserts);
  const auto right = r2_inserts->merge(*r1_removes)->merge(*r0_removes);
  EXPECT_EQ(to_value(left), to_value(right));
  EXPECT_EQ(left->elements(), (ValueList{s("a"), s("z")}));
}

TEST(Rga, AnInsertAfterARemovedElementStaysAnchored) {
  const auto base = Rga::empty()->insert(0, 0, s("a"))->insert(0, 1, s("b"));
  const auto removed = base->remove(0);                // replica 0 removes "a"
  const auto inserted = base->insert(1, 1, s("a2"));  // replica 1 inserts after "a"
  EXPECT_EQ(removed->merge(*inserted)->elements(), (ValueList{s("a2"), s("b")}));
}

// Three replicas edit the list; each update goes to the others as a delta,
// delivered in a random order (with repeats). Every replica must end with the
// join of all states.
RC_GTEST_PROP(Rga, DeltasInAnyOrderConvergeToTheJoin, ()) {
  const auto ops = *rc::gen::resize(
      30, rc::gen::container<std::vector<std::tuple<int, bool, int>>>(rc::gen::tuple(
              rc::gen::inRange(0, 3), rc::gen::arbitrary<bool>(), rc::gen::inRange(0, 10))));
  std::array<Rc<const Rga>, 3> replicas{Rga::empty(), Rga::empty(), Rga::empty()};
  std::vector<Rc<const Rga>> deltas;
  for (const auto& [replica, insert, arg] : ops) {
    auto& state = replicas[static_cast<std::size_t>(replica)];
    const auto at = static_cast<std::size_t>(arg);
    Rc<const Rga> delta;
    if (insert || state->size() == 0) {
      delta = state->insert_delta(static_cast<ReplicaId>(replica), at % (state->size() + 1),
                                  Value::integer(arg));
    } else {
      delta = state->remove_delta(at % state->size());
    }
    state = state->merge(*delta);
    deltas.push_back(delta);
  }
  Rc<const Rga> full = replicas[0]->merge(*replicas[1])->merge(*replicas[2]);
  for (auto& state : replicas) {
    const auto picks = *rc::gen::container<std::vector<std::size_t>>(
        deltas.size(), rc::gen::inRange<std::size_t>(0, std::max<std::size_t>(deltas.size(), 1)));
    for (std::size_t pick : picks) {
      if (!deltas.empty()) state = state->merge(*deltas[pick]);  // random order, repeats
    }
    for (const auto& delta : deltas) state = state->merge(*delta);  // then reliably all
    RC_ASSERT(to_value(state) == to_value(full));
    RC_ASSERT(state->elements() == full->elements());
  }
}

}  // namespace
}  // namespace frsim::core::crdt
