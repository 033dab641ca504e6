#include "sim/network.hpp"

#include <deque>
#include <tuple>

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

namespace frsim::sim {
namespace {

bool connected(const std::vector<std::vector<std::uint32_t>>& neighbors) {
  std::vector<bool> seen(neighbors.size(), false);
  std::deque<std::uint32_t> queue{0};
  seen[0] = true;
  while (!queue.empty()) {
    const auto d = queue.front();
    queue.pop_front();
    for (auto n : neighbors[d]) {
      if (!seen[n]) {
        seen[n] = true;
        queue.push_back(n);
      }
    }
  }
  return std::find(seen.begin(), seen.end(), false) == seen.end();
}

bool symmetric(const std::vector<std::vector<std::uint32_t>>& neighbors) {
  for (std::uint32_t a = 0; a < neighbors.size(); ++a) {
    for (auto b : neighbors[a]) {
      if (b == a) return false;
      const auto& back = neighbors[b];
      if (std::find(back.begin(), back.end(), a) == back.end()) return false;
    }
  }
  return true;
}

TEST(Topology, ShapesHaveTheirEdges) {
  const auto mesh = make_topology(Topology::mesh, 4, 0);
  EXPECT_EQ(mesh[0], (std::vector<std::uint32_t>{1, 2, 3}));
  const auto ring = make_topology(Topology::ring, 5, 0);
  EXPECT_EQ(ring[0], (std::vector<std::uint32_t>{1, 4}));
  EXPECT_EQ(ring[2], (std::vector<std::uint32_t>{1, 3}));
  const auto star = make_topology(Topology::star, 4, 0);
  EXPECT_EQ(star[0], (std::vector<std::uint32_t>{1, 2, 3}));
  EXPECT_EQ(star[3], (std::vector<std::uint32_t>{0}));
  EXPECT_TRUE(make_topology(Topology::mesh, 1, 0)[0].empty());
}

RC_GTEST_PROP(Topology, EveryShapeIsSymmetricAndConnected, (std::uint64_t seed)) {
  const auto devices = *rc::gen::inRange<std::uint32_t>(1, 20);
  for (auto t : {Topology::mesh, Topology::ring, Topology::star, Topology::random}) {
    const auto n = make_topology(t, devices, seed);
    RC_ASSERT(n.size() == devices);
    RC_ASSERT(symmetric(n));
    RC_ASSERT(connected(n));
  }
  RC_ASSERT(make_topology(Topology::random, devices, seed) == make_topology(Topology::random, devices, seed));
}

TEST(Network, DuplicateAddsACopyAndTakeRemovesOne) {
  Network net(Topology::mesh, 3, 0);
  const auto id = net.send(0, 1, "x", core::Value::integer(1));
  const auto copy = net.duplicate(id);
  EXPECT_NE(id, copy);
  ASSERT_EQ(net.in_flight().size(), 2U);
  EXPECT_TRUE(net.same_content(net.in_flight()[0], net.in_flight()[1]));
  EXPECT_EQ(net.distinct().size(), 1U);  // equal contents are one choice
  EXPECT_EQ(net.distinct()[0]->id, id);  // the oldest represents them
  const Message m = net.take(id);
  EXPECT_EQ(m.value, core::Value::integer(1));
  EXPECT_EQ(net.in_flight().size(), 1U);
  EXPECT_EQ(net.find(id), nullptr);
  EXPECT_NE(net.find(copy), nullptr);
}

// The listing order is one total order however messages arrive: read after
// every send (each new message inserted into place) and read once after many
// sends or a restore (the batch sorted whole), networks with the same
// messages list them the same, and each in the order `after` gives.
RC_GTEST_PROP(Network, ListsMessagesInOneOrderHoweverTheyArrive, ()) {
  const auto sends = *rc::gen::container<std::vector<std::tuple<std::uint32_t, std::uint32_t, int, bool>>>(
      rc::gen::tuple(rc::gen::inRange<std::uint32_t>(0, 3), rc::gen::inRange<std::uint32_t>(1, 3),
                     rc::gen::inRange(0, 4), rc::gen::arbitrary<bool>()));
  Network read_often(Topology::mesh, 3, 0);
  Network read_once(Topology::mesh, 3, 0);
  for (const auto& [from, offset, v, named_y] : sends) {
    const std::uint32_t to = (from + offset) % 3;
    const std::string name = named_y ? "y" : "x";
    read_often.send(from, to, name, core::Value::integer(v));
    read_once.send(from, to, name, core::Value::integer(v));
    RC_ASSERT(read_often.in_flight().size() == read_once.size());  // sorts what came since
  }
  Network restored(Topology::mesh, 3, 0);
  const auto all = read_once.in_flight();
  std::vector<Message> reversed(all.rbegin(), all.rend());
  restored.restore(std::move(reversed), std::nullopt, sends.size());
  const auto a = read_often.in_flight();
  const auto b = read_once.in_flight();
  const auto c = restored.in_flight();
  RC_ASSERT(a.size() == sends.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    RC_ASSERT(a[i].id == b[i].id);
    RC_ASSERT(a[i].id == c[i].id);
    if (i > 0) {  // canonical order from the back: (destination, sender, name, value), then id
      const auto key = [](const Message& m) { return std::tuple(m.to, m.from, m.name, m.value.as_int(), m.id); };
      RC_ASSERT(key(a[i]) < key(a[i - 1]));
    }
  }
}

TEST(Network, PartitionBlocksAcrossSidesUntilHeal) {
  Network net(Topology::mesh, 3, 0);
  net.partition({1, 0, 0});
  EXPECT_TRUE(net.blocked(0, 1));
  EXPECT_TRUE(net.blocked(2, 0));
  EXPECT_FALSE(net.blocked(1, 2));
  net.heal();
  EXPECT_FALSE(net.blocked(0, 1));
}

RC_GTEST_PROP(Network, FingerprintIgnoresSendOrderAndIds, ()) {
  const auto values = *rc::gen::container<std::vector<int>>(rc::gen::inRange(0, 5));
  Network forward(Topology::mesh, 3, 0);
  Network backward(Topology::mesh, 3, 0);
  for (std::size_t i = 0; i < values.size(); ++i) {
    forward.send(static_cast<std::uint32_t>(i % 3), static_cast<std::uint32_t>((i + 1) % 3), "x",
                 core::Value::integer(values[i]));
  }
  backward.send(1, 2, "pad", core::Value());  // shifts every id by one
  backward.take(1);
  for (std::size_t k = values.size(); k-- > 0;) {
    backward.send(static_cast<std::uint32_t>(k % 3), static_cast<std::uint32_t>((k + 1) % 3), "x",
                  core::Value::integer(values[k]));
  }
  RC_ASSERT(forward.fingerprint() == backward.fingerprint());
  forward.send(0, 1, "x", core::Value::integer(9));
  RC_ASSERT(forward.fingerprint() != backward.fingerprint());
}

}  // namespace
}  // namespace frsim::sim
