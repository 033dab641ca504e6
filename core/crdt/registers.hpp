#pragma once
// Single-value lattices: LWW-Register, MV-Register, ivar, EW-Flag
// (Shapiro et al. 2011, §3.2; causal forms after Almeida et al. 2018, §7).

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/crdt/dot.hpp"
#include "core/crdt/lattice_base.hpp"

namespace frsim::core::crdt {

// Last writer wins by Lamport timestamp (lamport, replica): the replica id
// breaks ties, so two writes never tie. The written value breaks the tie only
// for a misused timestamp (the same one with two values), keeping join a
// lattice join even then. Bottom is timestamp (0, r0) holding unit.
class LwwRegister final : public LatticeBase<LwwRegister> {
 public:
  static constexpr std::string_view type_name_v = "lww";
  LwwRegister(Timestamp timestamp, Value value);
  static Rc<const LwwRegister> empty();

  const Value& get() const { return value_; }
  const Timestamp& timestamp() const { return timestamp_; }

  // A write that follows every write this replica has seen: (lamport + 1, replica).
  Rc<const LwwRegister> assign(ReplicaId replica, Value value) const;
  // A write at a given timestamp (e.g. a device's own logical clock); it wins
  // only if its timestamp is greater.
  Rc<const LwwRegister> assign_at(Timestamp timestamp, Value value) const;

  Rc<const LwwRegister> merge(const LwwRegister& other) const;
  bool below(const LwwRegister& other) const;
  std::string to_string() const override;
  void encode(Encoder& out) const override;
  static Rc<const LwwRegister> decode(Decoder& in);
  void encoded_order(const LwwRegister& other, EncodingOrder& order) const;

  void for_each_value(const std::function<void(const Value&)>& f) const override { f(value_); }
 private:
  Timestamp timestamp_;
  Value value_;
};

// Multi-value register: an assignment overwrites the values it has seen;
// concurrent assignments are all kept.
class MvRegister final : public LatticeBase<MvRegister> {
 public:
  using Entries = std::map<Dot, Value>;
  // The assignments not yet overwritten, by ascending dot: a few at most, in
  // one flat array.
  using Assignments = std::vector<std::pair<Dot, Value>>;
  static constexpr std::string_view type_name_v = "mvregister";
  MvRegister(Entries entries, CausalContext context);
  MvRegister(Assignments assignments, CausalContext context)
      : entries_(std::move(assignments)), context_(std::move(context)) {}
  static Rc<const MvRegister> empty();

  // The concurrent values, ascending and without duplicates.
  ValueList values() const;
  // Dot -> value (a copy; assignments() reads in place).
  Entries entries() const { return Entries(entries_.begin(), entries_.end()); }
  const Assignments& assignments() const { return entries_; }
  const CausalContext& context() const { return context_; }

  Rc<const MvRegister> assign(ReplicaId replica, Value value) const;
  Rc<const MvRegister> assign_delta(ReplicaId replica, Value value) const;

  Rc<const MvRegister> merge(const MvRegister& other) const;
  bool below(const MvRegister& other) const;
  std::string to_string() const override;
  void encode(Encoder& out) const override;
  static Rc<const MvRegister> decode(Decoder& in);
  void encoded_order(const MvRegister& other, EncodingOrder& order) const;

  void for_each_value(const std::function<void(const Value&)>& f) const override {
    for (const auto& [dot, v] : entries_) f(v);
  }
 private:
  DotSet dots() const;

  Assignments entries_;
  CausalContext context_;
};

// Single assignment. The state is the set of values bound anywhere: empty is
// unbound, one value is bound, two or more is a visible conflict (the top of
// that ivar's meaning). Lasp silently keeps one of two different binds; here
// the checker sees `ivar(conflict{v1, v2})`.
class Ivar final : public LatticeBase<Ivar> {
 public:
  static constexpr std::string_view type_name_v = "ivar";
  explicit Ivar(ValueList bound);  // sorts and removes duplicates
  static Rc<const Ivar> empty();

  bool is_bound() const { return bound_.size() == 1; }
  bool is_conflict() const { return bound_.size() > 1; }
  // The value when bound without conflict.
  std::optional<Value> get() const;
  // Every value bound anywhere, ascending.
  const ValueList& bound_values() const { return bound_; }

  Rc<const Ivar> bind(const Value& value) const;

  Rc<const Ivar> merge(const Ivar& other) const;
  bool below(const Ivar& other) const;
  std::string to_string() const override;
  void encode(Encoder& out) const override;
  static Rc<const Ivar> decode(Decoder& in);
  void encoded_order(const Ivar& other, EncodingOrder& order) const;

  void for_each_value(const std::function<void(const Value&)>& f) const override {
    for (const Value& v : bound_) f(v);
  }
 private:
  ValueList bound_;
};

// Enable-wins flag: an enable concurrent with a disable wins.
class EwFlag final : public LatticeBase<EwFlag> {
 public:
  static constexpr std::string_view type_name_v = "ewflag";
  EwFlag(DotSet dots, CausalContext context);
  static Rc<const EwFlag> empty();

  bool enabled() const { return !dots_.empty(); }
  const DotSet& dots() const { return dots_; }
  const CausalContext& context() const { return context_; }

  Rc<const EwFlag> enable(ReplicaId replica) const;
  Rc<const EwFlag> enable_delta(ReplicaId replica) const;
  Rc<const EwFlag> disable() const;
  Rc<const EwFlag> disable_delta() const;

  Rc<const EwFlag> merge(const EwFlag& other) const;
  bool below(const EwFlag& other) const;
  std::string to_string() const override;
  void encode(Encoder& out) const override;
  static Rc<const EwFlag> decode(Decoder& in);
  void encoded_order(const EwFlag& other, EncodingOrder& order) const;

 private:
  DotSet dots_;
  CausalContext context_;
};

}  // namespace frsim::core::crdt
