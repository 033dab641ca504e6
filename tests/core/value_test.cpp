#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include "core/error.hpp"
#include "core/value.hpp"

namespace frsim::core {
namespace {

// Generates values of every non-CRDT kind, nested up to a few levels.
rc::Gen<Value> gen_value(int depth) {
  auto scalar = rc::gen::oneOf(
      rc::gen::just(Value()), rc::gen::map(rc::gen::arbitrary<bool>(), &Value::boolean),
      rc::gen::map(rc::gen::arbitrary<std::int64_t>(), &Value::integer),
      rc::gen::map(rc::gen::arbitrary<std::string>(), &Value::string),
      rc::gen::map(rc::gen::inRange<ReactiveId>(0, 100), &Value::ref),
      rc::gen::map(rc::gen::arbitrary<std::string>(), &Value::named_ref));
  if (depth == 0) return scalar;
  auto inner = gen_value(depth - 1);
  auto list = rc::gen::map(rc::gen::container<ValueList>(rc::gen::resize(4, inner)), &Value::list);
  auto map = rc::gen::map(
      rc::gen::container<ValueMap>(rc::gen::resize(4, rc::gen::pair(inner, inner))), &Value::map);
  return rc::gen::weightedOneOf<Value>({{4, scalar}, {1, list}, {1, map}});
}

RC_GTEST_PROP(Value, EncodingRoundTrips, ()) {
  const Value v = *gen_value(2);
  const auto bytes = v.encode();
  const Value back = Value::decode(bytes);
  RC_ASSERT(back == v);
  RC_ASSERT(back.hash() == v.hash());
  RC_ASSERT(back.to_string() == v.to_string());
}

RC_GTEST_PROP(Value, OrderIsTotalAndConsistentWithEquality, ()) {
  const Value a = *gen_value(2);
  const Value b = *gen_value(2);
  const Value c = *gen_value(2);
  const bool order_equal = (a <=> b) == 0;
  const bool antisymmetric = order_equal || ((a < b) != (b < a));
  const bool transitive = !(a <= b && b <= c) || a <= c;
  RC_ASSERT(order_equal == (a == b));
  RC_ASSERT(antisymmetric);
  RC_ASSERT(transitive);
  if (a == b) RC_ASSERT(a.hash() == b.hash());
}

// Lattices order their states by the bytes of their encodings (core/crdt/
// lattice_base.hpp) through encoded_order, which never writes them.
RC_GTEST_PROP(Value, EncodedOrderIsTheByteOrderOfTheEncodings, ()) {
  const Value a = *gen_value(2);
  const Value b = *rc::gen::oneOf(gen_value(2), rc::gen::just(a));
  const auto x = a.encode();
  const auto y = b.encode();
  RC_ASSERT(Value::encoded_order(a, b) == std::lexicographical_compare_three_way(x.begin(), x.end(), y.begin(), y.end()));
}

TEST(Value, EncodedOrderIsNotTheValueOrder) {
  const auto encoded_less = [](const Value& a, const Value& b) { return Value::encoded_order(a, b) < 0; };
  // A string's length comes first; varints are little-endian; integers zigzag.
  EXPECT_TRUE(encoded_less(Value::string("b"), Value::string("aa")));
  EXPECT_TRUE(Value::string("aa") < Value::string("b"));
  EXPECT_TRUE(encoded_less(Value::integer(128), Value::integer(65)));  // 80 02 < 82 01
  EXPECT_TRUE(encoded_less(Value::integer(0), Value::integer(-1)));    // 00 < 01
  EXPECT_FALSE(encoded_less(Value::list({Value::integer(1)}), Value::list({})));
  EXPECT_EQ(Value::encoded_order(Value::ref(300), Value::ref(300)), std::strong_ordering::equal);
}

TEST(Value, EqualContentsHashEqualWhateverTheirConstruction) {
  const Value a = Value::list({Value::string("Alice: 1"), Value::integer(2)});
  const Value b = Value::list({Value::string(std::string("Alice: ") + "1"), Value::integer(2)});
  EXPECT_EQ(a, b);
  EXPECT_EQ(a.hash(), b.hash());
  EXPECT_NE(a.hash(), Value::list({Value::integer(2), Value::string("Alice: 1")}).hash());
}

TEST(Value, MapKeysAreSortedAndTheLastPairWins) {
  const Value m = Value::map({{Value::integer(2), Value::string("b")},
                              {Value::integer(1), Value::string("a")},
                              {Value::integer(2), Value::string("c")}});
  EXPECT_EQ(m.to_string(), R"({1: "a", 2: "c"})");
  ASSERT_NE(m.find(Value::integer(2)), nullptr);
  EXPECT_EQ(*m.find(Value::integer(2)), Value::string("c"));
  EXPECT_EQ(m.find(Value::integer(3)), nullptr);
}

TEST(Value, WrongKindIsATypeErrorNotACrash) {
  EXPECT_THROW((void)Value::string("x").as_int(), TypeError);
  EXPECT_THROW((void)Value::integer(1).as_list(), TypeError);
  EXPECT_THROW((void)Value::join(Value::integer(1), Value::integer(2)), TypeError);
}

TEST(Value, CorruptEncodingsAreDecodeErrors) {
  EXPECT_THROW(Value::decode(std::vector<std::uint8_t>{}), DecodeError);
  EXPECT_THROW(Value::decode(std::vector<std::uint8_t>{200}), DecodeError);
  EXPECT_THROW(Value::decode(std::vector<std::uint8_t>{5, 0xff, 0xff, 0xff, 0x0f}), DecodeError);
  EXPECT_THROW(Value::decode(std::vector<std::uint8_t>{3, 2, 0}), DecodeError);  // trailing byte
  std::vector<std::uint8_t> deep(100, 5);  // lists nested 100 deep
  for (std::size_t i = 1; i < deep.size(); i += 2) deep[i] = 1;
  EXPECT_THROW(Value::decode(deep), DecodeError);
}

TEST(Checked, EachRowOfLosTableIsAnInvalidOperation) {
  const Value list = Value::list({Value::integer(10), Value::integer(20)});
  EXPECT_EQ(checked::divide(7, 2), 3);
  try {
    (void)checked::divide(7, 0);
    FAIL() << "division by zero did not throw";
  } catch (const InvalidOperation& e) {
    EXPECT_EQ(e.op(), InvalidOp::integer_division);
  }
  EXPECT_EQ(checked::array_fetch(list, 1), Value::integer(20));
  EXPECT_THROW((void)checked::array_fetch(list, 2), InvalidOperation);  // index > terminal index
  EXPECT_EQ(checked::array_store(list, 2, Value::integer(30)).as_list().size(), 3u);  // = terminal + 1
  EXPECT_THROW((void)checked::array_store(list, 3, Value()), InvalidOperation);  // > terminal + 1
  const Value m = Value::map({{Value::string("k"), Value::integer(1)}});
  EXPECT_EQ(checked::map_fetch(m, Value::string("k")), Value::integer(1));
  EXPECT_THROW((void)checked::map_fetch(m, Value::string("missing")), InvalidOperation);
}

}  // namespace
}  // namespace frsim::core
