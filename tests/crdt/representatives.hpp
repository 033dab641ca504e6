#pragma once
// Representative states of every lattice and every Value kind, built the way
// programs build them (mutators, deltas, merges in odd orders), covering the
// corners of each encoding: multi-byte varints, several dots per element,
// causal contexts with a cloud, RGA tombstones of nodes not received yet,
// nested lattices. tests/crdt/encoding_test.cpp pins their bytes, hashes and
// printed forms as the encoder wrote them before any change of representation.

#include <string>
#include <utility>
#include <vector>

#include "core/crdt/crdt.hpp"

namespace frsim::core::crdt::testing {

inline std::vector<std::pair<std::string, Value>> representatives() {
  const auto i = [](std::int64_t n) { return Value::integer(n); };
  const auto s = [](const char* text) { return Value::string(text); };
  std::vector<std::pair<std::string, Value>> out;
  const auto add = [&out](std::string name, Value v) { out.emplace_back(std::move(name), std::move(v)); };

  // Plain values.
  add("unit", Value());
  add("false", Value::boolean(false));
  add("true", Value::boolean(true));
  add("integers", Value::list({i(0), i(-1), i(63), i(64), i(-65), i(300), i(INT64_MIN), i(INT64_MAX)}));
  add("string", s("Alice: \"hi\"\n"));
  add("map", Value::map({{s("b"), i(2)}, {s("a"), Value::list({i(1), Value::ref(7)})}}));
  add("refs", Value::list({Value::ref(0), Value::ref(200), Value::named_ref("todos")}));

  // Counters.
  add("gcounter bottom", to_value(GCounter::empty()));
  add("gcounter", to_value(GCounter::empty()->increment(0, 3)->increment(300, 200)->increment(2)));
  add("pncounter", to_value(PnCounter::empty()->increment(0, 4)->decrement(1, 10)->increment(1)));
  add("maxint bottom", to_value(MaxInt::empty()));
  add("maxint", to_value(MaxInt::of(-7)->raise_to(42)));

  // Registers.
  add("lww bottom", to_value(LwwRegister::empty()));
  add("lww", to_value(LwwRegister::empty()->assign(1, s("hello"))->assign_at(Timestamp{500, 3}, Value::list({i(1), s("x")}))));
  {
    const auto a = MvRegister::empty()->assign(0, i(1));
    const auto b = MvRegister::empty()->assign(1, s("two"));
    add("mvregister concurrent", to_value(a->merge(*b)));
    // The delta's context has seen r0.2 and r0.3 but not r0.1: a cloud.
    const auto delta = a->assign(0, i(2))->assign_delta(0, i(4));
    add("mvregister cloud", to_value(MvRegister::empty()->merge(*delta)));
  }
  add("ivar unbound", to_value(Ivar::empty()));
  add("ivar conflict", to_value(Ivar::empty()->bind(i(1))->merge(*Ivar::empty()->bind(s("two")))));
  {
    const auto on = EwFlag::empty()->enable(0);
    const auto off = on->disable();
    const auto on_again = on->enable(1);
    add("ewflag merged", to_value(off->merge(*on_again)));
    // Enabled again after a disable: the delta's context is r0.2 alone.
    add("ewflag cloud", to_value(EwFlag::empty()->merge(*off->enable_delta(0))));
  }

  // Sets.
  add("gset", to_value(GSet::empty()->add(i(2))->add(s("a"))->add(i(1))->add(Value::list({i(1)}))->add(i(-300))));
  add("twopset", to_value(TwoPSet::empty()->add(i(1))->add(i(2))->add(i(3))->remove(i(2))->remove(i(9))));
  {
    const auto base = OrSet::empty()->add(0, i(7))->add(0, s("x"));
    const auto r1 = base->add(1, i(7))->add(1, i(8));
    const auto removed = base->remove(s("x"));
    add("orset merged", to_value(removed->merge(*r1)));
    auto a = OrSet::empty();
    const auto d1 = a->add_delta(0, i(1));
    a = a->merge(*d1);
    const auto d2 = a->add_delta(0, i(2));
    a = a->merge(*d2);
    const auto d3 = a->add_delta(0, i(3));
    add("orset cloud", to_value(OrSet::empty()->merge(*d3)->merge(*d1)));
    auto big = OrSet::empty();
    for (int n = 0; n < 200; ++n) big = big->add(static_cast<ReplicaId>(n % 3), i(n * 7 % 200));
    add("orset 200", to_value(big));
  }

  // Maps.
  {
    const Value alice = s("alice");
    const Value bob = s("bob");
    const auto base = OrMap::empty()
                          ->put(0, alice, to_value(GCounter::empty()->increment(0)))
                          ->put(0, bob, to_value(OrSet::empty()->add(0, i(1))));
    const auto removed = base->remove(bob);
    const auto bumped = base->put(1, alice, to_value(GCounter::empty()->increment(1, 2)));
    add("ormap merged", to_value(removed->merge(*bumped)));
    add("ormap removed", to_value(removed));
  }

  // Lists.
  {
    const auto base = Rga::empty()->insert(0, 0, s("a"))->insert(0, 1, s("b"))->insert(0, 1, i(3));
    const auto r1 = base->insert(1, 1, s("one"))->remove(0);
    const auto r2 = base->insert(2, 1, s("two"));
    add("rga merged", to_value(r1->merge(*r2)));
    const auto node = base->insert_delta(1, 3, s("late"));
    const auto late = base->merge(*node);
    const auto tomb = late->remove_delta(3);
    add("rga pending tombstone", to_value(base->merge(*tomb)));
    add("rga pending tombstone then node", to_value(base->merge(*tomb)->merge(*node)));
    auto long_list = Rga::empty();
    for (int n = 0; n < 150; ++n) long_list = long_list->insert(static_cast<ReplicaId>(n % 2), static_cast<std::size_t>(n / 3), i(n));
    for (int n = 0; n < 20; ++n) long_list = long_list->remove(static_cast<std::size_t>(n * 5));
    add("rga 150", to_value(long_list));
  }
  // A lattice nested in a plain value.
  add("list of lattices", Value::list({to_value(GSet::empty()->add(i(1))), to_value(MaxInt::of(3))}));
  return out;
}

}  // namespace frsim::core::crdt::testing
