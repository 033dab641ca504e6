#pragma once
// Sets of Values: G-Set, 2P-Set (Shapiro et al. 2011, §3.3) and the add-wins
// OR-Set with dots and a causal context (Almeida et al. 2018, §7.1, the
// "optimized" OR-Set without tombstones).

#include <map>
#include <string>

#include "core/crdt/dot.hpp"
#include "core/crdt/lattice_base.hpp"
#include "core/crdt/seq.hpp"

namespace frsim::core::crdt {

// Values sorted ascending, without duplicates (seq.hpp).
using SortedValues = Seq<Value>;

// Grow-only set.
class GSet final : public LatticeBase<GSet> {
 public:
  static constexpr std::string_view type_name_v = "gset";
  explicit GSet(ValueList elements);  // sorts and removes duplicates
  explicit GSet(SortedValues elements) : elements_(std::move(elements)) {}
  static Rc<const GSet> empty();

  bool contains(const Value& element) const;
  std::size_t size() const { return elements_.size(); }
  // The elements, ascending (a copy; sorted_elements() reads in place).
  ValueList elements() const;
  const SortedValues& sorted_elements() const { return elements_; }

  Rc<const GSet> add(const Value& element) const;
  Rc<const GSet> add_delta(const Value& element) const;

  Rc<const GSet> merge(const GSet& other) const;
  bool below(const GSet& other) const;
  std::string to_string() const override;
  void encode(Encoder& out) const override;
  static Rc<const GSet> decode(Decoder& in);
  void encoded_order(const GSet& other, EncodingOrder& order) const;

  void for_each_value(const std::function<void(const Value&)>& f) const override {
    for (const Value& v : elements_) f(v);
  }
 private:
  SortedValues elements_;
};

// Two-phase set: a removed element is gone for good (its tombstone stays and
// wins over any add, earlier or later).
class TwoPSet final : public LatticeBase<TwoPSet> {
 public:
  static constexpr std::string_view type_name_v = "twopset";
  TwoPSet(ValueList added, ValueList removed);  // each sorted, duplicates removed
  TwoPSet(SortedValues added, SortedValues removed) : added_(std::move(added)), removed_(std::move(removed)) {}
  static Rc<const TwoPSet> empty();

  bool contains(const Value& element) const;
  // added \ removed, ascending.
  ValueList elements() const;
  // Every element ever added, and every one removed (read in place).
  const SortedValues& added() const { return added_; }
  const SortedValues& removed() const { return removed_; }

  Rc<const TwoPSet> add(const Value& element) const;
  Rc<const TwoPSet> add_delta(const Value& element) const;
  Rc<const TwoPSet> remove(const Value& element) const;
  Rc<const TwoPSet> remove_delta(const Value& element) const;

  Rc<const TwoPSet> merge(const TwoPSet& other) const;
  bool below(const TwoPSet& other) const;
  std::string to_string() const override;
  void encode(Encoder& out) const override;
  static Rc<const TwoPSet> decode(Decoder& in);
  void encoded_order(const TwoPSet& other, EncodingOrder& order) const;

  void for_each_value(const std::function<void(const Value&)>& f) const override {
    for (const Value& v : added_) f(v);
    for (const Value& v : removed_) f(v);
  }
 private:
  SortedValues added_;
  SortedValues removed_;
};

// Observed-remove, add-wins set. Each present element carries the dots of the
// adds that produced it; a remove drops exactly the dots it has observed, so an
// add concurrent with a remove survives the merge.
class OrSet final : public LatticeBase<OrSet> {
 public:
  using Entries = DotMap<Value>;  // element -> its dots, never empty
  static constexpr std::string_view type_name_v = "orset";
  // Precondition (asserted by decode, kept by every mutator): each dot of
  // `entries` is in `context`.
  OrSet(Entries entries, CausalContext context);
  OrSet(KeyedDots entries, CausalContext context);
  // With its number of distinct elements, key_count(entries), known.
  OrSet(KeyedDots entries, CausalContext context, std::size_t size)
      : entries_(std::move(entries)), context_(std::move(context)), size_(size) {}
  static Rc<const OrSet> empty();

  bool contains(const Value& element) const { return find_key(entries_, element).count > 0; }
  std::size_t size() const { return size_; }
  // The present elements, ascending.
  ValueList elements() const { return keys_of(entries_); }
  // Element -> its dots (a copy; dots() reads the (element, dot) pairs in place).
  Entries entries() const { return map_from(entries_); }
  const KeyedDots& dots() const { return entries_; }
  const CausalContext& context() const { return context_; }

  Rc<const OrSet> add(ReplicaId replica, const Value& element) const;
  // The new dot for `element`, with the element's old dots in the context.
  Rc<const OrSet> add_delta(ReplicaId replica, const Value& element) const;
  Rc<const OrSet> remove(const Value& element) const;
  // No entries; the context holds the removed element's dots.
  Rc<const OrSet> remove_delta(const Value& element) const;

  Rc<const OrSet> merge(const OrSet& other) const;
  bool below(const OrSet& other) const;
  std::string to_string() const override;
  void encode(Encoder& out) const override;
  static Rc<const OrSet> decode(Decoder& in);
  void encoded_order(const OrSet& other, EncodingOrder& order) const;

  void for_each_value(const std::function<void(const Value&)>& f) const override {
    for (const KeyedDot& e : entries_) f(e.key);
  }
 private:
  KeyedDots entries_;  // (element, dot) pairs, sorted
  CausalContext context_;
  std::size_t size_ = 0;  // distinct elements
};

// Shared with OR-Map: the encoding of element -> dots.
void encode_entries(Encoder& out, const DotMap<Value>& entries);

}  // namespace frsim::core::crdt
