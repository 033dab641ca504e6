#include "sim/prng.hpp"

#include <array>

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

namespace frsim::sim {
namespace {

RC_GTEST_PROP(Prng, SameSeedSameSequence, (std::uint64_t seed)) {
  Prng a(seed);
  Prng b(seed);
  for (int i = 0; i < 100; ++i) RC_ASSERT(a.next() == b.next());
}

RC_GTEST_PROP(Prng, BelowStaysBelowTheBound, (std::uint64_t seed, std::uint64_t bound)) {
  RC_PRE(bound > 0);
  Prng prng(seed);
  for (int i = 0; i < 100; ++i) RC_ASSERT(prng.below(bound) < bound);
}

TEST(Prng, MatchesTheReferenceXoshiro256StarStar) {
  // Reference values of xoshiro256** seeded by splitmix64 from 0 (computed by
  // an independent implementation): a change of the generator would change
  // every recorded schedule, so it must fail loudly.
  Prng prng(0);
  EXPECT_EQ(prng.next(), 0x99ec5f36cb75f2b4ULL);
  EXPECT_EQ(prng.next(), 0xbf6e1f784956452aULL);
  EXPECT_EQ(prng.next(), 0x1a5f849d4933e6e0ULL);
}

TEST(Prng, BelowIsRoughlyUniform) {
  Prng prng(42);
  std::array<int, 10> buckets{};
  for (int i = 0; i < 100000; ++i) ++buckets[prng.below(10)];
  for (int count : buckets) {
    EXPECT_GT(count, 9500);
    EXPECT_LT(count, 10500);
  }
}

}  // namespace
}  // namespace frsim::sim
