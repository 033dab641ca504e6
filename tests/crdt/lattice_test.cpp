// What each lattice means, on small examples: the semantics the laws cannot
// see (add-wins, enable-wins, visible ivar conflicts, ...).

#include <gtest/gtest.h>

#include "core/crdt/crdt.hpp"
#include "core/error.hpp"

namespace frsim::core::crdt {
namespace {

Value i(std::int64_t n) { return Value::integer(n); }

TEST(Counters, GCounterSumsReplicasAndMergesByMaximum) {
  const auto a = GCounter::empty()->increment(0, 2)->increment(0);
  const auto b = GCounter::empty()->increment(1, 5);
  EXPECT_EQ(a->count(), 3u);
  EXPECT_EQ(a->merge(*b)->count(), 8u);
  EXPECT_EQ(a->merge(*a)->count(), 3u);  // a duplicate message counts once
  EXPECT_EQ(a->to_string(), "gcounter(3){r0: 3}");
}

TEST(Counters, GCounterOverflowIsAnError) {
  const auto a = GCounter::empty()->increment(0, UINT64_MAX);
  EXPECT_THROW(a->increment(0), Error);
}

TEST(Counters, PnCounterGoesBothWays) {
  const auto a = PnCounter::empty()->increment(0, 4)->decrement(0, 1);
  const auto b = PnCounter::empty()->decrement(1, 10);
  EXPECT_EQ(a->count(), 3);
  EXPECT_EQ(a->merge(*b)->count(), -7);
}

TEST(Counters, MaxIntKeepsTheGreatest) {
  EXPECT_TRUE(MaxInt::empty()->is_bottom());
  EXPECT_EQ(MaxInt::of(3)->merge(*MaxInt::of(-2))->get(), 3);
  EXPECT_EQ(MaxInt::of(3)->raise_to(1)->get(), 3);
  EXPECT_EQ(MaxInt::of(3)->increment()->get(), 4);
  EXPECT_EQ(MaxInt::empty()->to_string(), "maxint(bottom)");
}

TEST(Registers, LwwBreaksTimestampTiesByReplica) {
  // Two replicas write concurrently from the same state: same Lamport counter.
  const auto base = LwwRegister::empty();
  const auto by0 = base->assign(0, Value::string("zero"));
  const auto by1 = base->assign(1, Value::string("one"));
  EXPECT_EQ(by0->timestamp().lamport, by1->timestamp().lamport);
  EXPECT_EQ(by0->merge(*by1)->get(), Value::string("one"));
  EXPECT_EQ(by1->merge(*by0)->get(), Value::string("one"));
  // A later write on replica 0 follows what it has seen, and wins.
  const auto later = by0->merge(*by1)->assign(0, Value::string("later"));
  EXPECT_EQ(later->merge(*by1)->get(), Value::string("later"));
}

TEST(Registers, MvRegisterKeepsConcurrentValuesUntilOverwritten) {
  const auto a = MvRegister::empty()->assign(0, i(1));
  const auto b = MvRegister::empty()->assign(1, i(2));
  const auto both = a->merge(*b);
  EXPECT_EQ(both->values(), (ValueList{i(1), i(2)}));
  const auto resolved = both->assign(2, i(3));
  EXPECT_EQ(resolved->merge(*a)->merge(*b)->values(), (ValueList{i(3)}));
}

TEST(Registers, IvarConflictIsVisibleNeverSwallowed) {
  const auto unbound = Ivar::empty();
  EXPECT_FALSE(unbound->is_bound());
  const auto a = unbound->bind(i(1));
  EXPECT_EQ(a->get(), i(1));
  EXPECT_EQ(a->bind(i(1))->get(), i(1));  // binding the same value again is fine
  const auto conflict = a->merge(*unbound->bind(i(2)));
  EXPECT_TRUE(conflict->is_conflict());
  EXPECT_FALSE(conflict->get().has_value());
  EXPECT_EQ(conflict->to_string(), "ivar(conflict{1, 2})");
  EXPECT_EQ(conflict->bound_values(), (ValueList{i(1), i(2)}));
}

TEST(Registers, EwFlagEnableWinsOverAConcurrentDisable) {
  const auto on = EwFlag::empty()->enable(0);
  const auto off_elsewhere = on->disable();
  const auto on_again = on->enable(1);
  EXPECT_FALSE(off_elsewhere->enabled());
  EXPECT_TRUE(off_elsewhere->merge(*on_again)->enabled());
  EXPECT_FALSE(off_elsewhere->merge(*on)->enabled());  // the disable saw that enable
}

TEST(Sets, TwoPSetRemovesForGood) {
  const auto s = TwoPSet::empty()->add(i(1))->add(i(2))->remove(i(1));
  EXPECT_EQ(s->elements(), (ValueList{i(2)}));
  EXPECT_FALSE(s->add(i(1))->contains(i(1)));
  EXPECT_FALSE(s->merge(*TwoPSet::empty()->add(i(1)))->contains(i(1)));
}

TEST(Sets, GSetIsAUnion) {
  const auto a = GSet::empty()->add(i(2))->add(i(1));
  EXPECT_EQ(a->merge(*GSet::empty()->add(i(3)))->elements(), (ValueList{i(1), i(2), i(3)}));
  EXPECT_EQ(a->to_string(), "gset{1, 2}");
}

TEST(Sets, OrSetAddWinsOverAConcurrentRemove) {
  const auto base = OrSet::empty()->add(0, i(7));
  const auto removed = base->remove(i(7));
  const auto re_added = base->add(1, i(7));
  EXPECT_TRUE(removed->merge(*re_added)->contains(i(7)));
  EXPECT_TRUE(re_added->merge(*removed)->contains(i(7)));
  // A remove that has seen the add wins over it.
  EXPECT_FALSE(removed->merge(*base)->contains(i(7)));
  EXPECT_EQ(removed->merge(*re_added)->to_string(), "orset{7}");
}

TEST(Sets, OrSetDeltasReachTheSameStateInAnyOrder) {
  auto a = OrSet::empty();
  const auto d1 = a->add_delta(0, i(1));
  a = a->merge(*d1);
  const auto d2 = a->add_delta(0, i(2));
  a = a->merge(*d2);
  const auto d3 = a->remove_delta(i(1));
  a = a->merge(*d3);
  const auto reversed = OrSet::empty()->merge(*d3)->merge(*d2)->merge(*d1);
  EXPECT_EQ(to_value(reversed), to_value(a));
  EXPECT_EQ(a->elements(), (ValueList{i(2)}));
}

TEST(Maps, OrMapJoinsValuesAndAddWinsOnKeys) {
  const Value key = Value::string("alice");
  const auto base = OrMap::empty()->put(0, key, to_value(GCounter::empty()->increment(0)));
  const auto removed = base->remove(key);
  const auto bumped = base->put(1, key, to_value(GCounter::empty()->increment(1, 2)));
  const auto merged = removed->merge(*bumped);
  ASSERT_NE(merged->get(key), nullptr);
  EXPECT_EQ(as<GCounter>(*merged->get(key)).count(), 3u);
  EXPECT_EQ(removed->get(key), nullptr);
  EXPECT_EQ(merged->to_string(), "ormap{\"alice\": gcounter(3){r0: 1, r1: 2}}");
}

TEST(Maps, OrMapRejectsNonCrdtAndMismatchedValues) {
  const Value key = i(1);
  EXPECT_THROW(OrMap::empty()->put(0, key, i(5)), TypeError);
  const auto m = OrMap::empty()->put(0, key, to_value(GCounter::empty()));
  EXPECT_THROW(m->put(0, key, to_value(MaxInt::of(1))), TypeError);
}

TEST(Values, AsThrowsTypeErrorOnTheWrongKindOrLattice) {
  const Value set = to_value(OrSet::empty());
  EXPECT_NO_THROW(as<OrSet>(set));
  EXPECT_THROW(as<GSet>(set), TypeError);
  EXPECT_THROW(as<OrSet>(i(1)), TypeError);
  EXPECT_THROW(Value::join(set, to_value(GSet::empty())), TypeError);
}

TEST(Values, EveryRegisteredTypeDecodesItsBottom) {
  EXPECT_EQ(type_names().size(), 12u);
  for (std::string_view name : type_names()) {
    Encoder out;
    out.u8(9);  // the crdt tag of Value's encoding
    out.string(name);
    // Each bottom's payload, reached through a bottom of that type.
    Rc<const Lattice> bottom;
    for (const Value& probe :
         {to_value(GCounter::empty()), to_value(PnCounter::empty()), to_value(MaxInt::empty()),
          to_value(LwwRegister::empty()), to_value(MvRegister::empty()), to_value(Ivar::empty()),
          to_value(EwFlag::empty()), to_value(GSet::empty()), to_value(TwoPSet::empty()),
          to_value(OrSet::empty()), to_value(OrMap::empty()), to_value(Rga::empty())}) {
      if (probe.as_crdt().type_name() == name) bottom = probe.crdt_ptr();
    }
    ASSERT_TRUE(bottom) << name;
    bottom->encode(out);
    const Value decoded = Value::decode(out.bytes());
    EXPECT_EQ(decoded.as_crdt().type_name(), name);
    EXPECT_EQ(decoded, Value::crdt(bottom));
  }
}

TEST(Values, UnknownLatticeTypeIsADecodeError) {
  Encoder out;
  out.u8(9);
  out.string("no-such-lattice");
  EXPECT_THROW(Value::decode(out.bytes()), DecodeError);
}

TEST(Values, CorruptCausalStateIsADecodeError) {
  // An OR-Set entry whose dot its context has never seen.
  Encoder out;
  out.u8(9);
  out.string("orset");
  CausalContext{}.encode(out);
  encode_entries(out, OrSet::Entries{{i(1), DotSet{Dot{0, 1}}}});
  EXPECT_THROW(Value::decode(out.bytes()), DecodeError);
}

TEST(Causal, ContextKeepsItsNormalForm) {
  CausalContext a;
  a.insert(Dot{0, 2});
  a.insert(Dot{0, 3});
  EXPECT_FALSE(a.contains(Dot{0, 1}));
  EXPECT_EQ(a.next(0), (Dot{0, 4}));
  CausalContext b;
  b.insert(Dot{0, 1});
  b.join(a);
  CausalContext c(DotSet{Dot{0, 1}, Dot{0, 2}, Dot{0, 3}});
  EXPECT_EQ(b, c);
  EXPECT_EQ(b.to_string(), "{r0:1..3}");
  EXPECT_TRUE(b.includes(a));
  EXPECT_FALSE(a.includes(b));
}

}  // namespace
}  // namespace frsim::core::crdt
