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
#include <set>
#include <string>
#include <vector>

#include "core/bytes.hpp"

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
// normal form makes equality, hash and encoding canonical.
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

  void encode(Encoder& out) const;
  static CausalContext decode(Decoder& in);
  std::string to_string() const;

  friend bool operator==(const CausalContext&, const CausalContext&) = default;

 private:
  void normalise();

  std::map<ReplicaId, std::uint64_t> compact_;  // n > 0: dots 1..n seen
  std::set<Dot> cloud_;                         // counter > compact_[replica] + 1
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

std::string to_string(const Dot& dot);
std::string to_string(const Timestamp& ts);

// A key of a DotMap: keys of a causal map are Values (elements, map keys).
template <class Key>
using DotMap = std::map<Key, DotSet>;  // every DotSet non-empty

// The join of two keyed dot stores (OR-Set entries, OR-Map keys).
template <class Key>
DotMap<Key> join_keyed(const DotMap<Key>& a, const CausalContext& ca, const DotMap<Key>& b,
                       const CausalContext& cb) {
  DotMap<Key> out;
  const DotSet none;
  for (const auto& [key, dots_a] : a) {
    auto found = b.find(key);
    DotSet dots = join_dots(dots_a, ca, found == b.end() ? none : found->second, cb);
    if (!dots.empty()) out.emplace_hint(out.end(), key, std::move(dots));
  }
  for (const auto& [key, dots_b] : b) {
    if (a.contains(key)) continue;
    DotSet dots = join_dots(none, ca, dots_b, cb);
    if (!dots.empty()) out.emplace(key, std::move(dots));
  }
  return out;
}

// (a, ca) ⊑ (b, cb) for keyed dot stores, assuming each side's dots are in its
// own context (an invariant of every state built by mutators, joins or decode).
template <class Key>
bool keyed_below(const DotMap<Key>& a, const CausalContext& ca, const DotMap<Key>& b,
                 const CausalContext& cb) {
  if (!cb.includes(ca)) return false;
  const DotSet none;
  for (const auto& [key, dots_b] : b) {
    auto found = a.find(key);
    if (!dots_below(found == a.end() ? none : found->second, ca, dots_b)) return false;
  }
  return true;
}

}  // namespace frsim::core::crdt
