#include "core/crdt/registers.hpp"

#include <algorithm>
#include <functional>
#include <iterator>
#include <utility>

namespace frsim::core::crdt {

// ---- LWW-Register -------------------------------------------------------------

LwwRegister::LwwRegister(Timestamp timestamp, Value value)
    : timestamp_(timestamp), value_(std::move(value)) {}

Rc<const LwwRegister> LwwRegister::empty() { return make_rc<const LwwRegister>(Timestamp{}, Value()); }

Rc<const LwwRegister> LwwRegister::assign(ReplicaId replica, Value value) const {
  if (timestamp_.lamport == UINT64_MAX) throw Error("lww register: Lamport clock overflow");
  return make_rc<const LwwRegister>(Timestamp{timestamp_.lamport + 1, replica}, std::move(value));
}

Rc<const LwwRegister> LwwRegister::assign_at(Timestamp timestamp, Value value) const {
  return merge(*make_rc<const LwwRegister>(timestamp, std::move(value)));
}

Rc<const LwwRegister> LwwRegister::merge(const LwwRegister& other) const {
  return below(other) ? other.self() : self();
}

bool LwwRegister::below(const LwwRegister& other) const {
  if (timestamp_ != other.timestamp_) return timestamp_ < other.timestamp_;
  return value_ <= other.value_;
}

std::string LwwRegister::to_string() const {
  std::string out = "lww(";
  out += value_.to_string();
  out += " at ";
  out += crdt::to_string(timestamp_);
  out += ")";
  return out;
}

void LwwRegister::encode(Encoder& out) const {
  encode_timestamp(out, timestamp_);
  value_.encode(out);
}

void LwwRegister::encoded_order(const LwwRegister& other, EncodingOrder& order) const {
  order_timestamps(order, timestamp_, other.timestamp_);
  if (!order.decided()) order.then(Value::encoded_order(value_, other.value_));
}

Rc<const LwwRegister> LwwRegister::decode(Decoder& in) {
  const Timestamp timestamp = decode_timestamp(in);
  return make_rc<const LwwRegister>(timestamp, Value::decode(in));
}

// ---- MV-Register --------------------------------------------------------------

MvRegister::MvRegister(Entries entries, CausalContext context)
    : entries_(entries.begin(), entries.end()), context_(std::move(context)) {}

Rc<const MvRegister> MvRegister::empty() { return make_rc<const MvRegister>(Assignments{}, CausalContext{}); }

ValueList MvRegister::values() const {
  ValueList out;
  out.reserve(entries_.size());
  for (const auto& entry : entries_) out.push_back(entry.second);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

DotSet MvRegister::dots() const {
  DotSet out;
  out.reserve(entries_.size());
  for (const auto& entry : entries_) out.push_back(entry.first);
  return out;
}

Rc<const MvRegister> MvRegister::assign(ReplicaId replica, Value value) const {
  const Dot dot = context_.next(replica);
  CausalContext context = context_;
  context.insert(dot);
  return make_rc<const MvRegister>(Assignments{{dot, std::move(value)}}, std::move(context));
}

Rc<const MvRegister> MvRegister::assign_delta(ReplicaId replica, Value value) const {
  const Dot dot = context_.next(replica);
  CausalContext context(dots());  // the overwritten values
  context.insert(dot);
  return make_rc<const MvRegister>(Assignments{{dot, std::move(value)}}, std::move(context));
}

// The causal join (Almeida et al. 2018, §5.1) over the dots of the entries,
// one walk over both ascending lists; a dot names one assignment, so both
// sides agree on its value.
Rc<const MvRegister> MvRegister::merge(const MvRegister& other) const {
  Assignments out;
  out.reserve(entries_.size() + other.entries_.size());
  auto x = entries_.begin();
  auto y = other.entries_.begin();
  while (x != entries_.end() || y != other.entries_.end()) {
    if (y == other.entries_.end() || (x != entries_.end() && x->first < y->first)) {
      if (!other.context_.contains(x->first)) out.push_back(*x);
      ++x;
    } else if (x == entries_.end() || y->first < x->first) {
      if (!context_.contains(y->first)) out.push_back(*y);
      ++y;
    } else {
      out.push_back(*x);
      ++x, ++y;
    }
  }
  CausalContext context = context_;
  context.join(other.context_);
  return make_rc<const MvRegister>(std::move(out), std::move(context));
}

bool MvRegister::below(const MvRegister& other) const {
  return other.context_.includes(context_) && dots_below(dots(), context_, other.dots());
}

std::string MvRegister::to_string() const {
  std::string out = "mvregister{";
  out += join_printed(values(), [](const Value& v) { return v.to_string(); });
  out += "}";
  return out;
}

void MvRegister::encode(Encoder& out) const {
  context_.encode(out);
  out.varint(entries_.size());
  for (const auto& [dot, value] : entries_) {
    encode_dot(out, dot);
    value.encode(out);
  }
}

void MvRegister::encoded_order(const MvRegister& other, EncodingOrder& order) const {
  context_.encoded_order(other.context_, order);
  order.varint(entries_.size(), other.entries_.size());
  for (std::size_t i = 0; i < entries_.size() && !order.decided(); ++i) {
    order_dots(order, entries_[i].first, other.entries_[i].first);
    if (!order.decided()) order.then(Value::encoded_order(entries_[i].second, other.entries_[i].second));
  }
}

Rc<const MvRegister> MvRegister::decode(Decoder& in) {
  CausalContext context = CausalContext::decode(in);
  Assignments entries;
  const std::uint64_t size = in.count();
  entries.reserve(size);
  for (std::uint64_t i = 0; i < size; ++i) {
    const Dot dot = decode_dot(in);
    expect_ascending(entries.empty() ? nullptr : &entries.back().first, dot, "mvregister");
    expect_seen(context, {dot});
    entries.emplace_back(dot, Value::decode(in));
  }
  return make_rc<const MvRegister>(std::move(entries), std::move(context));
}

// ---- ivar ---------------------------------------------------------------------

Ivar::Ivar(ValueList bound) : bound_(std::move(bound)) {
  // A join's union is ascending already: O(n) to see it.
  const bool ascending = std::adjacent_find(bound_.begin(), bound_.end(), std::greater_equal<>()) == bound_.end();
  if (ascending) return;
  std::sort(bound_.begin(), bound_.end());
  bound_.erase(std::unique(bound_.begin(), bound_.end()), bound_.end());
}

Rc<const Ivar> Ivar::empty() { return make_rc<const Ivar>(ValueList{}); }

std::optional<Value> Ivar::get() const {
  if (!is_bound()) return std::nullopt;
  return bound_.front();
}

Rc<const Ivar> Ivar::bind(const Value& value) const {
  if (std::binary_search(bound_.begin(), bound_.end(), value)) return self();
  ValueList bound = bound_;
  bound.push_back(value);
  return make_rc<const Ivar>(std::move(bound));
}

Rc<const Ivar> Ivar::merge(const Ivar& other) const {
  if (below(other)) return other.self();
  if (other.below(*this)) return self();
  ValueList bound;
  std::set_union(bound_.begin(), bound_.end(), other.bound_.begin(), other.bound_.end(),
                 std::back_inserter(bound));
  return make_rc<const Ivar>(std::move(bound));
}

bool Ivar::below(const Ivar& other) const {
  return std::includes(other.bound_.begin(), other.bound_.end(), bound_.begin(), bound_.end());
}

std::string Ivar::to_string() const {
  std::string out = "ivar(";
  if (bound_.empty()) {
    out += "unbound";
  } else if (is_bound()) {
    out += bound_.front().to_string();
  } else {
    out += "conflict{";
    out += join_printed(bound_, [](const Value& v) { return v.to_string(); });
    out += "}";
  }
  out += ")";
  return out;
}

void Ivar::encode(Encoder& out) const {
  out.varint(bound_.size());
  for (const Value& value : bound_) value.encode(out);
}

void Ivar::encoded_order(const Ivar& other, EncodingOrder& order) const {
  order.varint(bound_.size(), other.bound_.size());
  for (std::size_t i = 0; i < bound_.size() && !order.decided(); ++i) {
    order.then(Value::encoded_order(bound_[i], other.bound_[i]));
  }
}

Rc<const Ivar> Ivar::decode(Decoder& in) {
  ValueList bound;
  const std::uint64_t size = in.count();
  for (std::uint64_t i = 0; i < size; ++i) {
    Value value = Value::decode(in);
    expect_ascending(bound.empty() ? nullptr : &bound.back(), value, "ivar");
    bound.push_back(std::move(value));
  }
  return make_rc<const Ivar>(std::move(bound));
}

// ---- EW-Flag ------------------------------------------------------------------

EwFlag::EwFlag(DotSet dots, CausalContext context)
    : dots_(std::move(dots)), context_(std::move(context)) {}

Rc<const EwFlag> EwFlag::empty() { return make_rc<const EwFlag>(DotSet{}, CausalContext{}); }

Rc<const EwFlag> EwFlag::enable(ReplicaId replica) const {
  const Dot dot = context_.next(replica);
  CausalContext context = context_;
  context.insert(dot);
  return make_rc<const EwFlag>(DotSet{dot}, std::move(context));
}

Rc<const EwFlag> EwFlag::enable_delta(ReplicaId replica) const {
  const Dot dot = context_.next(replica);
  CausalContext context(dots_);
  context.insert(dot);
  return make_rc<const EwFlag>(DotSet{dot}, std::move(context));
}

Rc<const EwFlag> EwFlag::disable() const {
  if (dots_.empty()) return self();
  return make_rc<const EwFlag>(DotSet{}, context_);
}

Rc<const EwFlag> EwFlag::disable_delta() const {
  return make_rc<const EwFlag>(DotSet{}, CausalContext(dots_));
}

Rc<const EwFlag> EwFlag::merge(const EwFlag& other) const {
  CausalContext context = context_;
  context.join(other.context_);
  return make_rc<const EwFlag>(join_dots(dots_, context_, other.dots_, other.context_),
                               std::move(context));
}

bool EwFlag::below(const EwFlag& other) const {
  return other.context_.includes(context_) && dots_below(dots_, context_, other.dots_);
}

std::string EwFlag::to_string() const { return enabled() ? "ewflag(on)" : "ewflag(off)"; }

void EwFlag::encode(Encoder& out) const {
  context_.encode(out);
  encode_dots(out, dots_);
}

void EwFlag::encoded_order(const EwFlag& other, EncodingOrder& order) const {
  context_.encoded_order(other.context_, order);
  order.varint(dots_.size(), other.dots_.size());
  for (std::size_t i = 0; i < dots_.size() && !order.decided(); ++i) order_dots(order, dots_[i], other.dots_[i]);
}

Rc<const EwFlag> EwFlag::decode(Decoder& in) {
  CausalContext context = CausalContext::decode(in);
  DotSet dots = decode_dots(in, false);
  expect_seen(context, dots);
  return make_rc<const EwFlag>(std::move(dots), std::move(context));
}

}  // namespace frsim::core::crdt
