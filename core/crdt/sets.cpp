#include "core/crdt/sets.hpp"

#include <algorithm>
#include <functional>
#include <iterator>
#include <optional>
#include <utility>

namespace frsim::core::crdt {

namespace {

// Function objects (not functions), so that the merges inline them.
constexpr auto value_order = [](const Value& a, const Value& b) { return a <=> b; };
constexpr auto first_of = [](const Value& a, const Value&) -> const Value& { return a; };

SortedValues sorted_unique(ValueList values) {
  const bool ascending = std::adjacent_find(values.begin(), values.end(), std::greater_equal<>()) == values.end();
  if (!ascending) {
    std::sort(values.begin(), values.end());
    values.erase(std::unique(values.begin(), values.end()), values.end());
  }
  return SortedValues::from(values);
}

SortedValues union_of(const SortedValues& a, const SortedValues& b) {
  return sorted_union(a, b, value_order, keeping(first_of));
}

SortedValues::Found find(const SortedValues& values, const Value& element) {
  return values.lower_bound(element, [](const Value& e, const Value& k) { return e < k; });
}

bool has(const SortedValues& values, const Value& element) {
  const auto found = find(values, element);
  return found.item != nullptr && *found.item == element;
}

// `values` with `element` inserted (absent from it): one path copied.
SortedValues with(const SortedValues& values, const Value& element) {
  return values.inserted(find(values, element).rank, element);
}

SortedValues only(const Value& element) { return SortedValues().inserted(0, element); }

bool subset(const SortedValues& a, const SortedValues& b) {
  return sorted_covers(b, a, value_order, [](const Value&, const Value&) { return true; });
}

std::string print(const SortedValues& values) {
  return join_printed(values, [](const Value& v) { return v.to_string(); });
}

void encode_values(Encoder& out, const SortedValues& values) {
  out.varint(values.size());
  for (const Value& value : values) value.encode(out);
}

void order_values(EncodingOrder& order, const SortedValues& a, const SortedValues& b) {
  if (order.decided()) return;
  order.varint(a.size(), b.size());
  for (auto x = a.begin(), y = b.begin(); x != a.end() && !order.decided(); ++x, ++y) {
    order.then(Value::encoded_order(*x, *y));
  }
}

SortedValues decode_values(Decoder& in, std::string_view what) {
  const std::uint64_t size = in.count();
  SortedValues::Builder values(size);
  std::optional<Value> previous;
  for (std::uint64_t i = 0; i < size; ++i) {
    Value value = Value::decode(in);
    expect_ascending(previous ? &*previous : nullptr, value, what);
    values.push_back(value);
    previous = std::move(value);
  }
  return values.finish();
}

ValueList listed(const SortedValues& values) { return ValueList(values.begin(), values.end()); }

}  // namespace

// ---- G-Set --------------------------------------------------------------------

GSet::GSet(ValueList elements) : elements_(sorted_unique(std::move(elements))) {}

Rc<const GSet> GSet::empty() { return make_rc<const GSet>(SortedValues{}); }

bool GSet::contains(const Value& element) const { return has(elements_, element); }

ValueList GSet::elements() const { return listed(elements_); }

Rc<const GSet> GSet::add(const Value& element) const {
  if (contains(element)) return self();
  return make_rc<const GSet>(with(elements_, element));
}

Rc<const GSet> GSet::add_delta(const Value& element) const { return make_rc<const GSet>(only(element)); }

Rc<const GSet> GSet::merge(const GSet& other) const {
  SortedValues joined = union_of(elements_, other.elements_);
  if (joined.same_as(elements_)) return self();
  if (joined.same_as(other.elements_)) return other.self();
  return make_rc<const GSet>(std::move(joined));
}

bool GSet::below(const GSet& other) const { return subset(elements_, other.elements_); }

std::string GSet::to_string() const {
  std::string out = "gset{";
  out += print(elements_);
  out += "}";
  return out;
}

void GSet::encode(Encoder& out) const { encode_values(out, elements_); }

void GSet::encoded_order(const GSet& other, EncodingOrder& order) const {
  order_values(order, elements_, other.elements_);
}

Rc<const GSet> GSet::decode(Decoder& in) { return make_rc<const GSet>(decode_values(in, "gset")); }

// ---- 2P-Set -------------------------------------------------------------------

TwoPSet::TwoPSet(ValueList added, ValueList removed)
    : added_(sorted_unique(std::move(added))), removed_(sorted_unique(std::move(removed))) {}

Rc<const TwoPSet> TwoPSet::empty() { return make_rc<const TwoPSet>(SortedValues{}, SortedValues{}); }

bool TwoPSet::contains(const Value& element) const {
  return has(added_, element) && !has(removed_, element);
}

ValueList TwoPSet::elements() const {
  ValueList out;
  std::set_difference(added_.begin(), added_.end(), removed_.begin(), removed_.end(),
                      std::back_inserter(out));
  return out;
}

Rc<const TwoPSet> TwoPSet::add(const Value& element) const {
  if (has(added_, element)) return self();
  return make_rc<const TwoPSet>(with(added_, element), removed_);
}

Rc<const TwoPSet> TwoPSet::add_delta(const Value& element) const {
  return make_rc<const TwoPSet>(only(element), SortedValues{});
}

Rc<const TwoPSet> TwoPSet::remove(const Value& element) const {
  if (has(removed_, element)) return self();
  return make_rc<const TwoPSet>(added_, with(removed_, element));
}

Rc<const TwoPSet> TwoPSet::remove_delta(const Value& element) const {
  return make_rc<const TwoPSet>(SortedValues{}, only(element));
}

Rc<const TwoPSet> TwoPSet::merge(const TwoPSet& other) const {
  SortedValues added = union_of(added_, other.added_);
  SortedValues removed = union_of(removed_, other.removed_);
  if (added.same_as(added_) && removed.same_as(removed_)) return self();
  if (added.same_as(other.added_) && removed.same_as(other.removed_)) return other.self();
  return make_rc<const TwoPSet>(std::move(added), std::move(removed));
}

bool TwoPSet::below(const TwoPSet& other) const {
  return subset(added_, other.added_) && subset(removed_, other.removed_);
}

std::string TwoPSet::to_string() const {
  std::string out = "twopset{";
  out += join_printed(elements(), [](const Value& v) { return v.to_string(); });
  out += "}";
  if (!removed_.empty()) {
    out += " removed{";
    out += print(removed_);
    out += "}";
  }
  return out;
}

void TwoPSet::encode(Encoder& out) const {
  encode_values(out, added_);
  encode_values(out, removed_);
}

void TwoPSet::encoded_order(const TwoPSet& other, EncodingOrder& order) const {
  order_values(order, added_, other.added_);
  order_values(order, removed_, other.removed_);
}

Rc<const TwoPSet> TwoPSet::decode(Decoder& in) {
  SortedValues added = decode_values(in, "twopset");
  return make_rc<const TwoPSet>(std::move(added), decode_values(in, "twopset"));
}

// ---- OR-Set -------------------------------------------------------------------

OrSet::OrSet(Entries entries, CausalContext context) : OrSet(keyed_from(entries), std::move(context)) {}

OrSet::OrSet(KeyedDots entries, CausalContext context)
    : entries_(std::move(entries)), context_(std::move(context)), size_(key_count(entries_)) {}

Rc<const OrSet> OrSet::empty() { return make_rc<const OrSet>(KeyedDots{}, CausalContext{}, 0); }

Rc<const OrSet> OrSet::add(ReplicaId replica, const Value& element) const {
  const Dot dot = context_.next(replica);
  CausalContext context = context_;
  context.insert(dot);
  // The element's older dots are in the context already.
  return make_rc<const OrSet>(with_only_dot(entries_, element, dot), std::move(context),
                              size_ + (contains(element) ? 0 : 1));
}

Rc<const OrSet> OrSet::add_delta(ReplicaId replica, const Value& element) const {
  const Dot dot = context_.next(replica);
  CausalContext context(dots_of(entries_, element));
  context.insert(dot);
  return make_rc<const OrSet>(KeyedDots().inserted(0, KeyedDot{element, dot}), std::move(context), 1);
}

Rc<const OrSet> OrSet::remove(const Value& element) const {
  if (!contains(element)) return self();
  return make_rc<const OrSet>(without_key(entries_, element), context_, size_ - 1);
}

Rc<const OrSet> OrSet::remove_delta(const Value& element) const {
  return make_rc<const OrSet>(KeyedDots{}, CausalContext(dots_of(entries_, element)), 0);
}

Rc<const OrSet> OrSet::merge(const OrSet& other) const {
  KeyedDots entries = join_keyed(entries_, context_, other.entries_, other.context_);
  CausalContext context = context_;
  context.join(other.context_);
  if (entries == entries_ && context == context_) return self();
  const std::size_t size = key_count(entries);
  return make_rc<const OrSet>(std::move(entries), std::move(context), size);
}

bool OrSet::below(const OrSet& other) const {
  return keyed_below(entries_, context_, other.entries_, other.context_);
}

std::string OrSet::to_string() const {
  std::string out = "orset{";
  out += join_printed(elements(), [](const Value& v) { return v.to_string(); });
  out += "}";
  return out;
}

void encode_entries(Encoder& out, const DotMap<Value>& entries) {
  out.varint(entries.size());
  for (const auto& [element, dots] : entries) {
    element.encode(out);
    encode_dots(out, dots);
  }
}

void OrSet::encode(Encoder& out) const {
  context_.encode(out);
  encode_keyed(out, entries_, size_);
}

void OrSet::encoded_order(const OrSet& other, EncodingOrder& order) const {
  context_.encoded_order(other.context_, order);
  if (!order.decided()) order_keyed(order, entries_, size_, other.entries_, other.size_);
}

Rc<const OrSet> OrSet::decode(Decoder& in) {
  CausalContext context = CausalContext::decode(in);
  std::size_t size = 0;
  KeyedDots entries = decode_keyed(in, context, size);
  return make_rc<const OrSet>(std::move(entries), std::move(context), size);
}

}  // namespace frsim::core::crdt
