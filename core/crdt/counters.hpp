#pragma once
// Counters: G-Counter, PN-Counter (Shapiro et al. 2011, §3.1; deltas after
// Almeida et al. 2018, §4.1) and max-int (Lasp's max_int).

#include <cstdint>
#include <map>
#include <string>

#include "core/crdt/dot.hpp"
#include "core/crdt/lattice_base.hpp"
#include "core/crdt/seq.hpp"

namespace frsim::core::crdt {

// One count per replica; a replica only increments its own. Zero counts are
// never stored, so the state has one form.
struct ReplicaCount {
  ReplicaId replica = 0;
  std::uint64_t count = 0;
  friend bool operator==(const ReplicaCount&, const ReplicaCount&) = default;
};
// Sorted by replica (seq.hpp): a join is one linear merge taking maxima.
using Counts = Seq<ReplicaCount>;
// The former interchange form, kept for constructors and accessors.
using ReplicaCounts = std::map<ReplicaId, std::uint64_t>;

class GCounter final : public LatticeBase<GCounter> {
 public:
  static constexpr std::string_view type_name_v = "gcounter";
  explicit GCounter(ReplicaCounts counts);
  explicit GCounter(Counts counts) : counts_(std::move(counts)) {}  // without zeros
  static Rc<const GCounter> empty();

  std::uint64_t count() const;
  // The count of each replica (a copy; counts_of() reads in place).
  ReplicaCounts counts() const;
  const Counts& counts_of() const { return counts_; }

  // Throws core::Error if the replica's count would overflow.
  Rc<const GCounter> increment(ReplicaId replica, std::uint64_t by = 1) const;
  // Just the incremented entry: merging it gives increment(replica, by).
  Rc<const GCounter> increment_delta(ReplicaId replica, std::uint64_t by = 1) const;

  Rc<const GCounter> merge(const GCounter& other) const;
  bool below(const GCounter& other) const;
  std::string to_string() const override;
  void encode(Encoder& out) const override;
  static Rc<const GCounter> decode(Decoder& in);
  void encoded_order(const GCounter& other, EncodingOrder& order) const;

 private:
  Counts counts_;
};

// Increments and decrements as two G-Counters; the value is their difference.
class PnCounter final : public LatticeBase<PnCounter> {
 public:
  static constexpr std::string_view type_name_v = "pncounter";
  PnCounter(ReplicaCounts increments, ReplicaCounts decrements);
  PnCounter(Counts increments, Counts decrements)  // without zeros
      : increments_(std::move(increments)), decrements_(std::move(decrements)) {}
  static Rc<const PnCounter> empty();

  // The difference, wrapping like two's complement if it leaves int64.
  std::int64_t count() const;
  ReplicaCounts increments() const;
  ReplicaCounts decrements() const;

  Rc<const PnCounter> increment(ReplicaId replica, std::uint64_t by = 1) const;
  Rc<const PnCounter> increment_delta(ReplicaId replica, std::uint64_t by = 1) const;
  Rc<const PnCounter> decrement(ReplicaId replica, std::uint64_t by = 1) const;
  Rc<const PnCounter> decrement_delta(ReplicaId replica, std::uint64_t by = 1) const;

  Rc<const PnCounter> merge(const PnCounter& other) const;
  bool below(const PnCounter& other) const;
  std::string to_string() const override;
  void encode(Encoder& out) const override;
  static Rc<const PnCounter> decode(Decoder& in);
  void encoded_order(const PnCounter& other, EncodingOrder& order) const;

 private:
  Counts increments_;
  Counts decrements_;
};

// The greatest integer written; bottom is the least int64 (printed "bottom").
class MaxInt final : public LatticeBase<MaxInt> {
 public:
  static constexpr std::string_view type_name_v = "maxint";
  explicit MaxInt(std::int64_t value) : value_(value) {}
  static Rc<const MaxInt> empty();
  static Rc<const MaxInt> of(std::int64_t value);

  std::int64_t get() const { return value_; }
  bool is_bottom() const;

  Rc<const MaxInt> raise_to(std::int64_t value) const;
  // Saturates at the greatest int64.
  Rc<const MaxInt> increment() const;

  Rc<const MaxInt> merge(const MaxInt& other) const;
  bool below(const MaxInt& other) const { return value_ <= other.value_; }
  std::string to_string() const override;
  void encode(Encoder& out) const override;
  static Rc<const MaxInt> decode(Decoder& in);
  void encoded_order(const MaxInt& other, EncodingOrder& order) const { order.svarint(value_, other.value_); }

 private:
  std::int64_t value_;
};

}  // namespace frsim::core::crdt
