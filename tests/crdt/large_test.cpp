// Lattices far larger than one leaf of their storage (core/crdt/seq.hpp): the
// law suite's states hold a handful of elements, these hold thousands, so
// joins run both ways (linear merges and path-copying a delta in), updates
// split and empty leaves, and the encodings span many leaves.

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "core/crdt/crdt.hpp"
#include "core/hash.hpp"
#include "tests/crdt/random.hpp"

namespace frsim::core::crdt {
namespace {

using testing::Random;

// Integers, and strings of varying length, so that Value order and encoding
// order disagree (a longer string encodes after a shorter greater one).
Value element(std::uint64_t n) {
  if (n % 3 == 0) return Value::string(std::string(n % 11, static_cast<char>('a' + n % 23)));
  return Value::integer(static_cast<std::int64_t>(n) - 500);
}

std::vector<std::uint8_t> payload(const Lattice& lattice) {
  Encoder out;
  lattice.encode(out);
  return out.take();
}

// What every state must satisfy, whatever its size.
template <class T>
void expect_sound(const Rc<const T>& a, const Rc<const T>& b, const Rc<const T>& c) {
  const auto same = [](const Rc<const T>& x, const Rc<const T>& y) { return to_value(x) == to_value(y); };
  EXPECT_TRUE(same(a->merge(*b), b->merge(*a)));
  EXPECT_TRUE(same(a->merge(*b)->merge(*c), a->merge(*b->merge(*c))));
  EXPECT_TRUE(same(a->merge(*a), a));
  EXPECT_TRUE(same(a->merge(*b)->merge(*b), a->merge(*b)));
  EXPECT_TRUE(a->below(*a->merge(*b)));
  EXPECT_TRUE(b->below(*a->merge(*b)));
  for (const auto& [x, y] : {std::pair{a, b}, std::pair{a, a->merge(*b)}, std::pair{c, b->merge(*c)}}) {
    const auto px = payload(*x);
    const auto py = payload(*y);
    EXPECT_EQ(x->compare(*y), std::lexicographical_compare_three_way(px.begin(), px.end(), py.begin(), py.end()));
    EXPECT_EQ(x->hash(), hash_bytes(std::string_view(reinterpret_cast<const char*>(px.data()), px.size())));
    const Value back = Value::decode(to_value(x).encode());
    EXPECT_EQ(back, to_value(x));
    EXPECT_EQ(back.encode(), to_value(x).encode());
  }
}

TEST(Large, GSetsOfThousands) {
  Random random(1);
  std::array<Rc<const GSet>, 3> replicas{GSet::empty(), GSet::empty(), GSet::empty()};
  std::set<Value> all;
  for (int step = 0; step < 9000; ++step) {
    auto& s = replicas[random.below(3)];
    if (random.below(20) == 0) {
      s = s->merge(*replicas[random.below(3)]);
    } else {
      const Value e = element(random.below(3000));
      s = random.below(2) == 0 ? s->add(e) : s->merge(*s->add_delta(e));
      all.insert(e);
    }
  }
  const auto joined = replicas[0]->merge(*replicas[1])->merge(*replicas[2]);
  EXPECT_EQ(joined->elements(), ValueList(all.begin(), all.end()));
  EXPECT_GT(joined->size(), 2000u);
  expect_sound(replicas[0], replicas[1], replicas[2]);
}

TEST(Large, OrSetsAddAndRemoveLikeASetOnOneReplica) {
  Random random(2);
  auto s = OrSet::empty();
  std::set<Value> model;
  std::array<Rc<const OrSet>, 3> snapshots{OrSet::empty(), OrSet::empty(), OrSet::empty()};
  for (int step = 0; step < 8000; ++step) {
    const Value e = element(random.below(4000));
    if (random.below(4) == 0) {
      s = random.below(2) == 0 ? s->remove(e) : s->merge(*s->remove_delta(e));
      model.erase(e);
    } else {
      const auto replica = static_cast<ReplicaId>(random.below(3));
      s = random.below(2) == 0 ? s->add(replica, e) : s->merge(*s->add_delta(replica, e));
      model.insert(e);
    }
    if (step % 2900 == 0) snapshots[static_cast<std::size_t>(step / 2900)] = s;
    EXPECT_EQ(s->contains(e), model.contains(e));
  }
  EXPECT_EQ(s->elements(), ValueList(model.begin(), model.end()));
  EXPECT_EQ(s->size(), model.size());
  // Concurrent replicas: each forks from a snapshot and edits its own way.
  std::array<Rc<const OrSet>, 3> replicas{};
  for (std::size_t r = 0; r < 3; ++r) {
    replicas[r] = snapshots[r]->merge(*s);
    for (int step = 0; step < 500; ++step) {
      const Value e = element(random.below(4000));
      replicas[r] = random.below(3) == 0 ? replicas[r]->remove(e) : replicas[r]->add(static_cast<ReplicaId>(r), e);
    }
  }
  expect_sound(replicas[0], replicas[1], replicas[2]);
}

TEST(Large, RgasEditLikeAVectorOnOneReplica) {
  Random random(3);
  auto list = Rga::empty();
  std::vector<Value> model;
  for (int step = 0; step < 6000; ++step) {
    if (model.empty() || random.below(4) != 0) {
      const std::size_t at = random.below(model.size() + 1);
      const Value v = Value::integer(step);
      list = random.below(2) == 0 ? list->insert(static_cast<ReplicaId>(step % 3), at, v)
                                  : list->merge(*list->insert_delta(static_cast<ReplicaId>(step % 3), at, v));
      model.insert(model.begin() + static_cast<std::ptrdiff_t>(at), v);
    } else {
      const std::size_t at = random.below(model.size());
      list = random.below(2) == 0 ? list->remove(at) : list->merge(*list->remove_delta(at));
      model.erase(model.begin() + static_cast<std::ptrdiff_t>(at));
    }
    if (step % 1000 == 0) {
      ASSERT_EQ(list->elements(), model) << step;
    }
  }
  EXPECT_EQ(list->elements(), model);
  EXPECT_EQ(list->size(), model.size());
  // Three replicas edit concurrently from there, then exchange deltas only.
  std::array<Rc<const Rga>, 3> replicas{list, list, list};
  std::vector<Rc<const Rga>> deltas;
  for (int step = 0; step < 900; ++step) {
    auto& r = replicas[static_cast<std::size_t>(step % 3)];
    const auto delta = random.below(3) == 0 && r->size() > 0
                           ? r->remove_delta(random.below(r->size()))
                           : r->insert_delta(static_cast<ReplicaId>(step % 3), random.below(r->size() + 1), Value::integer(-step));
    r = r->merge(*delta);
    deltas.push_back(delta);
  }
  expect_sound(replicas[0], replicas[1], replicas[2]);
  const auto joined = replicas[0]->merge(*replicas[1])->merge(*replicas[2]);
  for (auto r : replicas) {
    for (auto it = deltas.rbegin(); it != deltas.rend(); ++it) r = r->merge(**it);  // newest first
    EXPECT_EQ(to_value(r), to_value(joined));
    EXPECT_EQ(r->elements(), joined->elements());
  }
}

TEST(Large, CountersAndMapsOfThousandsOfKeys) {
  Random random(4);
  std::array<Rc<const GCounter>, 3> counters{GCounter::empty(), GCounter::empty(), GCounter::empty()};
  std::array<Rc<const OrMap>, 3> maps{OrMap::empty(), OrMap::empty(), OrMap::empty()};
  std::uint64_t increments = 0;
  for (int step = 0; step < 9000; ++step) {
    const std::size_t r = random.below(3);
    // Each state increments replica ids of its own: a replica writes on one state.
    const auto replica = static_cast<ReplicaId>(r * 2500 + random.below(2500));
    if (random.below(25) == 0) {
      counters[r] = counters[r]->merge(*counters[random.below(3)]);
      maps[r] = maps[r]->merge(*maps[random.below(3)]);
      continue;
    }
    counters[r] = counters[r]->increment(replica);
    ++increments;
    const Value key = element(replica % 2500);
    if (random.below(5) == 0) {
      maps[r] = maps[r]->remove(key);
    } else {
      const Value* current = maps[r]->get(key);
      const auto counter = current != nullptr ? as<GCounter>(*current).self() : GCounter::empty();
      maps[r] = maps[r]->merge(*maps[r]->put_delta(static_cast<ReplicaId>(r), key, to_value(counter->increment_delta(static_cast<ReplicaId>(r)))));
    }
  }
  EXPECT_EQ(counters[0]->merge(*counters[1])->merge(*counters[2])->count(), increments);  // each counted once
  expect_sound(counters[0], counters[1], counters[2]);
  expect_sound(maps[0], maps[1], maps[2]);
  EXPECT_GT(maps[0]->merge(*maps[1])->size(), 1000u);
}

}  // namespace
}  // namespace frsim::core::crdt
