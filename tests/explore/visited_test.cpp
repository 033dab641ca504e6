#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cstdint>
#include <set>

#include "sim/explore/visited.hpp"

namespace frsim::sim::explore {
namespace {

RC_GTEST_PROP(VisitedSet, ExactModeAgreesWithStdSet, (std::vector<std::uint64_t> fingerprints)) {
  VisitedSet visited(1 << 20, false);
  std::set<std::uint64_t> model;
  for (auto fp : fingerprints) {
    // 0 is stored as 1 (documented): model that.
    const std::uint64_t stored = fp == 0 ? 1 : fp;
    RC_ASSERT(visited.insert(fp) == model.insert(stored).second);
  }
  RC_ASSERT(visited.size() == model.size());
  for (auto fp : fingerprints) RC_ASSERT(visited.contains(fp));
  RC_ASSERT(!visited.full());
}

TEST(VisitedSet, ExactModeStopsAtItsBudget) {
  VisitedSet visited(64 * 1024, false);  // 8192 slots at most, three quarters of them usable
  std::uint64_t inserted = 0;
  for (std::uint64_t fp = 1; fp < 100000 && !visited.full(); ++fp) inserted += visited.insert(fp * 7919) ? 1 : 0;
  EXPECT_TRUE(visited.full());
  EXPECT_EQ(inserted, 6144u);
  EXPECT_LE(visited.bytes(), 64u * 1024);
}

// A table that grows past 4 MiB moves to storage in huge pages (DESIGN §6,
// "Expanding a node"): growing into it and out of the small tables keeps
// every state, and only those.
TEST(VisitedSet, ATableGrownIntoHugePagesKeepsEveryState) {
  VisitedSet visited(std::uint64_t{64} << 20, false);
  constexpr std::uint64_t n = 1'000'000;  // 2^21 slots at three quarters: 16 MiB
  for (std::uint64_t i = 1; i <= n; ++i) ASSERT_TRUE(visited.insert(i * 0x9e3779b97f4a7c15ULL)) << i;
  EXPECT_EQ(visited.size(), n);
  EXPECT_GE(visited.bytes(), std::uint64_t{16} << 20);
  for (std::uint64_t i = 1; i <= n; ++i) ASSERT_FALSE(visited.insert(i * 0x9e3779b97f4a7c15ULL)) << i;
  for (std::uint64_t i = n + 1; i <= n + 1000; ++i) EXPECT_FALSE(visited.contains(i * 0x9e3779b97f4a7c15ULL)) << i;
  EXPECT_EQ(visited.size(), n);
}

TEST(VisitedSet, BitstateNeverFillsAndRemembersWhatItSaw) {
  VisitedSet visited(1 << 16, true);
  for (std::uint64_t fp = 1; fp <= 1000; ++fp) visited.insert(fp);
  for (std::uint64_t fp = 1; fp <= 1000; ++fp) EXPECT_TRUE(visited.contains(fp));
  EXPECT_FALSE(visited.full());
  EXPECT_EQ(visited.bytes(), 1u << 16);
  EXPECT_GE(visited.size(), 990u);  // a few collisions are the price of bitstate
}

// One bit per state: an array of 2^20 bits is 128 KiB whatever is stored,
// and its count is a lower bound (never more states than bits, each stored
// state one bit of its own).
TEST(VisitedSet, BitstateSpendsOneBitPerStateAndCountsALowerBound) {
  VisitedSet sized(1 << 30, true, 1 << 20);
  EXPECT_EQ(sized.bytes(), (1u << 20) / 8);
  for (std::uint64_t fp = 1; fp <= 10000; ++fp) sized.insert(fp * 0x9e3779b97f4a7c15ULL);
  EXPECT_LE(sized.size(), 10000u);
  EXPECT_GE(sized.size(), 9900u);  // about n^2 / 2m = 48 collisions expected
  VisitedSet tiny(1 << 30, true, 64);
  std::uint64_t inserted = 0;
  for (std::uint64_t fp = 1; fp <= 1000; ++fp) inserted += tiny.insert(fp) ? 1 : 0;
  EXPECT_EQ(tiny.size(), inserted);
  EXPECT_LE(tiny.size(), 64u);
  EXPECT_EQ(tiny.bytes(), 8u);
}

}  // namespace
}  // namespace frsim::sim::explore
