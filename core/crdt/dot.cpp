#include "core/crdt/dot.hpp"

#include <algorithm>
#include <iterator>
#include <optional>

#include "core/error.hpp"
#include "core/crdt/lattice_base.hpp"

namespace frsim::core::crdt {

// ---- causal context -------------------------------------------------------------

CausalContext::CausalContext(const DotSet& dots) { insert(dots); }

std::uint64_t CausalContext::prefix_of(ReplicaId replica) const {
  auto found = std::lower_bound(compact_.begin(), compact_.end(), replica,
                                [](const Prefix& p, ReplicaId r) { return p.replica < r; });
  return found != compact_.end() && found->replica == replica ? found->last : 0;
}

bool CausalContext::contains(const Dot& dot) const {
  if (dot.counter <= prefix_of(dot.replica)) return true;
  return !cloud_.empty() && std::binary_search(cloud_.begin(), cloud_.end(), dot);
}

Dot CausalContext::next(ReplicaId replica) const {
  std::uint64_t seen = prefix_of(replica);
  // The greatest cloud dot of `replica` is the last one before replica + 1.
  auto after = replica == UINT32_MAX ? cloud_.end() : std::lower_bound(cloud_.begin(), cloud_.end(), Dot{replica + 1, 0});
  if (after != cloud_.begin()) {
    const Dot& last = *std::prev(after);
    if (last.replica == replica) seen = std::max(seen, last.counter);
  }
  if (seen == UINT64_MAX) throw Error("dot counter overflow for replica " + std::to_string(replica));
  return Dot{replica, seen + 1};
}

void CausalContext::insert(const Dot& dot) {
  if (dot.counter == 0 || contains(dot)) return;  // counters start at 1; 0 is "nothing seen"
  auto prefix = std::lower_bound(compact_.begin(), compact_.end(), dot.replica,
                                 [](const Prefix& p, ReplicaId r) { return p.replica < r; });
  const bool has_prefix = prefix != compact_.end() && prefix->replica == dot.replica;
  if (dot.counter == (has_prefix ? prefix->last : 0) + 1) {
    if (has_prefix) {
      prefix->last = dot.counter;
    } else {
      compact_.insert(prefix, Prefix{dot.replica, dot.counter});
    }
    if (!cloud_.empty()) normalise();  // the prefix may now reach cloud dots
    return;
  }
  cloud_.insert(std::lower_bound(cloud_.begin(), cloud_.end(), dot), dot);
}

CausalContext CausalContext::renamed(std::span<const ReplicaId> to_new) const {
  const auto rename = [to_new](ReplicaId r) { return r < to_new.size() ? to_new[r] : r; };
  CausalContext out;
  out.compact_ = compact_;
  for (Prefix& p : out.compact_) p.replica = rename(p.replica);
  std::sort(out.compact_.begin(), out.compact_.end(), [](const Prefix& a, const Prefix& b) { return a.replica < b.replica; });
  out.cloud_ = cloud_;
  for (Dot& d : out.cloud_) d.replica = rename(d.replica);
  std::sort(out.cloud_.begin(), out.cloud_.end());
  return out;  // a bijection keeps every prefix and cloud dot where normalise() put it
}

void CausalContext::insert(const DotSet& dots) {
  for (const Dot& dot : dots) insert(dot);
}

void CausalContext::join(const CausalContext& other) {
  if (other.empty() || this == &other) return;
  std::vector<Prefix> compact;
  compact.reserve(compact_.size() + other.compact_.size());
  auto x = compact_.begin();
  auto y = other.compact_.begin();
  while (x != compact_.end() || y != other.compact_.end()) {
    if (y == other.compact_.end() || (x != compact_.end() && x->replica < y->replica)) {
      compact.push_back(*x++);
    } else if (x == compact_.end() || y->replica < x->replica) {
      compact.push_back(*y++);
    } else {
      compact.push_back(Prefix{x->replica, std::max(x->last, y->last)});
      ++x, ++y;
    }
  }
  compact_ = std::move(compact);
  if (!other.cloud_.empty()) {
    std::vector<Dot> cloud;
    cloud.reserve(cloud_.size() + other.cloud_.size());
    std::set_union(cloud_.begin(), cloud_.end(), other.cloud_.begin(), other.cloud_.end(), std::back_inserter(cloud));
    cloud_ = std::move(cloud);
  }
  if (!cloud_.empty()) normalise();
}

bool CausalContext::includes(const CausalContext& other) const {
  // Prefixes: one walk over both ascending lists.
  auto mine = compact_.begin();
  for (const Prefix& p : other.compact_) {
    while (mine != compact_.end() && mine->replica < p.replica) ++mine;
    if (mine == compact_.end() || mine->replica != p.replica || mine->last < p.last) return false;
  }
  return std::all_of(other.cloud_.begin(), other.cloud_.end(), [this](const Dot& dot) { return contains(dot); });
}

// Cloud dots are sorted by (replica, counter), so one pass over both sorted
// lists absorbs every run that continues a replica's contiguous prefix.
void CausalContext::normalise() {
  std::vector<Prefix> compact;
  std::vector<Dot> cloud;
  compact.reserve(compact_.size() + 1);
  auto p = compact_.begin();
  auto d = cloud_.begin();
  while (p != compact_.end() || d != cloud_.end()) {
    const ReplicaId replica = p == compact_.end()  ? d->replica
                              : d == cloud_.end() ? p->replica
                                                   : std::min(p->replica, d->replica);
    std::uint64_t last = 0;
    if (p != compact_.end() && p->replica == replica) last = (p++)->last;
    for (; d != cloud_.end() && d->replica == replica; ++d) {
      if (d->counter <= last) continue;
      if (d->counter == last + 1) {
        last = d->counter;
      } else {
        cloud.push_back(*d);
      }
    }
    if (last > 0) compact.push_back(Prefix{replica, last});
  }
  compact_ = std::move(compact);
  cloud_ = std::move(cloud);
}

void CausalContext::encode(Encoder& out) const {
  out.varint(compact_.size());
  for (const Prefix& p : compact_) {
    out.varint(p.replica);
    out.varint(p.last);
  }
  out.varint(cloud_.size());
  for (const Dot& dot : cloud_) encode_dot(out, dot);
}

void CausalContext::encoded_order(const CausalContext& other, EncodingOrder& order) const {
  order.varint(compact_.size(), other.compact_.size());
  for (std::size_t i = 0; i < compact_.size() && !order.decided(); ++i) {
    order.varint(compact_[i].replica, other.compact_[i].replica).varint(compact_[i].last, other.compact_[i].last);
  }
  order.varint(cloud_.size(), other.cloud_.size());
  for (std::size_t i = 0; i < cloud_.size() && !order.decided(); ++i) order_dots(order, cloud_[i], other.cloud_[i]);
}

CausalContext CausalContext::decode(Decoder& in) {
  CausalContext context;
  const std::uint64_t compact_count = in.count();
  for (std::uint64_t i = 0; i < compact_count; ++i) {
    const Dot last = decode_dot(in);
    if (last.counter == 0 || (!context.compact_.empty() && context.compact_.back().replica >= last.replica)) {
      throw DecodeError("corrupt causal context: compact part not canonical");
    }
    context.compact_.push_back(Prefix{last.replica, last.counter});
  }
  DotSet cloud = decode_dots(in, false);
  // Canonical: no cloud dot continues or lies within its replica's prefix.
  for (const Dot& dot : cloud) {
    if (dot.counter <= context.prefix_of(dot.replica) + 1) {
      throw DecodeError("corrupt causal context: cloud not canonical");
    }
  }
  context.cloud_ = std::move(cloud);
  return context;
}

std::string CausalContext::to_string() const {
  std::string out = "{";
  bool first = true;
  for (const Prefix& p : compact_) {
    if (!first) out += ", ";
    first = false;
    out += "r";
    out += std::to_string(p.replica);
    out += ":1..";
    out += std::to_string(p.last);
  }
  for (const Dot& dot : cloud_) {
    if (!first) out += ", ";
    first = false;
    out += crdt::to_string(dot);
  }
  out += "}";
  return out;
}

// ---- dot sets -------------------------------------------------------------------

DotSet join_dots(const DotSet& a, const CausalContext& ca, const DotSet& b,
                 const CausalContext& cb) {
  DotSet out;
  out.reserve(std::max(a.size(), b.size()));
  auto x = a.begin();
  auto y = b.begin();
  while (x != a.end() || y != b.end()) {
    if (y == b.end() || (x != a.end() && *x < *y)) {
      if (!cb.contains(*x)) out.push_back(*x);
      ++x;
    } else if (x == a.end() || *y < *x) {
      if (!ca.contains(*y)) out.push_back(*y);
      ++y;
    } else {
      out.push_back(*x);
      ++x;
      ++y;
    }
  }
  return out;
}

bool contains(const DotSet& dots, const Dot& dot) {
  return std::binary_search(dots.begin(), dots.end(), dot);
}

bool dots_below(const DotSet& a, const CausalContext& ca, const DotSet& b) {
  return std::all_of(b.begin(), b.end(),
                     [&](const Dot& dot) { return !ca.contains(dot) || contains(a, dot); });
}

void encode_dot(Encoder& out, const Dot& dot) {
  out.varint(dot.replica);
  out.varint(dot.counter);
}

Dot decode_dot(Decoder& in) {
  const std::uint64_t replica = in.varint();
  if (replica > UINT32_MAX) throw DecodeError("corrupt dot: replica id out of range");
  return Dot{static_cast<ReplicaId>(replica), in.varint()};
}

void encode_dots(Encoder& out, const DotSet& dots) {
  out.varint(dots.size());
  for (const Dot& dot : dots) encode_dot(out, dot);
}

DotSet decode_dots(Decoder& in, bool non_empty) {
  const std::uint64_t count = in.count();
  if (non_empty && count == 0) throw DecodeError("corrupt dot set: empty");
  DotSet dots;
  dots.reserve(count);
  for (std::uint64_t i = 0; i < count; ++i) {
    const Dot dot = decode_dot(in);
    if (dot.counter == 0 || (!dots.empty() && !(dots.back() < dot))) {
      throw DecodeError("corrupt dot set: not strictly ascending");
    }
    dots.push_back(dot);
  }
  return dots;
}

void encode_timestamp(Encoder& out, const Timestamp& ts) {
  out.varint(ts.lamport);
  out.varint(ts.replica);
}

Timestamp decode_timestamp(Decoder& in) {
  const std::uint64_t lamport = in.varint();
  const std::uint64_t replica = in.varint();
  if (replica > UINT32_MAX) throw DecodeError("corrupt timestamp: replica id out of range");
  return Timestamp{lamport, static_cast<ReplicaId>(replica)};
}

void expect_seen(const CausalContext& context, const DotSet& dots) {
  for (const Dot& dot : dots) {
    if (!context.contains(dot)) {
      throw DecodeError("corrupt causal state: dot " + to_string(dot) + " not in its context");
    }
  }
}

std::string to_string(const Dot& dot) {
  std::string out = "r";
  out += std::to_string(dot.replica);
  out += ".";
  out += std::to_string(dot.counter);
  return out;
}

std::string to_string(const Timestamp& ts) {
  std::string out = std::to_string(ts.lamport);
  out += "@r";
  out += std::to_string(ts.replica);
  return out;
}

// ---- keyed dot stores -------------------------------------------------------------

KeyedDots join_keyed(const KeyedDots& a, const CausalContext& ca, const KeyedDots& b,
                     const CausalContext& cb) {
  KeyedDots::Builder out(a.size() + b.size());
  auto x = a.begin();
  auto y = b.begin();
  const KeyedDots::const_iterator end{};  // the end of every sequence
  while (x != end || y != end) {
    if (KeyedDots::take_shared_leaf(x, y, out)) continue;
    const auto order = x == end ? std::strong_ordering::greater
                       : y == end ? std::strong_ordering::less
                                  : *x <=> *y;
    if (order < 0) {
      if (!cb.contains(x->dot)) out.push_back(*x);
      ++x;
    } else if (order > 0) {
      if (!ca.contains(y->dot)) out.push_back(*y);
      ++y;
    } else {
      out.push_back(*x);
      ++x;
      ++y;
    }
  }
  return out.finish();
}

// Every pair of b that a has seen must still be in a; both are sorted, so one
// walk finds them.
bool keyed_below(const KeyedDots& a, const CausalContext& ca, const KeyedDots& b,
                 const CausalContext& cb) {
  if (!cb.includes(ca)) return false;
  auto x = a.begin();
  for (const KeyedDot& pair : b) {
    if (!ca.contains(pair.dot)) continue;
    while (x != a.end() && *x < pair) ++x;
    if (x == a.end() || !(*x == pair)) return false;
  }
  return true;
}

namespace {
bool key_less(const KeyedDot& pair, const Value& key) { return pair.key < key; }
}  // namespace

KeyRun find_key(const KeyedDots& store, const Value& key) {
  const auto found = store.lower_bound(key, key_less);
  KeyRun run{found.rank, 0};
  for (auto it = store.at(found.rank); it != store.end() && it->key == key; ++it) ++run.count;
  return run;
}

KeyedDots with_only_dot(const KeyedDots& store, const Value& key, const Dot& dot) {
  const KeyRun run = find_key(store, key);
  if (run.count == 0) return store.inserted(run.rank, KeyedDot{key, dot});
  KeyedDots out = store;
  for (std::size_t k = 1; k < run.count; ++k) out = out.erased(run.rank + 1);
  return out.assigned(run.rank, KeyedDot{key, dot});
}

KeyedDots without_key(const KeyedDots& store, const Value& key) {
  const KeyRun run = find_key(store, key);
  KeyedDots out = store;
  for (std::size_t k = 0; k < run.count; ++k) out = out.erased(run.rank);
  return out;
}

DotSet dots_of(const KeyedDots& store, const Value& key) {
  const KeyRun run = find_key(store, key);
  DotSet dots;
  dots.reserve(run.count);
  auto it = store.at(run.rank);
  for (std::size_t k = 0; k < run.count; ++k, ++it) dots.push_back(it->dot);
  return dots;
}

ValueList keys_of(const KeyedDots& store) {
  ValueList keys;
  for (const KeyedDot& pair : store) {
    if (keys.empty() || !(keys.back() == pair.key)) keys.push_back(pair.key);
  }
  return keys;
}

std::size_t key_count(const KeyedDots& store) {
  std::size_t count = 0;
  const Value* previous = nullptr;
  for (const KeyedDot& pair : store) {
    if (previous == nullptr || !(*previous == pair.key)) ++count;
    previous = &pair.key;
  }
  return count;
}

namespace {

// Calls visit(key, first, count) for each run of one key's pairs.
template <class Visit>
void for_each_key(const KeyedDots& store, Visit visit) {
  auto it = store.begin();
  while (it != store.end()) {
    auto first = it;
    std::size_t count = 0;
    const Value& key = it->key;
    while (it != store.end() && it->key == key) ++it, ++count;
    visit(key, first, count);
  }
}

}  // namespace

void encode_keyed(Encoder& out, const KeyedDots& store, std::size_t keys) {
  out.varint(keys);
  for_each_key(store, [&out](const Value& key, KeyedDots::const_iterator first, std::size_t count) {
    key.encode(out);
    out.varint(count);
    for (std::size_t k = 0; k < count; ++k, ++first) encode_dot(out, first->dot);
  });
}

// In step with encode_keyed: the key counts, then key by key.
void order_keyed(EncodingOrder& order, const KeyedDots& a, std::size_t keys_a, const KeyedDots& b,
                 std::size_t keys_b) {
  order.varint(keys_a, keys_b);
  auto x = a.begin();
  auto y = b.begin();
  while (!order.decided() && x != a.end()) {
    const Value& key_a = x->key;
    const Value& key_b = y->key;
    order.then(Value::encoded_order(key_a, key_b));
    auto run_a = x;
    auto run_b = y;
    std::size_t count_a = 0;
    std::size_t count_b = 0;
    while (x != a.end() && x->key == key_a) ++x, ++count_a;
    while (y != b.end() && y->key == key_b) ++y, ++count_b;
    order.varint(count_a, count_b);
    for (std::size_t k = 0; k < count_a && !order.decided(); ++k, ++run_a, ++run_b) {
      order_dots(order, run_a->dot, run_b->dot);
    }
  }
}

KeyedDots decode_keyed(Decoder& in, const CausalContext& context, std::size_t& keys) {
  const std::uint64_t size = in.count();
  keys = size;
  KeyedDots::Builder out(size);
  std::optional<Value> previous;
  for (std::uint64_t i = 0; i < size; ++i) {
    Value key = Value::decode(in);
    expect_ascending(previous ? &*previous : nullptr, key, "dot map");
    const DotSet dots = decode_dots(in, true);
    expect_seen(context, dots);
    for (const Dot& dot : dots) out.push_back(KeyedDot{key, dot});
    previous = std::move(key);
  }
  return out.finish();
}

KeyedDots keyed_from(const DotMap<Value>& map) {
  KeyedDots::Builder out(map.size());
  for (const auto& [key, dots] : map) {
    for (const Dot& dot : dots) out.push_back(KeyedDot{key, dot});
  }
  return out.finish();
}

DotMap<Value> map_from(const KeyedDots& store) {
  DotMap<Value> map;
  for (const KeyedDot& pair : store) map[pair.key].push_back(pair.dot);
  return map;
}

}  // namespace frsim::core::crdt
