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

namespace frsim::core::crdt {

class OrMap final : public LatticeBase<OrMap> {
 public:
  using Keys = DotMap<Value>;
  using Values = std::map<Value, Value>;  // every value a CRDT
  static constexpr std::string_view type_name_v = "ormap";
  OrMap(Keys keys, CausalContext context, Values values);
  static Rc<const OrMap> empty();

  // The lattice value of a present key; nullptr when absent or removed.
  const Value* get(const Value& key) const;
  bool contains(const Value& key) const { return keys_.contains(key); }
  // The present keys, ascending.
  ValueList keys() const;
  std::size_t size() const { return keys_.size(); }

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

 private:
  Keys keys_;
  CausalContext context_;
  Values values_;
};

}  // namespace frsim::core::crdt
