#pragma once
// Causal metadata of the dot-based CRDTs (OR-Set, MV-Register, EW-Flag,
// OR-Map): dots, logical timestamps and causal contexts, after Almeida, Shoker
// and Baquero, "Delta state replicated data types" (JPDC 2018), §5.
//
// Replica ids are device indices (std::uint32_t): a device keeps its index
// across restarts, so its dots stay unique as long as its counters survive in
// the replicated state itself (the next dot is always read from the context).

#include <compare>
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "core/bytes.hpp"
#include "core/crdt/seq.hpp"
#include "core/value.hpp"

namespace frsim::core::crdt {

using ReplicaId = std::uint32_t;

// One event of one replica: the counter-th update made by `replica`.
struct Dot {
  ReplicaId replica = 0;
  std::uint64_t counter = 0;
  friend auto operator<=>(const Dot&, const Dot&) = default;
};

// A Lamport timestamp. Two replicas never produce the same timestamp (the
// replica id is part of it), so ordering by timestamp leaves no tie unresolved.
struct Timestamp {
  std::uint64_t lamport = 0;
  ReplicaId replica = 0;
  friend auto operator<=>(const Timestamp&, const Timestamp&) = default;
};

// Sorted, without duplicates.
using DotSet = std::vector<Dot>;

// The set of dots a state has seen, in its unique normal form: per replica a
// contiguous prefix 1..n (`compact_`) plus the dots beyond it (`cloud_`). The
// normal form makes equality, hash and encoding canonical. Both parts are
// sorted flat arrays: a context holds one entry per replica that ever wrote,
// plus the dots that arrived out of order (usually none).
class CausalContext {
 public:
  CausalContext() = default;
  explicit CausalContext(const DotSet& dots);

  bool contains(const Dot& dot) const;
  // The next fresh dot of `replica`: one past every dot of it seen so far.
  Dot next(ReplicaId replica) const;
  void insert(const Dot& dot);
  void insert(const DotSet& dots);
  void join(const CausalContext& other);
  // other ⊆ this
  bool includes(const CausalContext& other) const;
  bool empty() const { return compact_.empty() && cloud_.empty(); }
  // The same context with replica r named to_new[r] (ids past to_new's end
  // unchanged); `to_new` must be a permutation (crdt/rename.hpp).
  CausalContext renamed(std::span<const ReplicaId> to_new) const;

  void encode(Encoder& out) const;
  static CausalContext decode(Decoder& in);
  // Feeds the tokens of both contexts' encodings to `order` (bytes.hpp).
  void encoded_order(const CausalContext& other, EncodingOrder& order) const;
  std::string to_string() const;

  friend bool operator==(const CausalContext&, const CausalContext&) = default;

 private:
  struct Prefix {
    ReplicaId replica = 0;
    std::uint64_t last = 0;  // dots 1..last seen, last > 0
    friend bool operator==(const Prefix&, const Prefix&) = default;
  };
  std::uint64_t prefix_of(ReplicaId replica) const;
  // Absorbs every cloud dot that continues or lies within a prefix.
  void normalise();

  std::vector<Prefix> compact_;  // ascending replicas
  std::vector<Dot> cloud_;       // ascending; counter > prefix_of(replica) + 1
};

// The join of two causal dot stores (Almeida et al. 2018, §5.1):
// (s ∩ s') ∪ (s \ c') ∪ (s' \ c). A dot survives if both sides have it, or
// the side that lacks it has never seen it (so it was not removed there).
DotSet join_dots(const DotSet& a, const CausalContext& ca, const DotSet& b,
                 const CausalContext& cb);

// Part of (a, ca) ⊑ (b, cb), given ca ⊆ cb: every dot of b that a has seen is
// still in a (otherwise a removed it and b has not).
bool dots_below(const DotSet& a, const CausalContext& ca, const DotSet& b);

bool contains(const DotSet& dots, const Dot& dot);

void encode_dot(Encoder& out, const Dot& dot);
Dot decode_dot(Decoder& in);
void encode_dots(Encoder& out, const DotSet& dots);
// Throws DecodeError unless the dots are strictly ascending and non-empty
// when `non_empty` is set.
DotSet decode_dots(Decoder& in, bool non_empty);
void encode_timestamp(Encoder& out, const Timestamp& ts);
Timestamp decode_timestamp(Decoder& in);
// Throws DecodeError if a dot of a store is missing from its context: every
// dot a state holds, it has seen.
void expect_seen(const CausalContext& context, const DotSet& dots);

inline void order_dots(EncodingOrder& order, const Dot& a, const Dot& b) {
  order.varint(a.replica, b.replica).varint(a.counter, b.counter);
}
inline void order_timestamps(EncodingOrder& order, const Timestamp& a, const Timestamp& b) {
  order.varint(a.lamport, b.lamport).varint(a.replica, b.replica);
}

std::string to_string(const Dot& dot);
std::string to_string(const Timestamp& ts);

// ---- keyed dot stores: OR-Set elements, OR-Map keys ---------------------------

// One dot of one key. A keyed dot store is the flat, sorted sequence of its
// (key, dot) pairs, so a key with several dots (concurrent adds) is a run of
// neighbours and a join is one linear merge of pairs.
struct KeyedDot {
  Value key;
  Dot dot;
  friend bool operator==(const KeyedDot&, const KeyedDot&) = default;
};
inline std::strong_ordering operator<=>(const KeyedDot& a, const KeyedDot& b) {
  if (auto c = a.key <=> b.key; c != 0) return c;
  return a.dot <=> b.dot;
}
using KeyedDots = Seq<KeyedDot>;

// The keyed join, per (key, dot) pair as join_dots does per dot.
KeyedDots join_keyed(const KeyedDots& a, const CausalContext& ca, const KeyedDots& b,
                     const CausalContext& cb);
// (a, ca) ⊑ (b, cb), assuming each side's dots are in its own context (an
// invariant of every state built by mutators, joins or decode).
bool keyed_below(const KeyedDots& a, const CausalContext& ca, const KeyedDots& b,
                 const CausalContext& cb);

// The first pair of `key` (its rank, and whether the key is present) and the
// number of its pairs.
struct KeyRun {
  std::size_t rank = 0;
  std::size_t count = 0;
};
KeyRun find_key(const KeyedDots& store, const Value& key);
// The store with `key`'s pairs replaced by (key, dot): O(log n) for one pair.
KeyedDots with_only_dot(const KeyedDots& store, const Value& key, const Dot& dot);
// The store without `key`'s pairs.
KeyedDots without_key(const KeyedDots& store, const Value& key);
// The dots of `key` (empty when absent).
DotSet dots_of(const KeyedDots& store, const Value& key);
// The distinct keys, ascending.
ValueList keys_of(const KeyedDots& store);
std::size_t key_count(const KeyedDots& store);

// Encoding (as the map key -> non-empty dot set it stands for): the number of
// keys (`keys`, as key_count gives it), then per key the key, the number of
// its dots and the dots.
void encode_keyed(Encoder& out, const KeyedDots& store, std::size_t keys);
// Throws DecodeError for keys not strictly ascending, an empty or unsorted
// dot set, or a dot the context has not seen. Sets `keys`.
KeyedDots decode_keyed(Decoder& in, const CausalContext& context, std::size_t& keys);
void order_keyed(EncodingOrder& order, const KeyedDots& a, std::size_t keys_a, const KeyedDots& b,
                 std::size_t keys_b);

// The former interchange form of a keyed store (public constructors and
// accessors of OR-Set keep it): key -> its dots, every DotSet non-empty.
template <class Key>
using DotMap = std::map<Key, DotSet>;
KeyedDots keyed_from(const DotMap<Value>& map);
DotMap<Value> map_from(const KeyedDots& store);

}  // namespace frsim::core::crdt
