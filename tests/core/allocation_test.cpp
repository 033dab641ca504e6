// The level policy is the hot path: on a static graph, after warm-up, a
// propagation allocates nothing (buffers are reused). This binary replaces the
// global operator new to count allocations; no other test links it.

#include <gtest/gtest.h>

#include <cstdlib>
#include <new>

#include "core/policy.hpp"
#include "core/runtime.hpp"

namespace {
std::size_t allocations = 0;
}  // namespace

void* operator new(std::size_t bytes) {
  ++allocations;
  if (void* p = std::malloc(bytes == 0 ? 1 : bytes)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace frsim::core {
namespace {

Value plus_one(std::span<const Value> in) { return Value::integer(in[0].as_int() + 1); }

TEST(Allocation, LevelPolicyPropagationAllocatesNothingAfterWarmUp) {
  const std::size_t at_start = allocations;
  Snapshot sigma;
  Runtime rt(sigma);
  const ReactiveId s = rt.source(Value::integer(0));
  ReactiveId chain = s;
  for (int i = 0; i < 20; ++i) chain = rt.map({chain}, plus_one);
  std::vector<ReactiveId> wide;
  for (int i = 0; i < 20; ++i) wide.push_back(rt.map({s}, plus_one));
  const ReactiveId join = rt.map(wide, [](std::span<const Value> in) {
    std::int64_t total = 0;
    for (const Value& v : in) total += v.as_int();
    return Value::integer(total);
  });
  // The same join reading its inputs in place (Inputs), not gathered.
  const ReactiveId join_in_place = rt.map(wide, [](Inputs in) {
    std::int64_t total = 0;
    for (const Value& v : in) total += v.as_int();
    return Value::integer(total);
  });
  const ReactiveId total = rt.fold(join, Value::integer(0), [](const Value& a, const Value& b) {
    return Value::integer(a.as_int() + b.as_int());
  });
  EXPECT_GT(allocations, at_start);  // the counter counts: creation allocates
  for (int i = 1; i <= 5; ++i) ASSERT_TRUE(rt.fire(s, Value::integer(i)).committed);
  const std::size_t before = allocations;
  for (int i = 6; i <= 105; ++i) ASSERT_TRUE(rt.fire(s, Value::integer(i)).committed);
  EXPECT_EQ(allocations - before, 0u);
  EXPECT_EQ(rt.value(chain), Value::integer(125));
  EXPECT_EQ(rt.value(join), Value::integer(20 * 106));
  EXPECT_EQ(rt.value(join_in_place), Value::integer(20 * 106));
  EXPECT_GT(rt.value(total).as_int(), 0);
}

// A Map that builds a list of its inputs on every reevaluation (bench's mux
// shape): the list it built two propagations ago is freed as the next one
// begins, and Value::list_of builds the new one in its storage.
TEST(Allocation, AListBuiltByAnOperatorReusesTheStorageOfTheListItReplaced) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "AddressSanitizer sees every free: no storage is kept";
#endif
  Snapshot sigma;
  Runtime rt(sigma);
  std::vector<ReactiveId> heads;
  for (int i = 0; i < 30; ++i) heads.push_back(rt.source(Value::integer(i)));
  const ReactiveId all = rt.map(heads, [](Inputs in) { return Value::list_of(in); });
  const ReactiveId third = rt.map({all}, [](Inputs in) { return in[0].as_list()[3]; });
  for (int i = 1; i <= 5; ++i) ASSERT_TRUE(rt.fire(heads[3], Value::integer(i)).committed);
  const std::size_t before = allocations;
  for (int i = 6; i <= 105; ++i) ASSERT_TRUE(rt.fire(heads[i % 30], Value::integer(i)).committed);
  EXPECT_EQ(allocations - before, 0u);
  EXPECT_EQ(rt.value(third), Value::integer(93));
  ASSERT_EQ(rt.value(all).as_list().size(), 30u);
  EXPECT_EQ(rt.value(all).as_list()[29], Value::integer(89));
  EXPECT_EQ(rt.value(all).as_list()[0], Value::integer(90));
  // The list built without list_of allocates its own storage every time.
  const ReactiveId copied = rt.map(heads, [](Inputs in) { return Value::list(in.to_vector()); });
  for (int i = 1; i <= 5; ++i) ASSERT_TRUE(rt.fire(heads[0], Value::integer(i)).committed);
  const std::size_t copying = allocations;
  ASSERT_TRUE(rt.fire(heads[0], Value::integer(7)).committed);
  EXPECT_GT(allocations - copying, 0u);  // the counter sees a list's storage
  EXPECT_EQ(rt.value(copied), rt.value(all));
}

}  // namespace
}  // namespace frsim::core
