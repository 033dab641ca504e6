#include "core/crdt/rename.hpp"

#include <algorithm>

#include "core/crdt/crdt.hpp"

namespace frsim::core::crdt {

namespace {

struct NotRenamable {};

// Rebuilds the library's lattices with their replica ids renamed (to_new,
// values renamed through) or, given `held`, with every Value a lattice holds
// replaced by held(value) and the ids kept.
class Renamer {
 public:
  explicit Renamer(std::span<const ReplicaId> to_new) : to_new_(to_new) {}
  explicit Renamer(const std::function<Value(const Value&)>& held) : held_(&held) {}

  // A lattice value rebuilt (with `held`: its held values replaced).
  Value rebuilt(const Value& v) const { return lattice(v); }

  Value value(const Value& v) const {
    if (held_ != nullptr) return (*held_)(v);
    switch (v.kind()) {
      case Kind::list: {
        ValueList items;
        items.reserve(v.as_list().size());
        for (const Value& item : v.as_list()) items.push_back(value(item));
        return Value::list(std::move(items));
      }
      case Kind::map: {
        ValueMap entries;
        entries.reserve(v.as_map().size());
        for (const auto& [key, item] : v.as_map()) entries.emplace_back(value(key), value(item));
        std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
        return Value::map(std::move(entries));
      }
      case Kind::crdt:
        return lattice(v);
      default:
        return v;  // no replica id: scalars, strings, refs, addresses
    }
  }

 private:
  ReplicaId replica(ReplicaId r) const { return r < to_new_.size() ? to_new_[r] : r; }
  Dot dot(const Dot& d) const { return Dot{replica(d.replica), d.counter}; }
  DotSet dots(const DotSet& in) const {
    DotSet out;
    out.reserve(in.size());
    for (const Dot& d : in) out.push_back(dot(d));
    std::sort(out.begin(), out.end());
    return out;
  }
  ReplicaCounts counts(const ReplicaCounts& in) const {
    ReplicaCounts out;
    for (const auto& [r, n] : in) out.emplace(replica(r), n);
    return out;
  }
  template <class Range>
  ValueList values(const Range& in) const {
    ValueList out;
    for (const Value& v : in) out.push_back(value(v));
    return out;  // the constructors sort: a bijection keeps elements distinct
  }
  DotMap<Value> keyed(const KeyedDots& in) const {
    DotMap<Value> out;
    for (const auto& [key, ds] : map_from(in)) out.emplace(value(key), dots(ds));
    return out;
  }

  Value lattice(const Value& v) const {
    const Lattice& l = v.as_crdt();
    if (const auto* x = dynamic_cast<const GCounter*>(&l)) {
      return to_value(make_rc<const GCounter>(counts(x->counts())));
    }
    if (const auto* x = dynamic_cast<const PnCounter*>(&l)) {
      return to_value(make_rc<const PnCounter>(counts(x->increments()), counts(x->decrements())));
    }
    if (dynamic_cast<const MaxInt*>(&l) != nullptr) return v;
    if (const auto* x = dynamic_cast<const GSet*>(&l)) return to_value(make_rc<const GSet>(values(x->sorted_elements())));
    if (const auto* x = dynamic_cast<const TwoPSet*>(&l)) {
      return to_value(make_rc<const TwoPSet>(values(x->added()), values(x->removed())));
    }
    if (const auto* x = dynamic_cast<const Ivar*>(&l)) return to_value(make_rc<const Ivar>(values(x->bound_values())));
    if (const auto* x = dynamic_cast<const OrSet*>(&l)) {
      return to_value(make_rc<const OrSet>(keyed(x->dots()), x->context().renamed(to_new_)));
    }
    if (const auto* x = dynamic_cast<const EwFlag*>(&l)) {
      return to_value(make_rc<const EwFlag>(dots(x->dots()), x->context().renamed(to_new_)));
    }
    if (const auto* x = dynamic_cast<const MvRegister*>(&l)) {
      MvRegister::Entries entries;
      for (const auto& [d, item] : x->assignments()) entries.emplace(dot(d), value(item));
      return to_value(make_rc<const MvRegister>(std::move(entries), x->context().renamed(to_new_)));
    }
    if (const auto* x = dynamic_cast<const OrMap*>(&l)) {
      OrMap::Values all;
      for (const KeyValue& kv : x->all_values()) all.emplace(value(kv.key), value(kv.value));
      return to_value(make_rc<const OrMap>(keyed(x->key_dots()), x->context().renamed(to_new_), std::move(all)));
    }
    if (held_ != nullptr) {  // ids kept: the types that order them rebuild too
      if (const auto* x = dynamic_cast<const LwwRegister*>(&l)) {
        return to_value(make_rc<const LwwRegister>(x->timestamp(), value(x->get())));
      }
      if (const auto* x = dynamic_cast<const Rga*>(&l)) {
        Rga::Nodes nodes = x->nodes();
        for (auto& [id, node] : nodes) node.value = value(node.value);
        return to_value(make_rc<const Rga>(std::move(nodes), x->tombstones()));
      }
      throw NotRenamable{};
    }
    // LWW-Register and RGA order replica ids by their Lamport timestamps: only
    // bottom, which holds none, renames (to itself). So does any unknown type.
    const bool orders_ids = dynamic_cast<const LwwRegister*>(&l) != nullptr || dynamic_cast<const Rga*>(&l) != nullptr;
    if (orders_ids && l.leq(*l.bottom())) return v;
    throw NotRenamable{};
  }

  std::span<const ReplicaId> to_new_;
  const std::function<Value(const Value&)>* held_ = nullptr;
};

}  // namespace

std::optional<Value> rename_replicas(const Value& value, std::span<const ReplicaId> to_new) {
  try {
    return Renamer(to_new).value(value);
  } catch (const NotRenamable&) {
    return std::nullopt;
  }
}

std::optional<Value> with_held_values(const Value& lattice, const std::function<Value(const Value&)>& held) {
  if (lattice.kind() != Kind::crdt) return std::nullopt;
  try {
    return Renamer(held).rebuilt(lattice);
  } catch (const NotRenamable&) {
    return std::nullopt;
  }
}

}  // namespace frsim::core::crdt
