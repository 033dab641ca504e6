// Symmetry reduction renames replica ids inside values (core/crdt/rename.hpp).
// A renaming is faithful when it commutes with the whole replicated history:
// the state replica r reaches under a history, renamed by π, is the state
// replica π(r) reaches under the same history with every replica renamed by
// π. Checked for every lattice over random histories of three replicas and
// every permutation of them; the types that order replica ids (a Lamport
// timestamp's tie-break) must refuse instead, and they are shown to need to.

#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <algorithm>
#include <array>
#include <type_traits>
#include <vector>

#include "core/crdt/rename.hpp"
#include "tests/crdt/traits.hpp"

namespace frsim::core::crdt::testing {
namespace {

using Permutation = std::array<ReplicaId, replica_count>;

std::vector<Permutation> permutations() {
  std::vector<Permutation> out;
  Permutation p{0, 1, 2};
  do {
    out.push_back(p);
  } while (std::next_permutation(p.begin(), p.end()));
  return out;
}

std::vector<Step> renamed(std::vector<Step> history, const Permutation& to_new) {
  for (Step& step : history) {
    step.replica = static_cast<int>(to_new[static_cast<std::size_t>(step.replica)]);
    step.from = static_cast<int>(to_new[static_cast<std::size_t>(step.from)]);
  }
  return history;
}

template <class T>
constexpr bool orders_replica_ids = std::is_same_v<T, LwwRegister> || std::is_same_v<T, Rga>;

template <class Traits>
class Renaming : public ::testing::Test {};

TYPED_TEST_SUITE(Renaming, AllLattices, TraitsName);

TYPED_TEST(Renaming, CommutesWithEveryHistoryOrRefuses) {
  using T = typename TypeParam::Type;
  EXPECT_TRUE(rc::check([] {
    const auto history = *gen_history<TypeParam>();
    const auto to_new = *rc::gen::elementOf(permutations());
    const auto before = replay<TypeParam>(history);
    const auto after = replay<TypeParam>(renamed(history, to_new));
    for (std::size_t r = 0; r < replica_count; ++r) {
      const auto image = rename_replicas(to_value(before[r]), to_new);
      const Value expected = to_value(after[to_new[r]]);
      if (!image) {
        // Refused: only a type that orders replica ids, and never bottom.
        RC_ASSERT(orders_replica_ids<T>);
        RC_ASSERT(!before[r]->leq(*T::empty()));
        continue;
      }
      RC_ASSERT(*image == expected);
      // A bijection: renaming back gives the state itself.
      Permutation to_old{};
      for (std::size_t d = 0; d < replica_count; ++d) to_old[to_new[d]] = static_cast<ReplicaId>(d);
      const auto back = rename_replicas(*image, to_old);
      RC_ASSERT(back.has_value());
      RC_ASSERT(*back == to_value(before[r]));
    }
  }));
}

// Why those types refuse: two concurrent writes tie on the Lamport clock and
// the replica id decides. Swap the writers and the other value wins, so no
// renaming of the merged state is the merged state of the swapped history.
TEST(Renaming, AnLwwRegisterTieGoesTheOtherWayUnderASwap) {
  const Permutation swap{1, 0, 2};
  const auto x = Value::string("x"), y = Value::string("y");
  const auto merged = LwwRegister::empty()->assign(0, x)->merge(*LwwRegister::empty()->assign(1, y));
  const auto swapped = LwwRegister::empty()->assign(1, x)->merge(*LwwRegister::empty()->assign(0, y));
  EXPECT_EQ(merged->get(), y);
  EXPECT_EQ(swapped->get(), x);  // not y under any renaming of ids
  EXPECT_FALSE(rename_replicas(to_value(merged), swap).has_value());
  EXPECT_EQ(rename_replicas(to_value(LwwRegister::empty()), swap), to_value(LwwRegister::empty()));
}

TEST(Renaming, RgaConcurrentInsertsOrderByReplicaId) {
  const Permutation swap{1, 0, 2};
  const auto x = Value::string("x"), y = Value::string("y");
  const auto merged = Rga::empty()->insert(0, 0, x)->merge(*Rga::empty()->insert(1, 0, y));
  const auto swapped = Rga::empty()->insert(1, 0, x)->merge(*Rga::empty()->insert(0, 0, y));
  EXPECT_EQ(merged->elements(), (ValueList{y, x}));
  EXPECT_EQ(swapped->elements(), (ValueList{x, y}));
  EXPECT_FALSE(rename_replicas(to_value(merged), swap).has_value());
  EXPECT_EQ(rename_replicas(to_value(Rga::empty()), swap), to_value(Rga::empty()));
}

// Values nest: lists, maps (keys too) and lattices inside lattices are renamed.
TEST(Renaming, RenamesInsideListsMapsAndNestedLattices) {
  const Permutation rotate{1, 2, 0};
  const auto counter = [](ReplicaId r) { return to_value(GCounter::empty()->increment(r, 5)); };
  const Value v = Value::list({counter(0), Value::map({{counter(1), Value::integer(7)}}),
                               to_value(GSet::empty()->add(counter(2))), Value::string("d0")});
  const Value expected = Value::list({counter(1), Value::map({{counter(2), Value::integer(7)}}),
                                      to_value(GSet::empty()->add(counter(0))), Value::string("d0")});
  EXPECT_EQ(rename_replicas(v, rotate), expected);
  // One value that orders ids refuses the whole.
  EXPECT_FALSE(rename_replicas(Value::list({counter(0), to_value(LwwRegister::empty()->assign(0, Value::integer(1)))}),
                               rotate)
                   .has_value());
}

// Ids past the permutation's end (replicas that are not devices) stay.
TEST(Renaming, IdsOutsideThePermutationStay) {
  const Permutation swap{1, 0, 2};
  const auto c = to_value(GCounter::empty()->increment(0, 1)->increment(9, 2));
  EXPECT_EQ(rename_replicas(c, swap), to_value(GCounter::empty()->increment(1, 1)->increment(9, 2)));
}

}  // namespace
}  // namespace frsim::core::crdt::testing
