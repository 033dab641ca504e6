#pragma once
// OR-Map: a map from Values to lattice values (Almeida et al. 2018, §7.3, with
// the key presence of an add-wins OR-Set).
//
// Presence of a key follows the OR-Set: a put concurrent with a remove keeps
// the key. The values are joined pointwise and are never reset: a general
// lattice value carries no causal metadata to reset with, so a key put again
// after a remove continues from the merged value it had (documented in
// DESIGN §5 terms: removal hides, it does not shrink).

#include <map>
#include <string>

#include "core/crdt/dot.hpp"
#include "core/crdt/lattice_base.hpp"
#include "core/crdt/seq.hpp"

namespace frsim::core::crdt {

// A key's lattice value; an OR-Map keeps them sorted by key (seq.hpp).
struct KeyValue {
  Value key;
  Value value;
  friend bool operator==(const KeyValue&, const KeyValue&) = default;
};
using KeyValues = Seq<KeyValue>;

class OrMap final : public LatticeBase<OrMap> {
 public:
  using Keys = DotMap<Value>;
  using Values = std::map<Value, Value>;  // every value a CRDT
  static constexpr std::string_view type_name_v = "ormap";
  OrMap(Keys keys, CausalContext context, Values values);
  // size: key_count(keys), the number of present keys.
  OrMap(KeyedDots keys, std::size_t size, CausalContext context, KeyValues values)
      : keys_(std::move(keys)), size_(size), context_(std::move(context)), values_(std::move(values)) {}
  static Rc<const OrMap> empty();

  // The lattice value of a present key; nullptr when absent or removed.
  const Value* get(const Value& key) const;
  bool contains(const Value& key) const { return find_key(keys_, key).count > 0; }
  // The present keys, ascending.
  ValueList keys() const { return keys_of(keys_); }
  std::size_t size() const { return size_; }
  // The (key, dot) pairs of the present keys, the context, and the value of
  // every key ever put (removed ones too), read in place.
  const KeyedDots& key_dots() const { return keys_; }
  const CausalContext& context() const { return context_; }
  const KeyValues& all_values() const { return values_; }

  // Joins `update` (a lattice value, e.g. a mutated copy or a delta of get(key))
  // into the key's value and makes the key present. TypeError if `update` is
  // not a CRDT or its type differs from the key's current value.
  Rc<const OrMap> put(ReplicaId replica, const Value& key, const Value& update) const;
  Rc<const OrMap> put_delta(ReplicaId replica, const Value& key, const Value& update) const;
  Rc<const OrMap> remove(const Value& key) const;
  Rc<const OrMap> remove_delta(const Value& key) const;

  Rc<const OrMap> merge(const OrMap& other) const;
  bool below(const OrMap& other) const;
  std::string to_string() const override;
  void encode(Encoder& out) const override;
  static Rc<const OrMap> decode(Decoder& in);
  void encoded_order(const OrMap& other, EncodingOrder& order) const;

  void for_each_value(const std::function<void(const Value&)>& f) const override {
    for (const KeyValue& e : values_) {
      f(e.key);
      f(e.value);
    }
  }
 private:
  // The value of `key`, present or removed; nullptr if it never had one.
  const Value* value_of(const Value& key) const;

  KeyedDots keys_;  // (key, dot) pairs of the present keys, sorted
  std::size_t size_ = 0;
  CausalContext context_;
  KeyValues values_;  // every key ever put, removed ones too: removal hides
};

}  // namespace frsim::core::crdt
