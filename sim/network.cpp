#include "sim/network.hpp"

#include <algorithm>
#include <cassert>

#include "core/hash.hpp"
#include "sim/prng.hpp"

namespace frsim::sim {

std::uint64_t Message::hash_of(std::uint32_t from, std::uint32_t to, std::string_view name,
                               const core::Value& value) {
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

Network::Network(Topology topology, std::uint32_t devices, std::uint64_t seed, bool anonymous)
    : neighbors_(std::make_shared<const std::vector<std::vector<std::uint32_t>>>(
          make_topology(topology, devices, seed))),
      anonymous_(anonymous) {}

bool Network::linked(std::uint32_t from, std::uint32_t to) const {
  const auto& list = neighbors(from);
  return std::binary_search(list.begin(), list.end(), to);
}

// The canonical order, reversed: `a` goes before `b` in the vector.
bool Network::after(const Message& a, const Message& b) const {
  if (a.to != b.to) return a.to > b.to;
  if (sender_identity(a) != sender_identity(b)) return sender_identity(a) > sender_identity(b);
  if (a.name != b.name) return a.name > b.name;
  if (const auto c = a.value <=> b.value; c != 0) return c > 0;
  return a.id > b.id;
}

void Network::add(Message m) {
  sum_ += core::mix64(m.hash);
  in_flight_.push_back(std::move(m));
}

void Network::sort() const {
  if (sorted_ == in_flight_.size()) return;
  // Usually one message came since the last listing: insert each new one
  // into its place (`after` is a total order, ids being unique, so this is
  // the order any sort gives) without the buffer inplace_merge allocates.
  const auto order = [this](const Message& a, const Message& b) { return after(a, b); };
  if (in_flight_.size() - sorted_ > 8) {  // a restored network: sort it whole
    const auto middle = in_flight_.begin() + static_cast<std::ptrdiff_t>(sorted_);
    std::sort(middle, in_flight_.end(), order);
    std::inplace_merge(in_flight_.begin(), middle, in_flight_.end(), order);
    sorted_ = in_flight_.size();
    return;
  }
  for (; sorted_ < in_flight_.size(); ++sorted_) {
    const auto end = in_flight_.begin() + static_cast<std::ptrdiff_t>(sorted_);
    const auto at = std::upper_bound(in_flight_.begin(), end, *end, order);
    std::rotate(at, end, end + 1);
  }
}

std::size_t Network::position(std::uint64_t id) const {
  for (std::size_t i = in_flight_.size(); i-- > 0;) {
    if (in_flight_[i].id == id) return i;
  }
  return in_flight_.size();
}

std::uint64_t Network::send(std::uint32_t from, std::uint32_t to, std::string name, core::Value value) {
  assert(linked(from, to));
  const std::uint64_t id = next_id_++;
  const std::uint64_t hash = Message::hash_of(anonymous_ ? 0 : from, to, name, value);
  add(Message{id, from, to, std::move(name), std::move(value), hash});
  return id;
}

std::uint64_t Network::duplicate(std::uint64_t id) {
  const std::size_t at = position(id);
  assert(at < in_flight_.size());
  Message copy = in_flight_[at];
  copy.id = next_id_++;
  add(std::move(copy));
  return next_id_ - 1;
}

Message Network::take(std::uint64_t id) {
  sort();
  const std::size_t at = position(id);
  assert(at < in_flight_.size());
  Message m = std::move(in_flight_[at]);
  in_flight_.erase(in_flight_.begin() + static_cast<std::ptrdiff_t>(at));
  --sorted_;
  sum_ -= core::mix64(m.hash);
  return m;
}

const Message* Network::find(std::uint64_t id) const {
  const std::size_t at = position(id);
  return at < in_flight_.size() ? &in_flight_[at] : nullptr;
}

std::span<const Message> Network::in_flight() const {
  sort();
  return in_flight_;
}

std::size_t Network::inbox_size(std::uint32_t device) const {
  return static_cast<std::size_t>(
      std::count_if(in_flight_.begin(), in_flight_.end(), [device](const Message& m) { return m.to == device; }));
}

std::vector<const Message*> Network::distinct() const {
  std::vector<const Message*> out;
  for_each_distinct([&out](const Message& m) { out.push_back(&m); });
  return out;
}

void Network::partition(std::vector<std::uint8_t> side) {
  assert(side.size() == neighbors_->size());
  side_ = std::move(side);
}

void Network::heal() { side_.reset(); }

bool Network::blocked(std::uint32_t from, std::uint32_t to) const {
  return side_.has_value() && (*side_)[from] != (*side_)[to];
}

std::uint64_t Network::fingerprint() const {
  std::uint64_t h = core::hash_combine(0x6e6574ULL, sum_);
  h = core::hash_combine(h, in_flight_.size());
  if (side_) {
    for (auto s : *side_) h = core::hash_combine(h, s + 1U);
  }
  return h;
}

void Network::restore(std::vector<Message> in_flight, std::optional<std::vector<std::uint8_t>> side,
                      std::uint64_t next_id) {
  in_flight_ = std::move(in_flight);
  sorted_ = 0;
  sum_ = 0;
  for (Message& m : in_flight_) {
    m.hash = Message::hash_of(sender_identity(m), m.to, m.name, m.value);
    sum_ += core::mix64(m.hash);
  }
  side_ = std::move(side);
  next_id_ = next_id;
}

}  // namespace frsim::sim
