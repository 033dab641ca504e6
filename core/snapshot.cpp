#include "core/snapshot.hpp"

#include <algorithm>
#include <set>
#include <string>

#include "core/bytes.hpp"
#include "core/hash.hpp"
#include "core/lattice.hpp"

namespace frsim::core {
namespace {

void store_nested(Snapshot& sigma, const Runtime& runtime, const Value& v,
                  std::set<ReactiveId>& stored) {
  switch (v.kind()) {
    case Kind::ref:
    case Kind::named_ref: {
      const auto r = runtime.resolve(v);
      if (!r) return;
      if (v.kind() == Kind::named_ref) sigma.name(v.as_named_ref(), *r);
      if (!stored.insert(*r).second) return;
      const Value& inner = runtime.value(*r);
      sigma.values.insert_or_assign(*r, inner);
      store_nested(sigma, runtime, inner, stored);
      return;
    }
    case Kind::list:
      for (const Value& item : v.as_list()) store_nested(sigma, runtime, item, stored);
      return;
    case Kind::map:
      for (const auto& [key, value] : v.as_map()) {
        store_nested(sigma, runtime, key, stored);
        store_nested(sigma, runtime, value, stored);
      }
      return;
    case Kind::crdt:
      v.as_crdt().for_each_value([&](const Value& item) { store_nested(sigma, runtime, item, stored); });
      return;
    default: return;
  }
}

// Whether v references a reactive anywhere (in lists, maps and CRDT states, recursively):
// only then does storing it need the set of stored reactives, which allocates.
bool holds_refs(const Value& v) {
  switch (v.kind()) {
    case Kind::ref:
    case Kind::named_ref: return true;
    case Kind::list:
      for (const Value& item : v.as_list()) {
        if (holds_refs(item)) return true;
      }
      return false;
    case Kind::map:
      for (const auto& [key, value] : v.as_map()) {
        if (holds_refs(key) || holds_refs(value)) return true;
      }
      return false;
    case Kind::crdt: {
      bool found = false;
      v.as_crdt().for_each_value([&found](const Value& item) { found = found || holds_refs(item); });
      return found;
    }
    default: return false;
  }
}

}  // namespace

SnapshotValues::const_iterator SnapshotValues::find(ReactiveId r) const {
  auto it = std::lower_bound(entries_.begin(), entries_.end(), r,
                             [](const value_type& e, ReactiveId key) { return e.first < key; });
  return it != entries_.end() && it->first == r ? it : entries_.end();
}

const Value& SnapshotValues::at(ReactiveId r) const {
  auto it = find(r);
  if (it == end()) throw Error("snapshot: no value for r" + std::to_string(r));
  return it->second;
}

void SnapshotValues::insert_or_assign(ReactiveId r, Value v) { insert_or_assign_at(r, std::move(v)); }

std::uint32_t SnapshotValues::insert_or_assign_at(ReactiveId r, Value v) {
  auto it = std::lower_bound(entries_.begin(), entries_.end(), r,
                             [](const value_type& e, ReactiveId key) { return e.first < key; });
  if (it != entries_.end() && it->first == r) {
    it->second = std::move(v);
  } else {
    it = entries_.emplace(it, r, std::move(v));
  }
  return static_cast<std::uint32_t>(it - entries_.begin());
}

void Snapshot::name(const std::string& n, ReactiveId r) {
  auto it = std::lower_bound(names.begin(), names.end(), n,
                             [](const auto& e, const std::string& key) { return e.first < key; });
  if (it != names.end() && it->first == n) {
    it->second = r;
  } else {
    names.emplace(it, n, r);
  }
}

std::optional<ReactiveId> Snapshot::named(std::string_view n) const {
  auto it = std::lower_bound(names.begin(), names.end(), n,
                             [](const auto& e, std::string_view key) { return e.first < key; });
  if (it != names.end() && it->first == n) return it->second;
  return std::nullopt;
}

namespace {
template <class ValueHash>
std::uint64_t fingerprint_of(const SnapshotValues& values, const std::vector<CreationRecord>& creations,
                             const std::vector<ReactiveId>& promoted,
                             const std::vector<std::pair<std::string, ReactiveId>>& names,
                             const ValueHash& value_hash) {
  std::uint64_t stored = 0;  // each value at its reactive's id (core/hash.hpp, hash_at)
  for (const auto& [r, v] : values) stored += hash_at(r, value_hash(v));
  std::uint64_t h = hash_combine(hash_combine(0x5349474d41ULL, values.size()), stored);
  for (const CreationRecord& record : creations) {
    h = hash_combine(hash_combine(hash_combine(h, record.creator), record.first), record.count);
    for (const Value& v : record.inputs) h = hash_combine(h, value_hash(v));
  }
  for (const ReactiveId r : promoted) h = hash_combine(h, 0x50524f4dULL + r);
  for (const auto& [name, r] : names) h = hash_combine(hash_combine(h, hash_bytes(name)), r);
  return h;
}
}  // namespace

std::uint64_t Snapshot::fingerprint() const {
  return fingerprint_of(values, creations, promoted, names, [](const Value& v) { return v.hash(); });
}

std::uint64_t Snapshot::fingerprint(const std::function<std::uint64_t(const Value&)>& value_hash) const {
  return fingerprint_of(values, creations, promoted, names, value_hash);
}

std::size_t Snapshot::encoded_bytes() const {
  Encoder out;
  out.varint(values.size());
  for (const auto& [r, v] : values) {
    out.varint(r);
    v.encode(out);
  }
  if (!creations.empty()) {
    // Values inline, as above.
    struct Inline final : ValueCodec {
      void write(Encoder& to, const Value& v) override { v.encode(to); }
      Value read(Decoder&) override { throw Error("snapshot: encoded_bytes only writes"); }
    } values_inline;
    out.varint(creations.size());
    for (const CreationRecord& record : creations) encode_record(out, record, values_inline);
  }
  if (!promoted.empty()) {
    out.varint(promoted.size());
    for (const ReactiveId r : promoted) out.varint(r);
  }
  if (!names.empty()) {
    out.varint(names.size());
    for (const auto& [name, r] : names) {
      out.string(name);
      out.varint(r);
    }
  }
  return out.bytes().size();
}

void store_with_nested(Snapshot& sigma, const Runtime& runtime, ReactiveId r) {
  const Value& v = runtime.value(r);
  sigma.values.insert_or_assign(r, v);
  if (!holds_refs(v)) return;  // the common case allocates nothing
  std::set<ReactiveId> stored{r};
  store_nested(sigma, runtime, v, stored);
}

void SnapshotWriter::created(Snapshot& sigma, const Runtime& runtime, ReactiveId r) const {
  store_with_nested(sigma, runtime, r);
}

bool SnapshotWriter::observes_writes() const { return false; }

void SnapshotWriter::written(Snapshot& /*sigma*/, const Runtime& /*runtime*/,
                             ReactiveId /*r*/) const {}

void SnapshotWriter::committed(Snapshot& sigma, const Runtime& runtime,
                               std::span<const ReactiveId> active) const {
  for (ReactiveId r : active) {
    const ReactiveKind kind = runtime.kind(r);
    // "r ∈ µ(r).in ∨ µ(r).in = ∅": folds and sources.
    if (kind == ReactiveKind::source || kind == ReactiveKind::fold) store_with_nested(sigma, runtime, r);
  }
}

}  // namespace frsim::core
