// A Map's operator reads its inputs where the store holds them (core::Inputs),
// and an operator written for a std::span<const Value> still gets them side
// by side, in input order, with the same results under both policies and an
// observer.

#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <string>
#include <vector>

#include "core/policy.hpp"
#include "core/runtime.hpp"
#include "tests/core/runtime_test_support.hpp"

namespace frsim::core {
namespace {

// "<prefix><n>", built without operator+ (GCC 12 warns falsely on it, -Wrestrict).
Value text(std::string prefix, std::int64_t n) {
  prefix += std::to_string(n);
  return Value::string(std::move(prefix));
}

// The join of a, b, s, a: "b/(a + s + a)".
Value join_of(const Value& a1, const Value& b, const Value& s, const Value& a2) {
  return text(b.as_string() + "/", a1.as_int() + s.as_int() + a2.as_int());
}

TEST(Inputs, ARunOfValuesAndAStoreWithIdsReadTheSame) {
  const std::vector<Value> store{Value::integer(10), Value::string("a"), Value::integer(30)};
  const std::vector<ReactiveId> ids{2, 0, 2, 1};
  const Inputs gathered(store.data(), ids.data(), ids.size());
  ASSERT_EQ(gathered.size(), 4u);
  EXPECT_FALSE(gathered.contiguous());
  EXPECT_TRUE(gathered.span().empty());
  EXPECT_EQ(gathered.to_vector(), (std::vector<Value>{store[2], store[0], store[2], store[1]}));
  EXPECT_EQ(&gathered[1], &store[0]);  // in place, not a copy
  EXPECT_EQ(&gathered.front(), &store[2]);
  EXPECT_EQ(&gathered.back(), &store[1]);
  // A random-access range: standard algorithms and reverse iteration work.
  EXPECT_EQ(gathered.end() - gathered.begin(), 4);
  EXPECT_EQ(std::count(gathered.begin(), gathered.end(), Value::integer(30)), 2);
  std::vector<Value> reversed(std::make_reverse_iterator(gathered.end()), std::make_reverse_iterator(gathered.begin()));
  EXPECT_EQ(reversed, (std::vector<Value>{store[1], store[2], store[0], store[2]}));

  const Inputs run(store);
  EXPECT_TRUE(run.contiguous());
  EXPECT_EQ(run.span().data(), store.data());
  EXPECT_EQ(run.to_vector(), store);
}

// A diamond whose join has four inputs (one of them twice) under each
// policy, once with an observer: `reads_in_place` records where each input
// value was, `as_span` is the same join written for a span.
struct Join {
  Snapshot sigma;
  Runtime rt;
  ReactiveId s = 0, a = 0, b = 0, in_place = 0, spanned = 0;
  std::vector<const Value*> addresses;

  explicit Join(RuntimeOptions options) : rt(sigma, std::move(options)) {
    s = rt.source(Value::integer(1), "s");
    a = rt.map({s}, [](Inputs in) { return Value::integer(in[0].as_int() * 10); }, "a");
    b = rt.map({s}, [](std::span<const Value> in) { return text("", in[0].as_int()); }, "b");
    in_place = rt.map(
        {a, b, s, a},
        [this](Inputs in) {
          addresses.clear();
          for (const Value& v : in) addresses.push_back(&v);
          return join_of(in[0], in[1], in[2], in[3]);
        },
        "in_place");
    spanned = rt.map(
        {a, b, s, a},
        [](std::span<const Value> in) {
          return join_of(in[0], in[1], in[2], in[3]);
        },
        "spanned");
  }
};

TEST(Inputs, AMapReadsItsInputsInPlaceAndASpanOperatorGetsTheSameValues) {
  testing::Recorder recorder;
  RuntimeOptions level;
  RuntimeOptions calculus;
  calculus.policy = calculus_policy();
  RuntimeOptions observed;
  observed.observer = &recorder;
  for (RuntimeOptions* options : {&level, &calculus, &observed}) {
    Join j(*options);
    EXPECT_EQ(j.rt.value(j.in_place), Value::string("1/21"));
    for (std::int64_t x : {2, 7, -3}) {
      ASSERT_TRUE(j.rt.fire(j.s, Value::integer(x)).committed);
      const Value expected = text(text("", x).as_string() + "/", 21 * x);
      EXPECT_EQ(j.rt.value(j.in_place), expected);
      EXPECT_EQ(j.rt.value(j.spanned), expected);
      ASSERT_EQ(j.addresses.size(), 4u);
      // The operator saw the store's own values: a, b, s, a.
      EXPECT_EQ(j.addresses[0], &j.rt.value(j.a));
      EXPECT_EQ(j.addresses[1], &j.rt.value(j.b));
      EXPECT_EQ(j.addresses[2], &j.rt.value(j.s));
      EXPECT_EQ(j.addresses[3], &j.rt.value(j.a));
    }
    // The checker's apply_operator takes a run of values: both forms.
    const std::vector<Value> given{Value::integer(5), Value::string("x"), Value::integer(1), Value::integer(4)};
    EXPECT_EQ(j.rt.apply_operator(j.in_place, given), Value::string("x/10"));
    EXPECT_EQ(j.rt.apply_operator(j.spanned, given), Value::string("x/10"));
  }
}

// A span operator whose inputs are gathered may itself run another
// runtime's propagation, whose span operators gather too: each keeps its
// own values until it returns.
TEST(Inputs, GatheredSpansOfNestedOperatorsDoNotOverlap) {
  Snapshot inner_sigma;
  Runtime inner(inner_sigma);
  const ReactiveId x = inner.source(Value::integer(0));
  const ReactiveId y = inner.map({x}, [](Inputs in) { return Value::integer(in[0].as_int() + 1); });
  std::vector<ReactiveId> many(40, x);
  many.push_back(y);
  const ReactiveId inner_sum = inner.map(many, [](std::span<const Value> in) {
    return Value::integer(std::accumulate(in.begin(), in.end(), std::int64_t{0},
                                          [](std::int64_t t, const Value& v) { return t + v.as_int(); }));
  });

  Snapshot sigma;
  Runtime rt(sigma);
  const ReactiveId s = rt.source(Value::integer(0));
  const ReactiveId t = rt.map({s}, [](Inputs in) { return text("t", in[0].as_int()); });
  const ReactiveId outer = rt.map({t, s, t}, [&](std::span<const Value> in) {
    const std::vector<Value> before(in.begin(), in.end());
    if (!inner.fire(x, Value::integer(in[1].as_int())).committed) throw Error("inner failed");
    // The inner propagation gathered 41 values; this operator's 3 are intact.
    if (std::vector<Value>(in.begin(), in.end()) != before) throw Error("inputs overwritten");
    return Value::list({in[0], in[1], in[2], inner.value(inner_sum)});
  });
  for (std::int64_t v : {3, 4, 5}) {
    const ActionResult result = rt.fire(s, Value::integer(v));
    ASSERT_TRUE(result.committed) << result.failure;
    const Value t_v = text("t", v);
    EXPECT_EQ(rt.value(outer), Value::list({t_v, Value::integer(v), t_v, Value::integer(41 * v + 1)}));
  }
}

}  // namespace
}  // namespace frsim::core
