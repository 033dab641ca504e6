#pragma once
// The network: the multiset S of in-flight messages (paper Fig. 9), a topology
// saying who may send to whom, and partitions that block delivery.
//
// Message ids are assigned in send order and exist for traces and events; they
// are not part of a world's identity, so fingerprint() hashes the multiset of
// message contents order-independently (a commutative sum of per-message
// hashes, kept up to date as messages come and go).
//
// An anonymous network (WorldConfig::anonymous_messages) leaves the sender
// out of a message's identity, as Fig. 9's S does: content, hash, order and
// distinctness go by (destination, name, value); the sender stays recorded.
//
// Messages are kept in canonical order — (destination, sender, name, value),
// then id — from the back of a vector: transitions list them in that order,
// and healing delivers the first one and removes it in constant time. Sends
// append; the order is restored when next read, by inserting each message
// appended since into its place (usually one: linear in the messages, no
// allocation), or, after a restore, by sorting the batch and merging it in.

#include <cassert>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <string>
#include <vector>

#include "core/value.hpp"
#include "sim/config.hpp"

namespace frsim::sim {

// (reactive name, value, destination), plus the sender for topology and events.
struct Message {
  std::uint64_t id = 0;
  std::uint32_t from = 0;
  std::uint32_t to = 0;
  std::string name;
  core::Value value;
  std::uint64_t hash = 0;  // content_hash(), computed once when the message is made

  std::uint64_t content_hash() const { return hash; }
  // The hash of (from, to, name, value); an anonymous network passes 0 as
  // `from` (Network::sender_identity).
  static std::uint64_t hash_of(std::uint32_t from, std::uint32_t to, std::string_view name, const core::Value& value);
};

// neighbors[d]: the devices d may send to, ascending. Always symmetric and
// connected. `random` is a seeded random spanning tree plus extra edges.
std::vector<std::vector<std::uint32_t>> make_topology(Topology topology, std::uint32_t devices,
                                                      std::uint64_t seed);

class Network {
 public:
  Network(Topology topology, std::uint32_t devices, std::uint64_t seed, bool anonymous = false);

  const std::vector<std::uint32_t>& neighbors(std::uint32_t device) const { return (*neighbors_).at(device); }
  bool linked(std::uint32_t from, std::uint32_t to) const;

  // Adds a message; returns its id.
  std::uint64_t send(std::uint32_t from, std::uint32_t to, std::string name, core::Value value);
  // Adds a copy of message `id` under a new id; returns the new id.
  std::uint64_t duplicate(std::uint64_t id);
  // Removes and returns message `id` (delivery or drop). Precondition: in flight.
  Message take(std::uint64_t id);
  const Message* find(std::uint64_t id) const;
  // Every message in flight, in reverse canonical order (the first message
  // of the canonical order is the last element).
  std::span<const Message> in_flight() const;
  // The same messages in no particular order, without restoring the order:
  // for what sums over them (a fingerprint, a count), on a child whose
  // order the next read restores anyway.
  std::span<const Message> in_flight_unordered() const { return in_flight_; }
  // One message per distinct content (the oldest), ordered by (to, from, name,
  // value): delivering, dropping or duplicating either of two equal messages
  // leads to the same world, so transitions list each content once.
  std::vector<const Message*> distinct() const;
  // The same, without allocating: f(message) for each, in that order.
  template <class F>
  void for_each_distinct(F&& f) const {
    const auto all = in_flight();
    for (std::size_t i = all.size(); i-- > 0;) {
      if (i + 1 < all.size() && same_content(all[i], all[i + 1])) continue;
      f(all[i]);
    }
  }
  // Whether the sender is left out of a message's identity. Set only while
  // nothing is in flight.
  bool anonymous() const { return anonymous_; }
  void set_anonymous(bool anonymous) {
    assert(in_flight_.empty());
    anonymous_ = anonymous;
  }
  // The sender as identity sees it: 0 for every message when anonymous.
  std::uint32_t sender_identity(const Message& m) const { return anonymous_ ? 0 : m.from; }
  bool same_content(const Message& a, const Message& b) const {
    return a.hash == b.hash && sender_identity(a) == sender_identity(b) && a.to == b.to && a.name == b.name &&
           a.value == b.value;
  }
  // Messages in flight to `device`.
  std::size_t inbox_size(std::uint32_t device) const;
  bool empty() const { return in_flight_.empty(); }
  std::size_t size() const { return in_flight_.size(); }

  // Partition: `side[d]` says which side d is on; messages between sides are
  // not delivered until heal().
  void partition(std::vector<std::uint8_t> side);
  void heal();
  bool partitioned() const { return side_.has_value(); }
  bool blocked(std::uint32_t from, std::uint32_t to) const;
  const std::optional<std::vector<std::uint8_t>>& sides() const { return side_; }

  std::uint64_t fingerprint() const;
  std::uint64_t next_id() const { return next_id_; }
  // Ids for other messages of the world (Lo messages, user requests), so every
  // message id in an event stream is unique.
  std::uint64_t allocate_id() { return next_id_++; }

  // For state vectors (sim/state.cpp): the whole content, restored exactly.
  void restore(std::vector<Message> in_flight, std::optional<std::vector<std::uint8_t>> side, std::uint64_t next_id);

 private:
  void add(Message m);
  void sort() const;
  bool after(const Message& a, const Message& b) const;
  std::size_t position(std::uint64_t id) const;

  std::shared_ptr<const std::vector<std::vector<std::uint32_t>>> neighbors_;
  mutable std::vector<Message> in_flight_;
  mutable std::size_t sorted_ = 0;  // in_flight_[0, sorted_) is in order
  std::uint64_t sum_ = 0;  // Σ mix64(content hash): the multiset, in no order
  std::optional<std::vector<std::uint8_t>> side_;
  std::uint64_t next_id_ = 1;
  bool anonymous_ = false;
};

}  // namespace frsim::sim
