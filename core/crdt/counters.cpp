#include "core/crdt/counters.hpp"

#include <algorithm>
#include <limits>
#include <optional>

namespace frsim::core::crdt {

namespace {

// Function objects (not functions), so that the merges inline them.
constexpr auto by_replica = [](const ReplicaCount& a, const ReplicaCount& b) { return a.replica <=> b.replica; };
constexpr auto greater_count = [](const ReplicaCount& a, const ReplicaCount& b) -> const ReplicaCount& {
  return a.count >= b.count ? a : b;
};

Counts join_counts(const Counts& a, const Counts& b) { return sorted_union(a, b, by_replica, keeping(greater_count)); }

bool counts_below(const Counts& a, const Counts& b) {
  return sorted_covers(b, a, by_replica,
                       [](const ReplicaCount& mine, const ReplicaCount& theirs) { return mine.count <= theirs.count; });
}

Counts::Found find(const Counts& counts, ReplicaId replica) {
  return counts.lower_bound(replica, [](const ReplicaCount& e, ReplicaId r) { return e.replica < r; });
}

std::uint64_t count_of(const Counts& counts, ReplicaId replica) {
  const auto found = find(counts, replica);
  return found.item != nullptr && found.item->replica == replica ? found.item->count : 0;
}

std::uint64_t incremented(const Counts& counts, ReplicaId replica, std::uint64_t by) {
  const std::uint64_t current = count_of(counts, replica);
  if (current > std::numeric_limits<std::uint64_t>::max() - by) {
    throw Error("counter overflow at replica " + std::to_string(replica));
  }
  return current + by;
}

// `counts` with the replica's count set to n (n > current, so never zero):
// one path of the tree copied.
Counts with_count(const Counts& counts, ReplicaId replica, std::uint64_t n) {
  if (n == 0) return counts;
  const auto found = find(counts, replica);
  if (found.item != nullptr && found.item->replica == replica) return counts.assigned(found.rank, ReplicaCount{replica, n});
  return counts.inserted(found.rank, ReplicaCount{replica, n});
}

Counts only_count(ReplicaId replica, std::uint64_t n) { return with_count(Counts{}, replica, n); }

std::uint64_t sum(const Counts& counts) {
  std::uint64_t total = 0;
  for (const ReplicaCount& entry : counts) total += entry.count;  // wraps, never UB
  return total;
}

void encode_counts(Encoder& out, const Counts& counts) {
  out.varint(counts.size());
  for (const ReplicaCount& entry : counts) {
    out.varint(entry.replica);
    out.varint(entry.count);
  }
}

void order_counts(EncodingOrder& order, const Counts& a, const Counts& b) {
  if (order.decided()) return;
  order.varint(a.size(), b.size());
  for (auto x = a.begin(), y = b.begin(); x != a.end() && !order.decided(); ++x, ++y) {
    order.varint(x->replica, y->replica).varint(x->count, y->count);
  }
}

Counts decode_counts(Decoder& in) {
  const std::uint64_t size = in.count();
  Counts::Builder counts(size);
  std::optional<ReplicaId> previous;
  for (std::uint64_t i = 0; i < size; ++i) {
    const Dot entry = decode_dot(in);  // (replica, count) has the shape of a dot
    if (entry.counter == 0) throw DecodeError("corrupt counter: zero entry");
    expect_ascending(previous ? &*previous : nullptr, entry.replica, "counter");
    counts.push_back(ReplicaCount{entry.replica, entry.counter});
    previous = entry.replica;
  }
  return counts.finish();
}

std::string print_counts(const Counts& counts) {
  return join_printed(counts, [](const ReplicaCount& entry) {
    std::string out = "r";
    out += std::to_string(entry.replica);
    out += ": ";
    out += std::to_string(entry.count);
    return out;
  });
}

Counts from_map(const ReplicaCounts& counts) {
  Counts::Builder out(counts.size());
  for (const auto& [replica, n] : counts) {
    if (n != 0) out.push_back(ReplicaCount{replica, n});
  }
  return out.finish();
}

ReplicaCounts to_map(const Counts& counts) {
  ReplicaCounts out;
  for (const ReplicaCount& entry : counts) out.emplace_hint(out.end(), entry.replica, entry.count);
  return out;
}

}  // namespace

// ---- G-Counter ----------------------------------------------------------------

GCounter::GCounter(ReplicaCounts counts) : counts_(from_map(counts)) {}

Rc<const GCounter> GCounter::empty() { return make_rc<const GCounter>(Counts{}); }

std::uint64_t GCounter::count() const { return sum(counts_); }

ReplicaCounts GCounter::counts() const { return to_map(counts_); }

Rc<const GCounter> GCounter::increment(ReplicaId replica, std::uint64_t by) const {
  return make_rc<const GCounter>(with_count(counts_, replica, incremented(counts_, replica, by)));
}

Rc<const GCounter> GCounter::increment_delta(ReplicaId replica, std::uint64_t by) const {
  return make_rc<const GCounter>(only_count(replica, incremented(counts_, replica, by)));
}

Rc<const GCounter> GCounter::merge(const GCounter& other) const {
  Counts joined = join_counts(counts_, other.counts_);
  if (joined.same_as(counts_)) return self();
  if (joined.same_as(other.counts_)) return other.self();
  return make_rc<const GCounter>(std::move(joined));
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

void GCounter::encoded_order(const GCounter& other, EncodingOrder& order) const {
  order_counts(order, counts_, other.counts_);
}

Rc<const GCounter> GCounter::decode(Decoder& in) {
  return make_rc<const GCounter>(decode_counts(in));
}

// ---- PN-Counter ---------------------------------------------------------------

PnCounter::PnCounter(ReplicaCounts increments, ReplicaCounts decrements)
    : increments_(from_map(increments)), decrements_(from_map(decrements)) {}

Rc<const PnCounter> PnCounter::empty() { return make_rc<const PnCounter>(Counts{}, Counts{}); }

std::int64_t PnCounter::count() const {
  return static_cast<std::int64_t>(sum(increments_) - sum(decrements_));
}

ReplicaCounts PnCounter::increments() const { return to_map(increments_); }
ReplicaCounts PnCounter::decrements() const { return to_map(decrements_); }

Rc<const PnCounter> PnCounter::increment(ReplicaId replica, std::uint64_t by) const {
  return make_rc<const PnCounter>(with_count(increments_, replica, incremented(increments_, replica, by)),
                                  decrements_);
}

Rc<const PnCounter> PnCounter::increment_delta(ReplicaId replica, std::uint64_t by) const {
  return make_rc<const PnCounter>(only_count(replica, incremented(increments_, replica, by)), Counts{});
}

Rc<const PnCounter> PnCounter::decrement(ReplicaId replica, std::uint64_t by) const {
  return make_rc<const PnCounter>(increments_,
                                  with_count(decrements_, replica, incremented(decrements_, replica, by)));
}

Rc<const PnCounter> PnCounter::decrement_delta(ReplicaId replica, std::uint64_t by) const {
  return make_rc<const PnCounter>(Counts{}, only_count(replica, incremented(decrements_, replica, by)));
}

Rc<const PnCounter> PnCounter::merge(const PnCounter& other) const {
  Counts increments = join_counts(increments_, other.increments_);
  Counts decrements = join_counts(decrements_, other.decrements_);
  if (increments.same_as(increments_) && decrements.same_as(decrements_)) return self();
  if (increments.same_as(other.increments_) && decrements.same_as(other.decrements_)) return other.self();
  return make_rc<const PnCounter>(std::move(increments), std::move(decrements));
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

void PnCounter::encoded_order(const PnCounter& other, EncodingOrder& order) const {
  order_counts(order, increments_, other.increments_);
  order_counts(order, decrements_, other.decrements_);
}

Rc<const PnCounter> PnCounter::decode(Decoder& in) {
  Counts increments = decode_counts(in);
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
