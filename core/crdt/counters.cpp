#include "core/crdt/counters.hpp"

#include <algorithm>
#include <limits>

namespace frsim::core::crdt {

namespace {

ReplicaCounts join_counts(const ReplicaCounts& a, const ReplicaCounts& b) {
  ReplicaCounts out = a;
  for (const auto& [replica, n] : b) {
    auto [it, inserted] = out.emplace(replica, n);
    if (!inserted) it->second = std::max(it->second, n);
  }
  return out;
}

bool counts_below(const ReplicaCounts& a, const ReplicaCounts& b) {
  return std::all_of(a.begin(), a.end(), [&b](const auto& entry) {
    auto found = b.find(entry.first);
    return found != b.end() && entry.second <= found->second;
  });
}

std::uint64_t incremented(const ReplicaCounts& counts, ReplicaId replica, std::uint64_t by) {
  auto found = counts.find(replica);
  const std::uint64_t current = found == counts.end() ? 0 : found->second;
  if (current > std::numeric_limits<std::uint64_t>::max() - by) {
    throw Error("counter overflow at replica " + std::to_string(replica));
  }
  return current + by;
}

ReplicaCounts with_count(ReplicaCounts counts, ReplicaId replica, std::uint64_t n) {
  if (n != 0) counts[replica] = n;
  return counts;
}

std::uint64_t sum(const ReplicaCounts& counts) {
  std::uint64_t total = 0;
  for (const auto& entry : counts) total += entry.second;  // wraps, never UB
  return total;
}

void encode_counts(Encoder& out, const ReplicaCounts& counts) {
  out.varint(counts.size());
  for (const auto& [replica, n] : counts) {
    out.varint(replica);
    out.varint(n);
  }
}

ReplicaCounts decode_counts(Decoder& in) {
  ReplicaCounts counts;
  const std::uint64_t size = in.count();
  for (std::uint64_t i = 0; i < size; ++i) {
    const Dot entry = decode_dot(in);  // (replica, count) has the shape of a dot
    if (entry.counter == 0) throw DecodeError("corrupt counter: zero entry");
    expect_ascending(counts.empty() ? nullptr : &counts.rbegin()->first, entry.replica, "counter");
    counts.emplace_hint(counts.end(), entry.replica, entry.counter);
  }
  return counts;
}

std::string print_counts(const ReplicaCounts& counts) {
  return join_printed(counts, [](const auto& entry) {
    std::string out = "r";
    out += std::to_string(entry.first);
    out += ": ";
    out += std::to_string(entry.second);
    return out;
  });
}

ReplicaCounts without_zeros(ReplicaCounts counts) {
  std::erase_if(counts, [](const auto& entry) { return entry.second == 0; });
  return counts;
}

}  // namespace

// ---- G-Counter ----------------------------------------------------------------

GCounter::GCounter(ReplicaCounts counts) : counts_(without_zeros(std::move(counts))) {}

Rc<const GCounter> GCounter::empty() { return make_rc<const GCounter>(ReplicaCounts{}); }

std::uint64_t GCounter::count() const { return sum(counts_); }

Rc<const GCounter> GCounter::increment(ReplicaId replica, std::uint64_t by) const {
  return make_rc<const GCounter>(with_count(counts_, replica, incremented(counts_, replica, by)));
}

Rc<const GCounter> GCounter::increment_delta(ReplicaId replica, std::uint64_t by) const {
  return make_rc<const GCounter>(with_count({}, replica, incremented(counts_, replica, by)));
}

Rc<const GCounter> GCounter::merge(const GCounter& other) const {
  return make_rc<const GCounter>(join_counts(counts_, other.counts_));
}

bool GCounter::below(const GCounter& other) const { return counts_below(counts_, other.counts_); }

std::string GCounter::to_string() const {
  std::string out = "gcounter(";
  out += std::to_string(count());
  out += "){";
  out += print_counts(counts_);
  out += "}";
  return out;
}

void GCounter::encode(Encoder& out) const { encode_counts(out, counts_); }

Rc<const GCounter> GCounter::decode(Decoder& in) {
  return make_rc<const GCounter>(decode_counts(in));
}

// ---- PN-Counter ---------------------------------------------------------------

PnCounter::PnCounter(ReplicaCounts increments, ReplicaCounts decrements)
    : increments_(without_zeros(std::move(increments))),
      decrements_(without_zeros(std::move(decrements))) {}

Rc<const PnCounter> PnCounter::empty() { return make_rc<const PnCounter>(ReplicaCounts{}, ReplicaCounts{}); }

std::int64_t PnCounter::count() const {
  return static_cast<std::int64_t>(sum(increments_) - sum(decrements_));
}

Rc<const PnCounter> PnCounter::increment(ReplicaId replica, std::uint64_t by) const {
  return make_rc<const PnCounter>(
      with_count(increments_, replica, incremented(increments_, replica, by)), decrements_);
}

Rc<const PnCounter> PnCounter::increment_delta(ReplicaId replica, std::uint64_t by) const {
  return make_rc<const PnCounter>(with_count({}, replica, incremented(increments_, replica, by)),
                                  ReplicaCounts{});
}

Rc<const PnCounter> PnCounter::decrement(ReplicaId replica, std::uint64_t by) const {
  return make_rc<const PnCounter>(
      increments_, with_count(decrements_, replica, incremented(decrements_, replica, by)));
}

Rc<const PnCounter> PnCounter::decrement_delta(ReplicaId replica, std::uint64_t by) const {
  return make_rc<const PnCounter>(ReplicaCounts{},
                                  with_count({}, replica, incremented(decrements_, replica, by)));
}

Rc<const PnCounter> PnCounter::merge(const PnCounter& other) const {
  return make_rc<const PnCounter>(join_counts(increments_, other.increments_),
                                  join_counts(decrements_, other.decrements_));
}

bool PnCounter::below(const PnCounter& other) const {
  return counts_below(increments_, other.increments_) &&
         counts_below(decrements_, other.decrements_);
}

std::string PnCounter::to_string() const {
  std::string out = "pncounter(";
  out += std::to_string(count());
  out += "){+{";
  out += print_counts(increments_);
  out += "}, -{";
  out += print_counts(decrements_);
  out += "}}";
  return out;
}

void PnCounter::encode(Encoder& out) const {
  encode_counts(out, increments_);
  encode_counts(out, decrements_);
}

Rc<const PnCounter> PnCounter::decode(Decoder& in) {
  ReplicaCounts increments = decode_counts(in);
  return make_rc<const PnCounter>(std::move(increments), decode_counts(in));
}

// ---- max-int ------------------------------------------------------------------

Rc<const MaxInt> MaxInt::empty() {
  return make_rc<const MaxInt>(std::numeric_limits<std::int64_t>::min());
}

Rc<const MaxInt> MaxInt::of(std::int64_t value) { return make_rc<const MaxInt>(value); }

bool MaxInt::is_bottom() const { return value_ == std::numeric_limits<std::int64_t>::min(); }

Rc<const MaxInt> MaxInt::raise_to(std::int64_t value) const {
  if (value <= value_) return self();
  return make_rc<const MaxInt>(value);
}

Rc<const MaxInt> MaxInt::increment() const {
  if (value_ == std::numeric_limits<std::int64_t>::max()) return self();
  return make_rc<const MaxInt>(value_ + 1);
}

Rc<const MaxInt> MaxInt::merge(const MaxInt& other) const {
  return value_ >= other.value_ ? self() : other.self();
}

std::string MaxInt::to_string() const {
  std::string out = "maxint(";
  out += is_bottom() ? "bottom" : std::to_string(value_);
  out += ")";
  return out;
}

void MaxInt::encode(Encoder& out) const { out.svarint(value_); }

Rc<const MaxInt> MaxInt::decode(Decoder& in) { return make_rc<const MaxInt>(in.svarint()); }

}  // namespace frsim::core::crdt
