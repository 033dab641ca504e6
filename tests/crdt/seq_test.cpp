// Seq, the storage of every lattice (core/crdt/seq.hpp), against a plain
// vector: random updates at random ranks on sequences large enough for three
// levels of branches, checking every read after each step, and that the
// sequences an update leaves behind are untouched (structural sharing).

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <numeric>
#include <vector>

#include "core/crdt/seq.hpp"
#include "tests/crdt/random.hpp"

namespace frsim::core::crdt {
namespace {

using testing::Random;

// Elements are weighted by parity: odd ones weigh 1 (as RGA's visible nodes).
struct OddWeight {
  std::uint32_t operator()(const std::int64_t& v) const { return v % 2 != 0 ? 1 : 0; }
};
using Ints = Seq<std::int64_t, OddWeight>;

void expect_same(const Ints& seq, const std::vector<std::int64_t>& model) {
  ASSERT_EQ(seq.size(), model.size());
  ASSERT_TRUE(std::equal(seq.begin(), seq.end(), model.begin(), model.end()));
  const auto odd = static_cast<std::size_t>(std::count_if(model.begin(), model.end(), [](std::int64_t v) { return v % 2 != 0; }));
  ASSERT_EQ(seq.weight(), odd);
  if (model.empty()) return;
  ASSERT_EQ(seq.front(), model.front());
  ASSERT_EQ(seq.back(), model.back());
}

TEST(Seq, RandomUpdatesMatchAVector) {
  Random random(17);
  Ints seq;
  std::vector<std::int64_t> model;
  std::vector<std::pair<Ints, std::vector<std::int64_t>>> kept;  // earlier versions
  for (int step = 0; step < 30000; ++step) {
    const std::uint64_t what = random.below(10);
    const auto value = static_cast<std::int64_t>(random.below(1000000));
    if (model.empty() || what < 6) {  // mostly inserts: the sequence grows to thousands
      const std::size_t rank = random.below(model.size() + 1);
      seq = seq.inserted(rank, value);
      model.insert(model.begin() + static_cast<std::ptrdiff_t>(rank), value);
    } else if (what < 8) {
      const std::size_t rank = random.below(model.size());
      seq = seq.assigned(rank, value);
      model[rank] = value;
    } else {
      const std::size_t rank = random.below(model.size());
      seq = seq.erased(rank);
      model.erase(model.begin() + static_cast<std::ptrdiff_t>(rank));
    }
    if (step % 997 == 0) {
      ASSERT_NO_FATAL_FAILURE(expect_same(seq, model)) << "step " << step;
      kept.emplace_back(seq, model);
    }
    if (!model.empty() && step % 31 == 0) {
      const std::size_t rank = random.below(model.size());
      ASSERT_EQ(seq[rank], model[rank]);
      ASSERT_EQ(*seq.at(rank), model[rank]);
      ASSERT_TRUE(std::equal(seq.at(rank), seq.end(), model.begin() + static_cast<std::ptrdiff_t>(rank), model.end()));
    }
  }
  ASSERT_GT(model.size(), 5000u);  // three levels: more than leaf_max * branch_max
  ASSERT_NO_FATAL_FAILURE(expect_same(seq, model));
  for (const auto& [old_seq, old_model] : kept) ASSERT_NO_FATAL_FAILURE(expect_same(old_seq, old_model));
}

TEST(Seq, ErasingEverythingLeavesAnEmptySequence) {
  Random random(5);
  Ints::Builder build;
  std::vector<std::int64_t> model(5000);
  std::iota(model.begin(), model.end(), 0);
  for (const std::int64_t v : model) build.push_back(v);
  Ints seq = build.finish();
  ASSERT_NO_FATAL_FAILURE(expect_same(seq, model));
  while (!model.empty()) {
    const std::size_t rank = random.below(model.size());
    seq = seq.erased(rank);
    model.erase(model.begin() + static_cast<std::ptrdiff_t>(rank));
    if (model.size() % 250 == 0) {
      ASSERT_NO_FATAL_FAILURE(expect_same(seq, model));
    }
  }
  EXPECT_TRUE(seq.empty());
  EXPECT_TRUE(seq.begin() == seq.end());
}

TEST(Seq, SearchesAndSelectsLikeAVector) {
  for (const std::size_t n : {0u, 1u, 63u, 64u, 65u, 2047u, 2048u, 2049u, 70000u}) {
    Ints::Builder build(n);
    std::vector<std::int64_t> model;
    for (std::size_t i = 0; i < n; ++i) {
      model.push_back(static_cast<std::int64_t>(3 * i + i % 2));  // ascending, half odd
      build.push_back(model.back());
    }
    const Ints seq = build.finish();
    ASSERT_NO_FATAL_FAILURE(expect_same(seq, model)) << n;
    const auto less = [](std::int64_t e, std::int64_t key) { return e < key; };
    for (std::int64_t key = -1; key < static_cast<std::int64_t>(3 * n + 2); key += n > 100 ? 97 : 1) {
      const auto found = seq.lower_bound(key, less);
      const auto expected = std::lower_bound(model.begin(), model.end(), key);
      ASSERT_EQ(found.rank, static_cast<std::size_t>(expected - model.begin())) << n << " " << key;
      ASSERT_EQ(found.item == nullptr, expected == model.end());
      if (found.item != nullptr) {
        ASSERT_EQ(*found.item, *expected);
      }
    }
    std::vector<std::size_t> odd_ranks;
    for (std::size_t i = 0; i < n; ++i) {
      if (model[i] % 2 != 0) odd_ranks.push_back(i);
    }
    for (std::size_t k = 0; k < odd_ranks.size(); k += n > 100 ? 101 : 1) ASSERT_EQ(seq.select_weight(k), odd_ranks[k]);
  }
}

TEST(Seq, SortedUnionSharesATreeTheOtherAddsNothingTo) {
  const auto order = [](std::int64_t a, std::int64_t b) { return a <=> b; };
  const auto first = [](const std::int64_t& a, const std::int64_t&) -> const std::int64_t& { return a; };
  Ints::Builder evens, odds, few;
  for (std::int64_t i = 0; i < 5000; ++i) (i % 2 == 0 ? evens : odds).push_back(i);
  few.push_back(10);
  few.push_back(4001);
  const Ints a = evens.finish();
  const Ints b = odds.finish();
  const Ints c = few.finish();
  const Ints all = sorted_union(a, b, order, keeping(first));
  std::vector<std::int64_t> expected(5000);
  std::iota(expected.begin(), expected.end(), 0);
  ASSERT_NO_FATAL_FAILURE(expect_same(all, expected));
  EXPECT_TRUE(sorted_union(all, a, order, keeping(first)).same_as(all));  // a adds nothing
  EXPECT_TRUE(sorted_union(b, all, order, keeping(first)).same_as(all));
  const Ints grown = sorted_union(a, c, order, keeping(first));  // a few by path copying
  EXPECT_EQ(grown.size(), a.size() + 1);
  EXPECT_EQ(grown[5], 10);
  EXPECT_EQ(grown[2001], 4001);
  EXPECT_TRUE(sorted_covers(all, a, order, [](std::int64_t, std::int64_t) { return true; }));
  EXPECT_FALSE(sorted_covers(a, all, order, [](std::int64_t, std::int64_t) { return true; }));
  EXPECT_FALSE(sorted_covers(a, c, order, [](std::int64_t, std::int64_t) { return true; }));
}

}  // namespace
}  // namespace frsim::core::crdt
