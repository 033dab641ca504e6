#include "core/crdt/or_map.hpp"

#include <utility>

#include "core/crdt/sets.hpp"

namespace frsim::core::crdt {

namespace {

Value joined(const OrMap::Values& values, const Value& key, const Value& update) {
  if (!update.is_crdt()) throw TypeError("ormap: value of key " + key.to_string() + " is not a CRDT: " + update.to_string());
  auto found = values.find(key);
  return found == values.end() ? update : Value::join(found->second, update);
}

}  // namespace

OrMap::OrMap(Keys keys, CausalContext context, Values values)
    : keys_(std::move(keys)), context_(std::move(context)), values_(std::move(values)) {}

Rc<const OrMap> OrMap::empty() { return make_rc<const OrMap>(Keys{}, CausalContext{}, Values{}); }

const Value* OrMap::get(const Value& key) const {
  if (!keys_.contains(key)) return nullptr;
  return &values_.at(key);
}

ValueList OrMap::keys() const {
  ValueList out;
  out.reserve(keys_.size());
  for (const auto& entry : keys_) out.push_back(entry.first);
  return out;
}

Rc<const OrMap> OrMap::put(ReplicaId replica, const Value& key, const Value& update) const {
  Values values = values_;
  values[key] = joined(values_, key, update);
  const Dot dot = context_.next(replica);
  Keys keys = keys_;
  keys[key] = DotSet{dot};
  CausalContext context = context_;
  context.insert(dot);
  return make_rc<const OrMap>(std::move(keys), std::move(context), std::move(values));
}

Rc<const OrMap> OrMap::put_delta(ReplicaId replica, const Value& key, const Value& update) const {
  joined(values_, key, update);  // the same type check as put
  const Dot dot = context_.next(replica);
  CausalContext context;
  if (auto found = keys_.find(key); found != keys_.end()) context.insert(found->second);
  context.insert(dot);
  return make_rc<const OrMap>(Keys{{key, DotSet{dot}}}, std::move(context), Values{{key, update}});
}

Rc<const OrMap> OrMap::remove(const Value& key) const {
  if (!contains(key)) return self();
  Keys keys = keys_;
  keys.erase(key);
  return make_rc<const OrMap>(std::move(keys), context_, values_);
}

Rc<const OrMap> OrMap::remove_delta(const Value& key) const {
  CausalContext context;
  if (auto found = keys_.find(key); found != keys_.end()) context.insert(found->second);
  return make_rc<const OrMap>(Keys{}, std::move(context), Values{});
}

Rc<const OrMap> OrMap::merge(const OrMap& other) const {
  Values values = values_;
  for (const auto& [key, value] : other.values_) values[key] = joined(values_, key, value);
  CausalContext context = context_;
  context.join(other.context_);
  return make_rc<const OrMap>(join_keyed(keys_, context_, other.keys_, other.context_),
                              std::move(context), std::move(values));
}

bool OrMap::below(const OrMap& other) const {
  if (!keyed_below(keys_, context_, other.keys_, other.context_)) return false;
  for (const auto& [key, value] : values_) {
    auto found = other.values_.find(key);
    if (found == other.values_.end() || !Value::leq(value, found->second)) return false;
  }
  return true;
}

std::string OrMap::to_string() const {
  std::string out = "ormap{";
  out += join_printed(keys_, [this](const auto& entry) {
    std::string item = entry.first.to_string();
    item += ": ";
    item += values_.at(entry.first).to_string();
    return item;
  });
  out += "}";
  return out;
}

void OrMap::encode(Encoder& out) const {
  context_.encode(out);
  encode_entries(out, keys_);
  out.varint(values_.size());
  for (const auto& [key, value] : values_) {
    key.encode(out);
    value.encode(out);
  }
}

Rc<const OrMap> OrMap::decode(Decoder& in) {
  CausalContext context = CausalContext::decode(in);
  Keys keys = decode_entries(in, context);
  Values values;
  const std::uint64_t size = in.count();
  for (std::uint64_t i = 0; i < size; ++i) {
    Value key = Value::decode(in);
    expect_ascending(values.empty() ? nullptr : &values.rbegin()->first, key, "ormap");
    Value value = Value::decode(in);
    if (!value.is_crdt()) throw DecodeError("corrupt ormap: a value is not a CRDT");
    values.emplace_hint(values.end(), std::move(key), std::move(value));
  }
  for (const auto& entry : keys) {
    if (!values.contains(entry.first)) throw DecodeError("corrupt ormap: a key without a value");
  }
  return make_rc<const OrMap>(std::move(keys), std::move(context), std::move(values));
}

}  // namespace frsim::core::crdt
