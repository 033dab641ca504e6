// The FR calculus on one device: the paper's §2 examples, Fig. 1, errors,
// rollback of invalid operations, cycles, stepwise propagation, distribution
// hooks and snapshots.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "core/graph.hpp"
#include "core/policy.hpp"
#include "core/receive.hpp"
#include "core/runtime.hpp"
#include "core/snapshot.hpp"
#include "tests/core/runtime_test_support.hpp"

namespace frsim::core {
namespace {

using testing::Recorder;

Value str(const char* s) { return Value::string(s); }
Value list(std::initializer_list<Value> items) { return Value::list(ValueList(items)); }

// append(n, ": ", i)
Value append_message(std::span<const Value> in) {
  std::string text = in[0].as_string();
  text += ": ";
  text += in[1].as_string();
  return Value::string(std::move(text));
}

// cons(state, m): the paper's examples read the list oldest first.
Value cons(const Value& state, const Value& m) {
  ValueList items(state.as_list().begin(), state.as_list().end());
  items.push_back(m);
  return Value::list(std::move(items));
}

// lookup(l, n)
Value lookup_room(std::span<const Value> in) { return checked::array_fetch(in[0], in[1].as_int()); }

TEST(Runtime, Example21MapFollowsItsSources) {
  Snapshot sigma;
  Runtime rt(sigma);
  const ReactiveId text = rt.source(str("Hello"), "text");
  const ReactiveId name = rt.source(str("Alice"), "name");
  const ReactiveId message = rt.map({name, text}, append_message, "message");
  EXPECT_EQ(rt.value(message), str("Alice: Hello"));
  EXPECT_TRUE(rt.fire(text, str("How are you?")).committed);
  EXPECT_EQ(rt.value(message), str("Alice: How are you?"));
}

TEST(Runtime, Example22FoldAccumulatesEveryChange) {
  Snapshot sigma;
  Runtime rt(sigma);
  const ReactiveId text = rt.source(str("Hello"), "text");
  const ReactiveId name = rt.source(str("Alice"), "name");
  const ReactiveId message = rt.map({name, text}, append_message, "message");
  const ReactiveId room1 = rt.fold(message, list({}), cons, "room1");
  EXPECT_EQ(rt.value(room1), list({}));
  rt.fire(text, str("1"));
  rt.fire(text, str("2"));
  EXPECT_EQ(rt.value(room1), list({str("Alice: 1"), str("Alice: 2")}));
}

TEST(Runtime, Example23FlattenFollowsTheIndex) {
  Snapshot sigma;
  Runtime rt(sigma);
  const ReactiveId text = rt.source(str("Hello"), "text");
  const ReactiveId name = rt.source(str("Alice"), "name");
  const ReactiveId message = rt.map({name, text}, append_message, "message");
  const ReactiveId room1 = rt.fold(message, list({}), cons, "room1");
  rt.fire(text, str("1"));
  rt.fire(text, str("2"));
  const ReactiveId room2 = rt.source(list({str("Bob: hi")}), "room2");
  const ReactiveId room_list = rt.source(list({Value::ref(room1), Value::ref(room2)}), "roomList");
  const ReactiveId index = rt.source(Value::integer(0), "index");
  const ReactiveId selected = rt.map({room_list, index}, lookup_room, "selectedRoom");
  EXPECT_EQ(rt.value(selected), Value::ref(room1));
  const ReactiveId content = rt.flatten(selected, "roomContent");
  EXPECT_EQ(rt.value(content), list({str("Alice: 1"), str("Alice: 2")}));

  ASSERT_TRUE(rt.fire(index, Value::integer(1)).committed);
  EXPECT_EQ(rt.value(content), list({str("Bob: hi")}));
  EXPECT_EQ(rt.inputs(content), (std::vector<ReactiveId>{selected, room2}));
  // room1 no longer feeds roomContent; room2 does.
  rt.fire(text, str("3"));
  EXPECT_EQ(rt.value(content), list({str("Bob: hi")}));
  rt.fire(room2, list({str("Bob: hi"), str("Bob: there")}));
  EXPECT_EQ(rt.value(content), list({str("Bob: hi"), str("Bob: there")}));
  rt.fire(index, Value::integer(0));
  EXPECT_EQ(rt.value(content), list({str("Alice: 1"), str("Alice: 2"), str("Alice: 3")}));
}

// Fig. 1, with room1 a fold and room2 a source (plain lists for the CRDTs).
struct Chat {
  ReactiveId name, text, message, room1, room2, room_list, index, selected, content, widget;
  explicit Chat(Runtime& rt) {
    name = rt.source(str(""), "name");
    text = rt.source(str(""), "text");
    message = rt.map({name, text}, append_message, "message");
    room1 = rt.fold(message, list({}), cons, "room1");
    room2 = rt.source(list({}), "room2");
    room_list = rt.source(list({Value::ref(room1), Value::ref(room2)}), "roomList");
    index = rt.source(Value::integer(0), "index");
    selected = rt.map({room_list, index}, lookup_room, "selectedRoom");
    content = rt.flatten(selected, "roomContent");
    widget = rt.map({content}, [](std::span<const Value> in) {
      return Value::string("listWidget(" + std::to_string(in[0].as_list().size()) + ")");
    }, "contentWidget");
  }
};

TEST(Runtime, Figure1ChatBuildsAndRuns) {
  Snapshot sigma;
  Recorder events;
  Runtime rt(sigma, {level_policy(), &events});
  const Chat chat(rt);
  EXPECT_EQ(rt.size(), 10u);
  EXPECT_EQ(rt.find("contentWidget"), chat.widget);
  EXPECT_EQ(rt.value(chat.widget), str("listWidget(0)"));
  rt.fire(chat.name, str("Alice"));
  rt.fire(chat.text, str("Hello"));
  rt.fire(chat.text, str("How are you?"));
  // Setting the name changed message too: room1 folded "Alice: " (Ex. 2.2:
  // "each time the input of a fold changes").
  EXPECT_EQ(rt.value(chat.room1),
            list({str("Alice: "), str("Alice: Hello"), str("Alice: How are you?")}));
  EXPECT_EQ(rt.value(chat.widget), str("listWidget(3)"));
  rt.fire(chat.index, Value::integer(1));
  EXPECT_EQ(rt.value(chat.widget), str("listWidget(0)"));
  EXPECT_EQ(events.violations(), "");
  // Σ holds exactly the sources and folds (§2.4: maps and flattens recompute).
  EXPECT_EQ(sigma.values.size(), 6u);
  EXPECT_EQ(sigma.values.at(chat.room1), rt.value(chat.room1));
  EXPECT_FALSE(sigma.values.contains(chat.message));
  EXPECT_EQ(sigma.commits, 4u);

  // Boost.Graph's topological levels are a lower bound of the runtime's.
  std::vector<GraphEdge> edges;
  for (ReactiveId r = 0; r < rt.size(); ++r) {
    for (ReactiveId i : rt.inputs(r)) {
      if (i != r) edges.push_back({i, r, false});
    }
  }
  const auto levels = topological_levels(rt.size(), edges);
  for (ReactiveId r = 0; r < rt.size(); ++r) EXPECT_LE(levels[r], rt.level(r)) << r;
  const std::string dot = rt.to_dot();
  EXPECT_NE(dot.find(std::to_string(chat.room2) + " -> " + std::to_string(chat.content) +
                     " [style=dashed]"),
            std::string::npos)
      << dot;
  EXPECT_NE(dot.find("roomContent (r8): flatten"), std::string::npos) << dot;
}

// ---- errors ------------------------------------------------------------------

TEST(Runtime, FiringADerivedOrUnknownReactiveIsAnErrorResult) {
  Snapshot sigma;
  Runtime rt(sigma);
  const ReactiveId s = rt.source(Value::integer(1), "s");
  const ReactiveId m = rt.map({s}, [](std::span<const Value> in) { return in[0]; }, "m");
  const ActionResult derived = rt.fire(m, Value::integer(2));
  EXPECT_FALSE(derived.committed);
  EXPECT_NE(derived.failure.find("m (r1) is a map"), std::string::npos) << derived.failure;
  const ActionResult unknown = rt.fire(7, Value::integer(2));
  EXPECT_FALSE(unknown.committed);
  EXPECT_NE(unknown.failure.find("unknown reactive r7"), std::string::npos);
  EXPECT_EQ(rt.value(m), Value::integer(1));
  EXPECT_THROW(rt.map({s, 5}, [](std::span<const Value> in) { return in[0]; }), Error);
  EXPECT_THROW(rt.fold(9, Value(), [](const Value& a, const Value&) { return a; }), Error);
  EXPECT_THROW(rt.flatten(s), TypeError);  // s holds an integer, not a reactive
  EXPECT_THROW((void)rt.value(42), Error);
  EXPECT_THROW(rt.step(s), Error);
  EXPECT_EQ(rt.size(), 2u);
  EXPECT_FALSE(rt.receive("nobody", Value::integer(1)).committed);
}

struct InvalidCase {
  InvalidOp op;
  MapOperator map_op;
};

// Each of Lo's invalid operations (seed 001, Table 1), hit for input 0 only.
std::vector<InvalidCase> invalid_cases() {
  auto zero = [](std::span<const Value> in) { return in[0].as_int() == 0; };
  return {
      {InvalidOp::integer_division,
       [](std::span<const Value> in) { return Value::integer(checked::divide(10, in[0].as_int())); }},
      {InvalidOp::array_element_fetch,
       [=](std::span<const Value> in) {
         return checked::array_fetch(list({Value::integer(1)}), zero(in) ? 1 : 0);
       }},
      {InvalidOp::array_element_store,
       [=](std::span<const Value> in) {
         return checked::array_store(list({}), zero(in) ? 1 : 0, Value::integer(3));
       }},
      {InvalidOp::map_element_fetch,
       [=](std::span<const Value> in) {
         const Value m = Value::map({{Value::integer(1), str("one")}});
         return checked::map_fetch(m, Value::integer(zero(in) ? 2 : 1));
       }},
  };
}

TEST(Runtime, InvalidOperationsRollBackCompletely) {
  for (const InvalidCase& c : invalid_cases()) {
    SCOPED_TRACE(std::string(to_string(c.op)));
    Snapshot sigma;
    Recorder events;
    Runtime rt(sigma, {level_policy(), &events});
    const ReactiveId s = rt.source(Value::integer(1), "s");
    const ReactiveId total = rt.fold(s, Value::integer(5), [](const Value& state, const Value& v) {
      return Value::integer(state.as_int() + v.as_int());
    }, "total");
    rt.map({total}, c.map_op, "bad");
    const std::uint64_t store_before = rt.fingerprint();
    const std::uint64_t sigma_before = sigma.fingerprint();
    const Value total_before = rt.value(total);
    // total would become 5 + (-5) = 0: the operator fails.
    const ActionResult result = rt.fire(s, Value::integer(-5));
    EXPECT_FALSE(result.committed);
    EXPECT_EQ(result.invalid_op, c.op);
    EXPECT_NE(result.failure.find(to_string(c.op)), std::string::npos) << result.failure;
    EXPECT_EQ(rt.fingerprint(), store_before);
    EXPECT_EQ(sigma.fingerprint(), sigma_before);
    EXPECT_EQ(rt.value(total), total_before);
    EXPECT_EQ(rt.value(s), Value::integer(1));
    EXPECT_EQ(events.aborts, 1u);
    EXPECT_FALSE(rt.propagating());
    // The runtime goes on: a valid action commits.
    EXPECT_TRUE(rt.fire(s, Value::integer(5)).committed);
    EXPECT_EQ(rt.value(total), Value::integer(10));
  }
}

TEST(Runtime, InvalidOperationsDuringMapCreationThrow) {
  for (const InvalidCase& c : invalid_cases()) {
    SCOPED_TRACE(std::string(to_string(c.op)));
    Snapshot sigma;
    Recorder events;
    Runtime rt(sigma, {level_policy(), &events});
    const ReactiveId zero = rt.source(Value::integer(0), "zero");
    try {
      rt.map({zero}, c.map_op, "bad");
      ADD_FAILURE() << "map() did not throw";
    } catch (const InvalidOperation& e) {
      EXPECT_EQ(e.op(), c.op);
    }
    EXPECT_EQ(rt.size(), 1u);
    EXPECT_FALSE(rt.find("bad").has_value());
    EXPECT_EQ(events.aborts, 1u);
    // The id is free again.
    EXPECT_EQ(rt.map({zero}, [](std::span<const Value> in) { return in[0]; }), 1u);
    EXPECT_TRUE(rt.fire(zero, Value::integer(3)).committed);
  }
}

TEST(Runtime, WrongKindAccessInAnOperatorAborts) {
  Snapshot sigma;
  Runtime rt(sigma);
  const ReactiveId s = rt.source(str("text"), "s");
  const ReactiveId m = rt.map({s}, [](std::span<const Value> in) {
    return Value::integer(static_cast<std::int64_t>(in[0].as_string().size()));
  }, "length");
  const ActionResult result = rt.fire(s, Value::integer(3));
  EXPECT_FALSE(result.committed);
  EXPECT_FALSE(result.invalid_op.has_value());
  EXPECT_NE(result.failure.find("type error"), std::string::npos) << result.failure;
  EXPECT_EQ(rt.value(s), str("text"));
  EXPECT_EQ(rt.value(m), Value::integer(4));
}

// a; outer holding ref(a); f = outer.Flatten
struct FlattenOverSource {
  Snapshot sigma;
  Runtime rt{sigma};
  ReactiveId a = rt.source(Value::integer(1), "a");
  ReactiveId outer = rt.source(Value::ref(a), "outer");
  ReactiveId f = rt.flatten(outer, "f");
};

TEST(Runtime, FlattenCycleIsRefusedWithTheReactivesNamed) {
  FlattenOverSource g;
  auto& [sigma, rt, a, outer, f] = g;
  const ReactiveId plus = rt.map({f}, [](std::span<const Value> in) {
    return Value::integer(in[0].as_int() + 1);
  }, "plus");
  const std::uint64_t before = rt.fingerprint();
  const std::uint64_t sigma_before = sigma.fingerprint();

  const ActionResult through_plus = rt.fire(outer, Value::ref(plus));
  EXPECT_FALSE(through_plus.committed);
  EXPECT_NE(through_plus.failure.find("cycle"), std::string::npos) << through_plus.failure;
  EXPECT_NE(through_plus.failure.find("f (r2) -> plus (r3) -> f (r2)"), std::string::npos)
      << through_plus.failure;
  EXPECT_EQ(rt.fingerprint(), before);
  EXPECT_EQ(sigma.fingerprint(), sigma_before);
  EXPECT_EQ(rt.inputs(f), (std::vector<ReactiveId>{outer, a}));

  const ActionResult itself = rt.fire(outer, Value::ref(f));
  EXPECT_FALSE(itself.committed);
  EXPECT_NE(itself.failure.find("f (r2) -> f (r2)"), std::string::npos) << itself.failure;
  EXPECT_EQ(rt.fingerprint(), before);

  EXPECT_TRUE(rt.fire(a, Value::integer(5)).committed);
  EXPECT_EQ(rt.value(plus), Value::integer(6));
}

TEST(Runtime, FlattenOverANonReferenceAbortsTheAction) {
  FlattenOverSource g;
  auto& [sigma, rt, a, outer, f] = g;
  const ActionResult result = rt.fire(outer, Value::integer(3));
  EXPECT_FALSE(result.committed);
  EXPECT_NE(result.failure.find("not a reactive"), std::string::npos) << result.failure;
  EXPECT_EQ(rt.value(outer), Value::ref(a));
  EXPECT_FALSE(rt.fire(outer, Value::ref(99)).committed);
  EXPECT_EQ(rt.value(f), Value::integer(1));
}

// A flatten's inner moving above it raises its level and its dependents'
// (REScala style), and propagation stays glitch free.
TEST(Runtime, DynamicEdgeRaisesLevels) {
  Snapshot sigma;
  Recorder events;
  Runtime rt(sigma, {level_policy(), &events});
  const ReactiveId a = rt.source(Value::integer(1), "a");
  const ReactiveId outer = rt.source(Value::ref(a), "outer");
  const ReactiveId f = rt.flatten(outer, "f");
  const ReactiveId g = rt.map({f, a}, testing::sum_op_unbound, "g");
  ReactiveId chain = a;
  for (int i = 0; i < 4; ++i) {
    chain = rt.map({chain}, [](std::span<const Value> in) { return Value::integer(in[0].as_int() * 2); });
  }
  EXPECT_LT(rt.level(f), rt.level(chain));
  ASSERT_TRUE(rt.fire(outer, Value::ref(chain)).committed);
  EXPECT_GT(rt.level(f), rt.level(chain));
  EXPECT_GT(rt.level(g), rt.level(f));
  EXPECT_EQ(rt.value(f), Value::integer(16));
  ASSERT_TRUE(rt.fire(a, Value::integer(2)).committed);
  EXPECT_EQ(rt.value(f), Value::integer(32));
  EXPECT_EQ(rt.value(g), Value::integer(34));
  EXPECT_EQ(events.violations(), "");
}

// The flatten is queued (its old inner changed) before its outer moves it to
// an inner above it that the same action changes: the level policy must
// requeue it at the raised level, after the new inner.
TEST(Runtime, DynamicEdgeRaisedDuringThePropagation) {
  auto twice = [](std::span<const Value> in) { return Value::integer(in[0].as_int() * 2); };
  for (bool use_calculus : {false, true}) {
    Snapshot sigma;
    Recorder events;
    Runtime rt(sigma, {use_calculus ? calculus_policy() : level_policy(), &events});
    const ReactiveId a = rt.source(Value::integer(1), "a");
    const ReactiveId x = rt.map({a}, twice, "x");  // level 1, the old inner
    ReactiveId y = a;
    for (int i = 0; i < 4; ++i) y = rt.map({y}, twice);  // level 4, the new inner
    const ReactiveId selector = rt.map({x}, [x, y](std::span<const Value> in) {
      return Value::ref(in[0].as_int() < 10 ? x : y);
    }, "selector");  // level 2
    const ReactiveId f = rt.flatten(selector, "f");  // level 3
    const ReactiveId after = rt.map({f}, twice, "after");
    EXPECT_EQ(rt.value(f), Value::integer(2));
    ASSERT_TRUE(rt.fire(a, Value::integer(5)).committed);  // x = 10: select y = 80
    EXPECT_EQ(rt.inputs(f), (std::vector<ReactiveId>{selector, y}));
    EXPECT_EQ(rt.value(f), Value::integer(80));
    EXPECT_EQ(rt.value(after), Value::integer(160));
    EXPECT_GT(rt.level(f), rt.level(y));
    EXPECT_EQ(events.violations(), "");
  }
}

// ---- stepwise propagation ------------------------------------------------------------

TEST(Runtime, StepwisePropagationFollowsTheRules) {
  Snapshot sigma;
  Runtime rt(sigma, {calculus_policy(), nullptr});
  const ReactiveId s = rt.source(Value::integer(1), "s");
  const ReactiveId other = rt.source(Value::integer(7), "other");
  const ReactiveId left = rt.map({s}, [](std::span<const Value> in) { return in[0]; }, "left");
  const ReactiveId right = rt.fold(s, Value::integer(0), [](const Value& st, const Value& v) {
    return Value::integer(st.as_int() + v.as_int());
  }, "right");
  const ReactiveId join = rt.map({left, right}, testing::sum_op_unbound, "join");
  const std::uint64_t sigma_before = sigma.fingerprint();
  const std::uint64_t store_before = rt.fingerprint();

  const ActionResult begun = rt.begin_fire(s, Value::integer(4));
  EXPECT_FALSE(begun.committed);
  EXPECT_TRUE(begun.failure.empty());
  ASSERT_TRUE(rt.propagating());
  EXPECT_EQ(rt.active(), (std::vector<ReactiveId>{s}));
  EXPECT_EQ(rt.processed(), (std::vector<ReactiveId>{s}));
  EXPECT_EQ(rt.ready(), (std::vector<ReactiveId>{other, left, right}));
  EXPECT_EQ(rt.ready(true), (std::vector<ReactiveId>{left, right}));
  EXPECT_NE(rt.fingerprint(), store_before);
  EXPECT_THROW(rt.step(join), Error);  // not ready: left, right unprocessed
  EXPECT_FALSE(rt.fire(s, Value::integer(9)).committed);  // isolation

  EXPECT_FALSE(rt.step(right).committed);
  EXPECT_FALSE(rt.step(other).committed);  // (skip)
  EXPECT_EQ(rt.active(), (std::vector<ReactiveId>{s, right}));
  EXPECT_EQ(rt.ready(), (std::vector<ReactiveId>{left}));
  EXPECT_EQ(sigma.fingerprint(), sigma_before);  // nothing written before commit
  EXPECT_FALSE(rt.step(left).committed);
  const ActionResult last = rt.step(join);
  EXPECT_TRUE(last.committed);
  EXPECT_FALSE(rt.propagating());
  EXPECT_EQ(rt.value(join), Value::integer(8));  // left 4 + right 0 + 4
  EXPECT_EQ(sigma.values.at(right), Value::integer(4));
  EXPECT_EQ(sigma.values.at(s), Value::integer(4));
}

// The undo log keeps the values an action replaced as raw records (DESIGN §3,
// "The undo log"); these hold heap objects (lists), so a lost or doubled
// reference shows here as a wrong value, and under AddressSanitizer as a
// use after free or a leak.
Value pair_of(const Value& v) { return Value::list({v, v}); }

struct ListChain {
  Snapshot sigma;
  Runtime rt{sigma};  // the level order in place: no observer
  ReactiveId s = rt.source(Value::list({Value::integer(1)}), "s");
  ReactiveId a = rt.map({s}, [](Inputs in) { return pair_of(in[0]); }, "a");
  ReactiveId b = rt.map({a}, [](Inputs in) { return pair_of(in[0]); }, "b");
  // Fails when s holds 0: after a and b were written.
  ReactiveId bad = rt.map({b, s}, [](Inputs in) {
    if (in[1].as_list()[0].as_int() == 0) throw Error("bad: zero");
    return Value::integer(1);
  }, "bad");
};

TEST(Runtime, AnAbortGivesBackTheListsTheLevelOrderReplaced) {
  ListChain c;
  const Value a_before = c.rt.value(c.a);
  const Value b_before = c.rt.value(c.b);
  const std::uint64_t store_before = c.rt.fingerprint();
  const ActionResult failed = c.rt.fire(c.s, Value::list({Value::integer(0)}));
  EXPECT_FALSE(failed.committed);
  EXPECT_NE(failed.failure.find("bad: zero"), std::string::npos) << failed.failure;
  EXPECT_EQ(c.rt.value(c.a), a_before);
  EXPECT_EQ(c.rt.value(c.b), b_before);
  EXPECT_EQ(c.rt.value(c.s), Value::list({Value::integer(1)}));
  EXPECT_EQ(c.rt.fingerprint(), store_before);
  // The next action's start empties the log of a committed action too.
  const Value two = Value::list({Value::integer(2)});
  ASSERT_TRUE(c.rt.fire(c.s, two).committed);
  ASSERT_TRUE(c.rt.fire(c.s, Value::list({Value::integer(3)})).committed);
  EXPECT_EQ(c.rt.value(c.b), pair_of(pair_of(Value::list({Value::integer(3)}))));
  EXPECT_FALSE(c.rt.fire(c.s, Value::list({Value::integer(0)})).committed);
  EXPECT_EQ(c.rt.value(c.a), pair_of(Value::list({Value::integer(3)})));
}

TEST(Runtime, ACopyTakenMidPropagationRollsBackOnItsOwn) {
  ListChain c;
  const Value a_before = c.rt.value(c.a);
  const Value b_before = c.rt.value(c.b);
  ASSERT_FALSE(c.rt.begin_fire(c.s, Value::list({Value::integer(0)})).committed);
  ASSERT_FALSE(c.rt.step(c.a).committed);
  ASSERT_FALSE(c.rt.step(c.b).committed);  // the log now owns a's and b's old lists
  Snapshot sigma2 = c.sigma;
  {
    Runtime copy(c.rt, sigma2, nullptr);
    EXPECT_EQ(copy.value(c.b), pair_of(pair_of(Value::list({Value::integer(0)}))));
    const ActionResult failed = copy.step(c.bad);
    EXPECT_FALSE(failed.committed);
    EXPECT_FALSE(failed.failure.empty());
    EXPECT_EQ(copy.value(c.a), a_before);
    EXPECT_EQ(copy.value(c.b), b_before);
  }  // the copy and its log are gone; the original's log still holds its lists
  EXPECT_TRUE(c.rt.propagating());
  EXPECT_EQ(c.rt.value(c.a), pair_of(Value::list({Value::integer(0)})));
  EXPECT_FALSE(c.rt.step(c.bad).committed);
  EXPECT_EQ(c.rt.value(c.a), a_before);
  EXPECT_EQ(c.rt.value(c.b), b_before);
}

// The undo log grows past its first storage (16 entries) inside one
// propagation: an abort gives back every value it replaced, latest first,
// and a copy taken with a grown log rolls back on its own.
TEST(Runtime, AnAbortAfterMoreWritesThanTheLogFirstHeldGivesBackEveryValue) {
  Snapshot sigma;
  Runtime rt(sigma);
  const ReactiveId s = rt.source(Value::list({Value::integer(1)}), "s");
  std::vector<ReactiveId> chain;
  ReactiveId last = s;
  for (int i = 0; i < 40; ++i) {
    // A list (a value the log holds a reference to), one more than its input's.
    last = rt.map({last}, [](Inputs in) { return Value::list({Value::integer(in[0].as_list()[0].as_int() + 1)}); },
                  fmt::format("m{}", i));
    chain.push_back(last);
  }
  rt.map({last, s}, [](Inputs in) {
    if (in[1].as_list()[0].as_int() == 0) throw Error("bad: zero");
    return Value::integer(1);
  }, "bad");
  std::vector<Value> before;
  for (const ReactiveId r : chain) before.push_back(rt.value(r));
  const std::uint64_t store_before = rt.fingerprint();
  EXPECT_FALSE(rt.fire(s, Value::list({Value::integer(0)})).committed);
  for (std::size_t i = 0; i < chain.size(); ++i) EXPECT_EQ(rt.value(chain[i]), before[i]) << "m" << i;
  EXPECT_EQ(rt.fingerprint(), store_before);

  // Mid-propagation, 41 entries logged: a copy and the original each roll back.
  ASSERT_FALSE(rt.begin_fire(s, Value::list({Value::integer(0)})).committed);
  for (const ReactiveId r : chain) ASSERT_FALSE(rt.step(r).committed);
  Snapshot sigma2 = sigma;
  {
    Runtime copy(rt, sigma2, nullptr);
    EXPECT_FALSE(copy.finish().committed);
    for (std::size_t i = 0; i < chain.size(); ++i) EXPECT_EQ(copy.value(chain[i]), before[i]) << "copy m" << i;
  }
  EXPECT_NE(rt.value(chain.back()), before.back());
  EXPECT_FALSE(rt.finish().committed);
  for (std::size_t i = 0; i < chain.size(); ++i) EXPECT_EQ(rt.value(chain[i]), before[i]) << "m" << i;
  EXPECT_EQ(rt.fingerprint(), store_before);
  ASSERT_TRUE(rt.fire(s, Value::list({Value::integer(2)})).committed);
  EXPECT_EQ(rt.value(chain.back()), Value::list({Value::integer(42)}));
}

TEST(Runtime, FinishRunsThePolicyAfterSomeSteps) {
  Snapshot sigma;
  Runtime rt(sigma);
  const ReactiveId s = rt.source(Value::integer(1));
  const ReactiveId m = rt.map({s}, [](std::span<const Value> in) { return Value::integer(in[0].as_int() * 10); });
  const ReactiveId n = rt.map({m}, [](std::span<const Value> in) { return Value::integer(in[0].as_int() + 1); });
  rt.begin_fire(s, Value::integer(2));
  rt.step(m);
  const ActionResult done = rt.finish();
  EXPECT_TRUE(done.committed);
  EXPECT_EQ(rt.value(n), Value::integer(21));
  EXPECT_FALSE(rt.finish().committed);
}

TEST(Runtime, FingerprintsAreEqualForEqualStores) {
  Snapshot sigma_a;
  Snapshot sigma_b;
  Runtime a(sigma_a);
  Runtime b(sigma_b, {calculus_policy(), nullptr});
  for (Runtime* rt : {&a, &b}) {
    const ReactiveId s = rt->source(Value::integer(1));
    rt->fold(s, Value::integer(0), [](const Value& st, const Value& v) {
      return Value::integer(st.as_int() + v.as_int());
    });
  }
  EXPECT_EQ(a.fingerprint(), b.fingerprint());
  a.fire(0, Value::integer(3));
  EXPECT_NE(a.fingerprint(), b.fingerprint());
  b.fire(0, Value::integer(3));
  EXPECT_EQ(a.fingerprint(), b.fingerprint());
  EXPECT_EQ(sigma_a.fingerprint(), sigma_b.fingerprint());
  EXPECT_GT(sigma_a.encoded_bytes(), 0u);
  b.fire(0, Value::integer(std::int64_t{1} << 40));
  EXPECT_GT(sigma_b.encoded_bytes(), sigma_a.encoded_bytes());
}

// ---- distribution --------------------------------------------------------------------

Value max_merge(const Value& a, const Value& b) { return std::max(a, b); }

TEST(Runtime, ReceiveMergesAndPropagatesOnEveryReceive) {
  Snapshot sigma;
  Recorder events;
  Runtime rt(sigma, {level_policy(), &events});
  const ReactiveId reg = rt.distributed_source("reg", Value::integer(3), max_merge);
  const ReactiveId count = rt.fold(reg, Value::integer(0), [](const Value& st, const Value&) {
    return Value::integer(st.as_int() + 1);
  }, "count");
  EXPECT_TRUE(rt.is_distributed(reg));
  EXPECT_FALSE(rt.is_distributed(count));
  EXPECT_EQ(rt.distributed(), (std::vector<std::pair<std::string, ReactiveId>>{{"reg", reg}}));
  EXPECT_EQ(rt.resolve(Value::named_ref("reg")), reg);
  EXPECT_TRUE(rt.receive("reg", Value::integer(8)).committed);
  EXPECT_EQ(rt.value(reg), Value::integer(8));
  EXPECT_TRUE(rt.receive("reg", Value::integer(2)).committed);
  EXPECT_EQ(rt.value(reg), Value::integer(8));
  // The calculus propagates on every receive: the fold counted both.
  EXPECT_EQ(rt.value(count), Value::integer(2));
  EXPECT_EQ(sigma.values.at(reg), Value::integer(8));
  EXPECT_THROW(rt.distributed_source("reg", Value()), Error);
}

TEST(Runtime, ReceiveThatFailsRollsBackTheMergedValue) {
  Snapshot sigma;
  Runtime rt(sigma);
  const ReactiveId reg = rt.distributed_source("reg", Value::integer(3), max_merge);
  rt.map({reg}, [](std::span<const Value> in) {
    return Value::integer(checked::divide(1, 10 - in[0].as_int()));
  });
  const std::uint64_t before = rt.fingerprint();
  const ActionResult result = rt.receive("reg", Value::integer(10));
  EXPECT_FALSE(result.committed);
  EXPECT_EQ(result.invalid_op, InvalidOp::integer_division);
  EXPECT_EQ(rt.value(reg), Value::integer(3));
  EXPECT_EQ(rt.fingerprint(), before);
  // The default merge is the CRDT join: integers are no lattice.
  const ReactiveId plain = rt.distributed_source("plain", Value::integer(1));
  const ActionResult type_error = rt.receive("plain", Value::integer(2));
  EXPECT_FALSE(type_error.committed);
  EXPECT_NE(type_error.failure.find("type error"), std::string::npos) << type_error.failure;
  EXPECT_EQ(rt.value(plain), Value::integer(1));
}

// The extension points' defaults are the calculus: passing them explicitly
// changes nothing, and they see exactly the calls the rules make.
class CountingWriter : public SnapshotWriter {
 public:
  mutable std::vector<std::vector<ReactiveId>> commits;
  mutable std::size_t writes = 0;
  bool observes_writes() const override { return true; }
  void written(Snapshot& sigma, const Runtime& rt, ReactiveId r) const override {
    ++writes;
    SnapshotWriter::written(sigma, rt, r);
  }
  void committed(Snapshot& sigma, const Runtime& rt, std::span<const ReactiveId> active) const override {
    commits.emplace_back(active.begin(), active.end());
    SnapshotWriter::committed(sigma, rt, active);
  }
};

class CountingReceiver : public Receiver {
 public:
  mutable std::size_t merges = 0;
  Value merge(ReactiveId r, const MergeFunction& m, const Value& local, const Value& remote) const override {
    ++merges;
    return Receiver::merge(r, m, local, remote);
  }
};

TEST(Runtime, DefaultHooksAreTheCalculus) {
  auto writer = std::make_shared<CountingWriter>();
  auto receiver = std::make_shared<CountingReceiver>();
  Snapshot hooked_sigma;
  Snapshot plain_sigma;
  RuntimeOptions options;
  options.snapshot_writer = writer;
  options.receiver = receiver;
  Runtime hooked(hooked_sigma, options);
  Runtime plain(plain_sigma);
  for (Runtime* rt : {&hooked, &plain}) {
    const ReactiveId reg = rt->distributed_source("reg", Value::integer(1), max_merge);
    const ReactiveId m = rt->map({reg}, [](std::span<const Value> in) { return in[0]; });
    rt->fold(m, Value::integer(0), [](const Value& st, const Value& v) {
      return Value::integer(st.as_int() + v.as_int());
    });
    rt->source(Value::integer(9));
    rt->fire(reg, Value::integer(4));
    rt->receive("reg", Value::integer(6));
  }
  EXPECT_EQ(hooked.fingerprint(), plain.fingerprint());
  EXPECT_EQ(hooked_sigma.fingerprint(), plain_sigma.fingerprint());
  EXPECT_EQ(receiver->merges, 1u);
  // (map) ends with (commit) too; then the fire and the receive.
  ASSERT_EQ(writer->commits.size(), 3u);
  EXPECT_EQ(writer->commits[0], (std::vector<ReactiveId>{1}));
  EXPECT_EQ(writer->commits[1], (std::vector<ReactiveId>{0, 1, 2}));
  EXPECT_EQ(writer->commits[2], (std::vector<ReactiveId>{0, 1, 2}));
  EXPECT_EQ(writer->writes, 7u);  // the map's creation; per action the source and two (write)s
  // (commit) stores the active sources and folds only.
  EXPECT_EQ(hooked_sigma.values.size(), 3u);
  EXPECT_FALSE(hooked_sigma.values.contains(1));
  EXPECT_EQ(hooked_sigma.values.at(2), Value::integer(10));
  EXPECT_EQ(hooked_sigma.commits, 2u);
}

// Σ's table with a remembered index: any hint is safe (a wrong one falls back
// to the search), and a hint made stale by an insertion before it is found
// out, never used to overwrite another reactive's entry.
TEST(SnapshotValues, AHintedStoreWritesOnlyItsOwnEntryWhateverTheHint) {
  SnapshotValues values;
  std::uint32_t hint5 = 12345;  // garbage: out of range
  values.insert_or_assign(5, Value::integer(50), hint5);
  EXPECT_EQ(hint5, 0u);
  std::uint32_t hint9 = 0;  // in range, but r5's entry
  values.insert_or_assign(9, Value::integer(90), hint9);
  EXPECT_EQ(hint9, 1u);
  EXPECT_EQ(values.at(5), Value::integer(50));
  // An insertion before both shifts them: the hints are stale.
  values.insert_or_assign(1, Value::integer(10));
  values.insert_or_assign(9, Value::integer(91), hint9);
  values.insert_or_assign(5, Value::integer(51), hint5);
  EXPECT_EQ(hint5, 1u);
  EXPECT_EQ(hint9, 2u);
  // A valid hint: assigned in place.
  values.insert_or_assign(9, Value::integer(92), hint9);
  EXPECT_EQ(hint9, 2u);
  ASSERT_EQ(values.size(), 3u);
  EXPECT_EQ(values.at(1), Value::integer(10));
  EXPECT_EQ(values.at(5), Value::integer(51));
  EXPECT_EQ(values.at(9), Value::integer(92));
}

}  // namespace
}  // namespace frsim::core
