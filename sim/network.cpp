#include "sim/network.hpp"

#include <algorithm>
#include <cassert>

#include "core/hash.hpp"
#include "sim/prng.hpp"

namespace frsim::sim {

std::uint64_t Message::content_hash() const {
  std::uint64_t h = core::mix64(0x6d7367ULL ^ from);
  h = core::hash_combine(h, to);
  h = core::hash_combine(h, core::hash_bytes(name));
  return core::hash_combine(h, value.hash());
}

namespace {

void link(std::vector<std::vector<std::uint32_t>>& neighbors, std::uint32_t a, std::uint32_t b) {
  if (a == b) return;
  neighbors[a].push_back(b);
  neighbors[b].push_back(a);
}

}  // namespace

std::vector<std::vector<std::uint32_t>> make_topology(Topology topology, std::uint32_t devices,
                                                      std::uint64_t seed) {
  std::vector<std::vector<std::uint32_t>> neighbors(devices);
  switch (topology) {
    case Topology::mesh:
      for (std::uint32_t a = 0; a < devices; ++a) {
        for (std::uint32_t b = a + 1; b < devices; ++b) link(neighbors, a, b);
      }
      break;
    case Topology::ring:
      // A ring of two devices is one edge; of one device, none.
      for (std::uint32_t a = 0; a + 1 < devices; ++a) link(neighbors, a, a + 1);
      if (devices > 2) link(neighbors, devices - 1, 0);
      break;
    case Topology::star:
      for (std::uint32_t a = 1; a < devices; ++a) link(neighbors, 0, a);
      break;
    case Topology::random: {
      // Its own stream, so the topology never shifts the schedule's choices.
      Prng prng(core::hash_combine(seed, 0x746f706fULL));
      for (std::uint32_t a = 1; a < devices; ++a) {
        link(neighbors, a, static_cast<std::uint32_t>(prng.below(a)));  // spanning tree: connected
      }
      for (std::uint32_t a = 0; a < devices; ++a) {
        for (std::uint32_t b = a + 1; b < devices; ++b) {
          if (prng.chance(1, 3)) link(neighbors, a, b);
        }
      }
      break;
    }
  }
  for (auto& list : neighbors) {
    std::sort(list.begin(), list.end());
    list.erase(std::unique(list.begin(), list.end()), list.end());
  }
  return neighbors;
}

Network::Network(Topology topology, std::uint32_t devices, std::uint64_t seed)
    : neighbors_(make_topology(topology, devices, seed)) {}

bool Network::linked(std::uint32_t from, std::uint32_t to) const {
  const auto& list = neighbors_.at(from);
  return std::binary_search(list.begin(), list.end(), to);
}

std::uint64_t Network::send(std::uint32_t from, std::uint32_t to, std::string name, core::Value value) {
  assert(linked(from, to));
  const std::uint64_t id = next_id_++;
  in_flight_.push_back(Message{id, from, to, std::move(name), std::move(value)});
  return id;
}

std::uint64_t Network::duplicate(std::uint64_t id) {
  const Message* original = find(id);
  assert(original != nullptr);
  Message copy = *original;
  copy.id = next_id_++;
  in_flight_.push_back(std::move(copy));
  return in_flight_.back().id;
}

Message Network::take(std::uint64_t id) {
  auto it = std::find_if(in_flight_.begin(), in_flight_.end(),
                         [id](const Message& m) { return m.id == id; });
  assert(it != in_flight_.end());
  Message m = std::move(*it);
  in_flight_.erase(it);
  return m;
}

const Message* Network::find(std::uint64_t id) const {
  // in_flight_ is in ascending id order (appends only; erase keeps order).
  auto it = std::lower_bound(in_flight_.begin(), in_flight_.end(), id,
                             [](const Message& m, std::uint64_t key) { return m.id < key; });
  return it != in_flight_.end() && it->id == id ? &*it : nullptr;
}

std::vector<const Message*> Network::distinct() const {
  std::vector<const Message*> all;
  all.reserve(in_flight_.size());
  for (const auto& m : in_flight_) all.push_back(&m);
  std::stable_sort(all.begin(), all.end(), [](const Message* a, const Message* b) {
    if (a->to != b->to) return a->to < b->to;
    if (a->from != b->from) return a->from < b->from;
    if (a->name != b->name) return a->name < b->name;
    return (a->value <=> b->value) < 0;
  });
  // stable: among equal contents the oldest (lowest id) comes first.
  all.erase(std::unique(all.begin(), all.end(),
                        [](const Message* a, const Message* b) { return a->same_content(*b); }),
            all.end());
  return all;
}

void Network::partition(std::vector<std::uint8_t> side) {
  assert(side.size() == neighbors_.size());
  side_ = std::move(side);
}

void Network::heal() { side_.reset(); }

bool Network::blocked(std::uint32_t from, std::uint32_t to) const {
  return side_.has_value() && (*side_)[from] != (*side_)[to];
}

std::uint64_t Network::fingerprint() const {
  std::uint64_t sum = 0;  // commutative: independent of send order
  for (const auto& m : in_flight_) sum += core::mix64(m.content_hash());
  std::uint64_t h = core::hash_combine(0x6e6574ULL, sum);
  h = core::hash_combine(h, in_flight_.size());
  if (side_) {
    for (auto s : *side_) h = core::hash_combine(h, s + 1U);
  }
  return h;
}

}  // namespace frsim::sim
