#include "core/crdt/sets.hpp"

#include <algorithm>
#include <iterator>
#include <utility>

namespace frsim::core::crdt {

namespace {

ValueList sorted_unique(ValueList values) {
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
  return values;
}

ValueList union_of(const ValueList& a, const ValueList& b) {
  ValueList out;
  out.reserve(a.size() + b.size());
  std::set_union(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}

ValueList with(const ValueList& values, const Value& element) {
  ValueList out = values;
  out.insert(std::upper_bound(out.begin(), out.end(), element), element);
  return out;
}

bool has(const ValueList& values, const Value& element) {
  return std::binary_search(values.begin(), values.end(), element);
}

bool subset(const ValueList& a, const ValueList& b) {
  return std::includes(b.begin(), b.end(), a.begin(), a.end());
}

std::string print(const ValueList& values) {
  return join_printed(values, [](const Value& v) { return v.to_string(); });
}

void encode_values(Encoder& out, const ValueList& values) {
  out.varint(values.size());
  for (const Value& value : values) value.encode(out);
}

ValueList decode_values(Decoder& in, std::string_view what) {
  ValueList values;
  const std::uint64_t size = in.count();
  values.reserve(size);
  for (std::uint64_t i = 0; i < size; ++i) {
    Value value = Value::decode(in);
    expect_ascending(values.empty() ? nullptr : &values.back(), value, what);
    values.push_back(std::move(value));
  }
  return values;
}

}  // namespace

// ---- G-Set --------------------------------------------------------------------

GSet::GSet(ValueList elements) : elements_(sorted_unique(std::move(elements))) {}

Rc<const GSet> GSet::empty() { return make_rc<const GSet>(ValueList{}); }

bool GSet::contains(const Value& element) const { return has(elements_, element); }

Rc<const GSet> GSet::add(const Value& element) const {
  if (contains(element)) return self();
  return make_rc<const GSet>(with(elements_, element));
}

Rc<const GSet> GSet::add_delta(const Value& element) const {
  return make_rc<const GSet>(ValueList{element});
}

Rc<const GSet> GSet::merge(const GSet& other) const {
  return make_rc<const GSet>(union_of(elements_, other.elements_));
}

bool GSet::below(const GSet& other) const { return subset(elements_, other.elements_); }

std::string GSet::to_string() const {
  std::string out = "gset{";
  out += print(elements_);
  out += "}";
  return out;
}

void GSet::encode(Encoder& out) const { encode_values(out, elements_); }

Rc<const GSet> GSet::decode(Decoder& in) { return make_rc<const GSet>(decode_values(in, "gset")); }

// ---- 2P-Set -------------------------------------------------------------------

TwoPSet::TwoPSet(ValueList added, ValueList removed)
    : added_(sorted_unique(std::move(added))), removed_(sorted_unique(std::move(removed))) {}

Rc<const TwoPSet> TwoPSet::empty() { return make_rc<const TwoPSet>(ValueList{}, ValueList{}); }

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
  return make_rc<const TwoPSet>(ValueList{element}, ValueList{});
}

Rc<const TwoPSet> TwoPSet::remove(const Value& element) const {
  if (has(removed_, element)) return self();
  return make_rc<const TwoPSet>(added_, with(removed_, element));
}

Rc<const TwoPSet> TwoPSet::remove_delta(const Value& element) const {
  return make_rc<const TwoPSet>(ValueList{}, ValueList{element});
}

Rc<const TwoPSet> TwoPSet::merge(const TwoPSet& other) const {
  return make_rc<const TwoPSet>(union_of(added_, other.added_), union_of(removed_, other.removed_));
}

bool TwoPSet::below(const TwoPSet& other) const {
  return subset(added_, other.added_) && subset(removed_, other.removed_);
}

std::string TwoPSet::to_string() const {
  std::string out = "twopset{";
  out += print(elements());
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

Rc<const TwoPSet> TwoPSet::decode(Decoder& in) {
  ValueList added = decode_values(in, "twopset");
  return make_rc<const TwoPSet>(std::move(added), decode_values(in, "twopset"));
}

// ---- OR-Set -------------------------------------------------------------------

OrSet::OrSet(Entries entries, CausalContext context)
    : entries_(std::move(entries)), context_(std::move(context)) {}

Rc<const OrSet> OrSet::empty() { return make_rc<const OrSet>(Entries{}, CausalContext{}); }

ValueList OrSet::elements() const {
  ValueList out;
  out.reserve(entries_.size());
  for (const auto& entry : entries_) out.push_back(entry.first);
  return out;
}

Rc<const OrSet> OrSet::add(ReplicaId replica, const Value& element) const {
  const Dot dot = context_.next(replica);
  Entries entries = entries_;
  entries[element] = DotSet{dot};  // the element's older dots are in the context already
  CausalContext context = context_;
  context.insert(dot);
  return make_rc<const OrSet>(std::move(entries), std::move(context));
}

Rc<const OrSet> OrSet::add_delta(ReplicaId replica, const Value& element) const {
  const Dot dot = context_.next(replica);
  CausalContext context;
  if (auto found = entries_.find(element); found != entries_.end()) context.insert(found->second);
  context.insert(dot);
  return make_rc<const OrSet>(Entries{{element, DotSet{dot}}}, std::move(context));
}

Rc<const OrSet> OrSet::remove(const Value& element) const {
  if (!contains(element)) return self();
  Entries entries = entries_;
  entries.erase(element);
  return make_rc<const OrSet>(std::move(entries), context_);
}

Rc<const OrSet> OrSet::remove_delta(const Value& element) const {
  CausalContext context;
  if (auto found = entries_.find(element); found != entries_.end()) context.insert(found->second);
  return make_rc<const OrSet>(Entries{}, std::move(context));
}

Rc<const OrSet> OrSet::merge(const OrSet& other) const {
  CausalContext context = context_;
  context.join(other.context_);
  return make_rc<const OrSet>(join_keyed(entries_, context_, other.entries_, other.context_),
                              std::move(context));
}

bool OrSet::below(const OrSet& other) const {
  return keyed_below(entries_, context_, other.entries_, other.context_);
}

std::string OrSet::to_string() const {
  std::string out = "orset{";
  out += print(elements());
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

DotMap<Value> decode_entries(Decoder& in, const CausalContext& context) {
  DotMap<Value> entries;
  const std::uint64_t size = in.count();
  for (std::uint64_t i = 0; i < size; ++i) {
    Value element = Value::decode(in);
    expect_ascending(entries.empty() ? nullptr : &entries.rbegin()->first, element, "dot map");
    DotSet dots = decode_dots(in, true);
    expect_seen(context, dots);
    entries.emplace_hint(entries.end(), std::move(element), std::move(dots));
  }
  return entries;
}

void OrSet::encode(Encoder& out) const {
  context_.encode(out);
  encode_entries(out, entries_);
}

Rc<const OrSet> OrSet::decode(Decoder& in) {
  CausalContext context = CausalContext::decode(in);
  Entries entries = decode_entries(in, context);
  return make_rc<const OrSet>(std::move(entries), std::move(context));
}

}  // namespace frsim::core::crdt
