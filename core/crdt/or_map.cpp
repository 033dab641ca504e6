#include "core/crdt/or_map.hpp"

#include <optional>
#include <utility>

#include "core/crdt/sets.hpp"

namespace frsim::core::crdt {

namespace {

constexpr auto by_key = [](const KeyValue& a, const KeyValue& b) { return a.key <=> b.key; };

KeyValues::Found find(const KeyValues& values, const Value& key) {
  return values.lower_bound(key, [](const KeyValue& e, const Value& k) { return e.key < k; });
}

Value joined(const Value* current, const Value& key, const Value& update) {
  if (!update.is_crdt()) throw TypeError("ormap: value of key " + key.to_string() + " is not a CRDT: " + update.to_string());
  return current == nullptr ? update : Value::join(*current, update);
}

// The same lattice object: a join that kept one side as it was.
bool same_lattice(const Value& a, const Value& b) { return &a.as_crdt() == &b.as_crdt(); }

// Values of both maps, each key's joined pointwise (seq.hpp's union, which
// shares a's or b's tree when the other adds nothing).
KeyValues join_values(const KeyValues& a, const KeyValues& b) {
  const auto join = [](const KeyValue& x, const KeyValue& y, KeyValue& scratch) -> const KeyValue& {
    Value value = Value::join(x.value, y.value);
    if (same_lattice(value, x.value)) return x;
    if (same_lattice(value, y.value)) return y;
    scratch = KeyValue{x.key, std::move(value)};
    return scratch;
  };
  // The same lattice object: comparing distinct ones would hash them.
  const auto same = [](const KeyValue& x, const KeyValue& y) { return same_lattice(x.value, y.value); };
  return sorted_union(a, b, by_key, join, same);
}

}  // namespace

OrMap::OrMap(Keys keys, CausalContext context, Values values)
    : keys_(keyed_from(keys)), size_(key_count(keys_)), context_(std::move(context)) {
  KeyValues::Builder sorted(values.size());
  for (auto& [key, value] : values) sorted.push_back(KeyValue{key, std::move(value)});
  values_ = sorted.finish();
}

Rc<const OrMap> OrMap::empty() { return make_rc<const OrMap>(KeyedDots{}, 0, CausalContext{}, KeyValues{}); }

const Value* OrMap::value_of(const Value& key) const {
  const auto found = find(values_, key);
  return found.item != nullptr && found.item->key == key ? &found.item->value : nullptr;
}

const Value* OrMap::get(const Value& key) const {
  if (!contains(key)) return nullptr;
  return value_of(key);
}

Rc<const OrMap> OrMap::put(ReplicaId replica, const Value& key, const Value& update) const {
  const Value* current = value_of(key);
  Value value = joined(current, key, update);
  const auto found = find(values_, key);
  KeyValues values = current != nullptr ? values_.assigned(found.rank, KeyValue{key, std::move(value)})
                                        : values_.inserted(found.rank, KeyValue{key, std::move(value)});
  const Dot dot = context_.next(replica);
  CausalContext context = context_;
  context.insert(dot);
  const std::size_t size = size_ + (contains(key) ? 0 : 1);
  return make_rc<const OrMap>(with_only_dot(keys_, key, dot), size, std::move(context), std::move(values));
}

Rc<const OrMap> OrMap::put_delta(ReplicaId replica, const Value& key, const Value& update) const {
  joined(value_of(key), key, update);  // the same type check as put
  const Dot dot = context_.next(replica);
  CausalContext context(dots_of(keys_, key));
  context.insert(dot);
  return make_rc<const OrMap>(KeyedDots().inserted(0, KeyedDot{key, dot}), 1, std::move(context),
                              KeyValues().inserted(0, KeyValue{key, update}));
}

Rc<const OrMap> OrMap::remove(const Value& key) const {
  if (!contains(key)) return self();
  return make_rc<const OrMap>(without_key(keys_, key), size_ - 1, context_, values_);
}

Rc<const OrMap> OrMap::remove_delta(const Value& key) const {
  return make_rc<const OrMap>(KeyedDots{}, 0, CausalContext(dots_of(keys_, key)), KeyValues{});
}

Rc<const OrMap> OrMap::merge(const OrMap& other) const {
  KeyValues values = join_values(values_, other.values_);
  KeyedDots keys = join_keyed(keys_, context_, other.keys_, other.context_);
  CausalContext context = context_;
  context.join(other.context_);
  if (values.same_as(values_) && keys == keys_ && context == context_) return self();
  const std::size_t size = key_count(keys);
  return make_rc<const OrMap>(std::move(keys), size, std::move(context), std::move(values));
}

bool OrMap::below(const OrMap& other) const {
  if (!keyed_below(keys_, context_, other.keys_, other.context_)) return false;
  return sorted_covers(other.values_, values_, by_key, [](const KeyValue& mine, const KeyValue& theirs) {
    return Value::leq(mine.value, theirs.value);
  });
}

std::string OrMap::to_string() const {
  std::string out = "ormap{";
  out += join_printed(keys(), [this](const Value& key) {
    std::string item = key.to_string();
    item += ": ";
    item += value_of(key)->to_string();
    return item;
  });
  out += "}";
  return out;
}

void OrMap::encode(Encoder& out) const {
  context_.encode(out);
  encode_keyed(out, keys_, size_);
  out.varint(values_.size());
  for (const KeyValue& entry : values_) {
    entry.key.encode(out);
    entry.value.encode(out);
  }
}

void OrMap::encoded_order(const OrMap& other, EncodingOrder& order) const {
  context_.encoded_order(other.context_, order);
  if (!order.decided()) order_keyed(order, keys_, size_, other.keys_, other.size_);
  if (order.decided()) return;
  order.varint(values_.size(), other.values_.size());
  for (auto x = values_.begin(), y = other.values_.begin(); x != values_.end() && !order.decided(); ++x, ++y) {
    order.then(Value::encoded_order(x->key, y->key));
    if (!order.decided()) order.then(Value::encoded_order(x->value, y->value));
  }
}

Rc<const OrMap> OrMap::decode(Decoder& in) {
  CausalContext context = CausalContext::decode(in);
  std::size_t size = 0;
  KeyedDots keys = decode_keyed(in, context, size);
  const std::uint64_t count = in.count();
  KeyValues::Builder values(count);
  std::optional<Value> previous;
  for (std::uint64_t i = 0; i < count; ++i) {
    Value key = Value::decode(in);
    expect_ascending(previous ? &*previous : nullptr, key, "ormap");
    Value value = Value::decode(in);
    if (!value.is_crdt()) throw DecodeError("corrupt ormap: a value is not a CRDT");
    values.push_back(KeyValue{key, std::move(value)});
    previous = std::move(key);
  }
  KeyValues all = values.finish();
  // Every present key has a value: one walk over both sorted sequences.
  auto value = all.begin();
  for (const KeyedDot& pair : keys) {
    while (value != all.end() && value->key < pair.key) ++value;
    if (value == all.end() || !(value->key == pair.key)) throw DecodeError("corrupt ormap: a key without a value");
  }
  return make_rc<const OrMap>(std::move(keys), size, std::move(context), std::move(all));
}

}  // namespace frsim::core::crdt
