#include "core/wire.hpp"

#include <algorithm>
#include <charconv>
#include <vector>

#include <fmt/format.h>

#include "core/crdt/rename.hpp"
#include "core/lattice.hpp"
#include "core/receive.hpp"

namespace frsim::core {

namespace {

// Tags of the wire's own values (named refs no application writes: a
// distributed reactive's name never starts with '#').
const Value& ref_tag() {
  static const Value tag = Value::named_ref("#ref");
  return tag;
}
const Value& replica_tag() {
  static const Value tag = Value::named_ref("#replica");
  return tag;
}

std::string view_label(std::string_view name) { return fmt::format("#view {}", name); }

// [#ref, name] and, on the wire, [#ref, name, replicated value or unit].
bool is_wire_ref(const Value& v) {
  if (v.kind() != Kind::list) return false;
  const auto items = v.as_list();
  return (items.size() == 2 || items.size() == 3) && items[0] == ref_tag() && items[1].kind() == Kind::string;
}

std::optional<std::string> distributed_name(const Runtime& rt, ReactiveId r) {
  for (const auto& d : rt.distributed_reactives()) {
    if (d.id == r) return d.name;
  }
  return std::nullopt;
}

// The name of the promoted reactive whose replica's view is r, if r is one.
std::optional<std::string> replica_of_view(const Runtime& rt, ReactiveId r) {
  const std::string& label = rt.label(r);
  constexpr std::string_view prefix = "#view ";
  if (!label.starts_with(prefix)) return std::nullopt;
  return label.substr(prefix.size());
}

const Value& stamp_of(const Value& replicated) { return replicated.as_list()[2]; }
const Value& value_of(const Value& replicated) { return replicated.as_list()[3]; }
const std::string& name_of(const Value& replicated) { return replicated.as_list()[1].as_string(); }

// M(r) of a replica: last writer wins by the creator's stamp. Equal stamps
// carry the same value (the creator's state at one commit count).
Value last_writer_wins(const Value& local, const Value& remote) {
  if (!is_replicated_value(local) || !is_replicated_value(remote)) {
    throw TypeError(fmt::format("a replica of a promoted reactive merges {} with {}: not replicated values",
                                local.to_string(), remote.to_string()));
  }
  return stamp_of(remote).as_int() > stamp_of(local).as_int() ? remote : local;
}

// M(r) of a promoted reactive on its creator: the local value, always (the
// creator's stamp is its commit count, never behind a copy it sent).
Value creator_wins(const Value& local, const Value& /*remote*/) { return local; }

// A replica: a distributed source holding the replicated value, and the Map
// references denote. (source) takes Σ's value when the slot has one: a
// restarted holder's replica keeps what it had.
ReactiveId replicate(Runtime& rt, const std::string& name, Value replicated) {
  const ReactiveId source = rt.distributed_source(name, std::move(replicated), last_writer_wins);
  return rt.map({source}, [](Inputs in) { return checked::array_fetch(in[0], 3); },
                view_label(name));
}

// The one traversal behind serialise, deserialise and global_form: rebuilds
// only the lists and maps that hold a reference.
class Converter {
 public:
  enum class Mode : std::uint8_t { send, receive, global };
  Converter(Runtime* rt, const Runtime& view, std::uint32_t device, Mode mode, Holder holder = Holder::distributed)
      : rt_(rt), view_(view), device_(device), mode_(mode), holder_(holder) {}

  Value convert(const Value& v) {
    switch (v.kind()) {
      case Kind::ref: return mode_ == Mode::receive ? v : outgoing(v.as_ref());
      case Kind::list: {
        if (mode_ == Mode::receive && is_wire_ref(v)) return incoming(v);
        if (mode_ == Mode::global && is_replicated_value(v)) {
          // A replica compares as the value it holds, as its creator holds
          // it: the name is the reactive's identity (the checker's), the
          // stamp the wire's bookkeeping (the creator's commit count when it
          // sent), which schedules differ in.
          return convert(value_of(v));
        }
        return rebuild_list(v);
      }
      case Kind::map: return rebuild_map(v);
      case Kind::crdt: return rebuild_lattice(v);
      default: return v;
    }
  }

  // What serialise is sending, for its errors.
  void sending(std::string label) { sending_ = std::move(label); }

  // The replicated value of promoted reactive r, owned by this device.
  Value replicated(ReactiveId r, const std::string& name) {
    if (std::find(expanding_.begin(), expanding_.end(), r) != expanding_.end()) return Value();  // r refers to itself
    expanding_.push_back(r);
    Value inner = convert(view_.value(r));
    expanding_.pop_back();
    return replicated_value(name, view_.snapshot().commits, std::move(inner));
  }

 private:
  Value rebuild_list(const Value& v) {
    const auto items = v.as_list();
    ValueList out;
    bool changed = false;
    for (std::size_t i = 0; i < items.size(); ++i) {
      Value item = convert(items[i]);
      if (!changed && item == items[i]) continue;
      if (!changed) out.assign(items.begin(), items.begin() + static_cast<std::ptrdiff_t>(i));
      changed = true;
      out.push_back(std::move(item));
    }
    return changed ? Value::list(std::move(out)) : v;
  }

  Value rebuild_map(const Value& v) {
    const ValueMap& entries = v.as_map();
    ValueMap out;
    bool changed = false;
    for (std::size_t i = 0; i < entries.size(); ++i) {
      const auto& [key, value] = entries[i];
      Value k = convert(key);
      Value w = convert(value);
      if (!changed && k == key && w == value) continue;
      if (!changed) out.assign(entries.begin(), entries.begin() + static_cast<std::ptrdiff_t>(i));
      changed = true;
      out.emplace_back(std::move(k), std::move(w));
    }
    return changed ? Value::map(std::move(out)) : v;
  }

  // A CRDT state that holds references, rebuilt with them converted as a
  // list's are (§3.4 promotes what a value refers to, wherever in the value;
  // crdt::with_held_values keeps the lattice's ids and timestamps). Lattices
  // without one, the common case, are neither rebuilt nor copied.
  Value rebuild_lattice(const Value& v) {
    if (!holds_reference(v)) return v;
    auto rebuilt = crdt::with_held_values(v, [this](const Value& item) { return convert(item); });
    if (rebuilt) return *std::move(rebuilt);
    if (mode_ == Mode::global) return v;
    throw Error(fmt::format(
        "d{} {} a {} state that holds a reference, and frsim cannot rebuild a lattice of that type to make the "
        "reference global (§3.4); hold the reference in a list or map value, or name a distributed reactive "
        "(Value::named_ref)",
        device_, mode_ == Mode::send ? fmt::format("sends {}, whose value holds", sending_) : std::string("receives"),
        v.as_crdt().type_name()));
  }

  // Whether `v` holds what convert() rewrites: a reference of this store
  // (send, global) or a name from the wire (receive).
  bool holds_reference(const Value& v) const {
    switch (v.kind()) {
      case Kind::ref: return mode_ != Mode::receive;
      case Kind::list: {
        if (mode_ == Mode::receive && is_wire_ref(v)) return true;
        const auto items = v.as_list();
        return std::any_of(items.begin(), items.end(), [this](const Value& item) { return holds_reference(item); });
      }
      case Kind::map:
        return std::any_of(v.as_map().begin(), v.as_map().end(), [this](const auto& entry) {
          return holds_reference(entry.first) || holds_reference(entry.second);
        });
      case Kind::crdt: {
        bool found = false;
        v.as_crdt().for_each_value([&](const Value& item) { found = found || holds_reference(item); });
        return found;
      }
      default: return false;
    }
  }

  // A reference of this device's store, by global name.
  Value outgoing(ReactiveId r) {
    const bool own = mode_ == Mode::global && holder_ == Holder::local;
    if (r >= view_.size()) {
      // A restored constant the creation code has not created yet: it has
      // no node to promote; it is named as its promotion would name it.
      return own ? Value::ref(r) : named(promoted_name(device_, r), Value());
    }
    if (auto name = replica_of_view(view_, r)) {
      const auto source = view_.find(*name);
      return named(*name, source && mode_ == Mode::send ? convert(view_.value(*source)) : Value());
    }
    std::optional<std::string> name = distributed_name(view_, r);
    if (!name && mode_ == Mode::global) return own ? local_identity(r) : named(promoted_name(device_, r), Value());
    if (!name) {
      name = promoted_name(device_, r);
      promote(*rt_, device_, r);
    }
    if (mode_ == Mode::send && promoted_by(device_, *name)) return named(*name, replicated(r, *name));
    return named(*name, Value());
  }

  // A local reactive referred to from a local value, compared across devices
  // (global form): by its label where the label names it (the first reactive
  // of that label), since ids differ between devices whose creation codes
  // make different local reactives first (the checker's identities go by
  // label for the same reason). A later reactive of a label, one a creating
  // operator made at a reevaluation (§3.3, rule (map) with creation), is
  // named by its label and what it holds: how many such a device made
  // depends on the intermediate values it saw, so neither its id nor its
  // position among its label's reactives is the same on two devices that
  // agree. Unlabelled ones by id.
  Value local_identity(ReactiveId r) {
    const std::string& label = view_.label(r);
    if (label.empty()) return Value::ref(r);
    const Value name = Value::string("#local " + label);
    if (view_.find(label) == r) return Value::list({ref_tag(), name});
    if (std::find(expanding_.begin(), expanding_.end(), r) != expanding_.end()) return Value::list({ref_tag(), name});
    expanding_.push_back(r);
    Value held = convert(view_.value(r));
    expanding_.pop_back();
    return Value::list({ref_tag(), name, std::move(held)});
  }

  Value named(const std::string& name, Value replicated) const {
    if (mode_ == Mode::global) return Value::list({ref_tag(), Value::string(name)});
    return Value::list({ref_tag(), Value::string(name), std::move(replicated)});
  }

  // A name from the wire, as a reference of this device's store.
  Value incoming(const Value& wire) {
    const auto items = wire.as_list();
    const std::string& name = items[1].as_string();
    if (const auto promoted = parse_promoted_name(name); promoted && promoted->first == device_) {
      return promoted->second < view_.size() ? Value::ref(promoted->second) : wire;
    }
    if (const auto v = view_.find(view_label(name))) return Value::ref(*v);
    if (const auto r = view_.resolve(Value::named_ref(name))) return Value::ref(*r);
    if (!parse_promoted_name(name) || view_.propagating()) return wire;
    // The first time this device sees the promoted reactive: its replica.
    Value replicated = items.size() == 3 && is_replicated_value(items[2]) && name_of(items[2]) == name
                           ? localise_replicated(items[2])
                           : replicated_value(name, 0, Value());
    return Value::ref(replicate(*rt_, name, std::move(replicated)));
  }

 public:
  Value localise_replicated(const Value& replicated) {
    return replicated_value(name_of(replicated), static_cast<std::uint64_t>(stamp_of(replicated).as_int()),
                            convert(value_of(replicated)));
  }

 private:
  Runtime* rt_;  // null for global_form, which changes nothing
  const Runtime& view_;
  std::uint32_t device_;
  Mode mode_;
  Holder holder_;
  std::vector<ReactiveId> expanding_;
  std::string sending_;
};

}  // namespace

std::string promoted_name(std::uint32_t device, ReactiveId r) { return fmt::format("d{}/r{}", device, r); }

std::optional<std::pair<std::uint32_t, ReactiveId>> parse_promoted_name(std::string_view name) {
  if (name.size() < 4 || name[0] != 'd') return std::nullopt;
  const auto slash = name.find("/r");
  if (slash == std::string_view::npos) return std::nullopt;
  std::uint32_t device = 0;
  ReactiveId r = 0;
  const char* end = name.data() + slash;
  auto [p1, e1] = std::from_chars(name.data() + 1, end, device);
  if (e1 != std::errc() || p1 != end || slash == 1) return std::nullopt;
  const char* last = name.data() + name.size();
  auto [p2, e2] = std::from_chars(name.data() + slash + 2, last, r);
  if (e2 != std::errc() || p2 != last || slash + 2 == name.size()) return std::nullopt;
  return std::pair{device, r};
}

bool promoted_by(std::uint32_t device, std::string_view name) {
  const auto promoted = parse_promoted_name(name);
  return promoted && promoted->first == device;
}

Value replicated_value(std::string_view name, std::uint64_t stamp, Value value) {
  return Value::list({replica_tag(), Value::string(std::string(name)), Value::integer(static_cast<std::int64_t>(stamp)),
                      std::move(value)});
}

bool is_replicated_value(const Value& v) {
  if (v.kind() != Kind::list) return false;
  const auto items = v.as_list();
  return items.size() == 4 && items[0] == replica_tag() && items[1].kind() == Kind::string &&
         items[2].kind() == Kind::integer;
}

void promote(Runtime& rt, std::uint32_t device, ReactiveId r) { rt.promote(r, promoted_name(device, r), creator_wins); }

Value serialise(Runtime& rt, std::uint32_t device, ReactiveId r) {
  if (!rt.options().receiver->promotes()) return rt.value(r);
  Converter converter(&rt, rt, device, Converter::Mode::send);
  converter.sending(rt.label(r).empty() ? fmt::format("r{}", r) : rt.label(r));
  const auto name = distributed_name(rt, r);
  if (name && promoted_by(device, *name)) return converter.replicated(r, *name);
  return converter.convert(rt.value(r));
}

Value deserialise(Runtime& rt, std::uint32_t device, std::string_view name, const Value& wire) {
  Converter converter(&rt, rt, device, Converter::Mode::receive);
  if (!parse_promoted_name(name) || promoted_by(device, name)) return converter.convert(wire);
  // A promoted reactive's own message: its replicated value, whose value
  // part is what references may sit in. The first one creates the replica.
  if (!is_replicated_value(wire) || name_of(wire) != name) return wire;
  Value local = converter.localise_replicated(wire);
  if (!rt.find(view_label(name)) && !rt.propagating()) replicate(rt, std::string(name), local);
  return local;
}

Value global_form(const Runtime& rt, std::uint32_t device, const Value& v, Holder holder) {
  Converter converter(nullptr, rt, device, Converter::Mode::global, holder);
  return converter.convert(v);
}

void restore_replicas(Runtime& rt) {
  std::vector<std::pair<ReactiveId, Value>> replicas;
  for (const auto& [r, v] : rt.snapshot().values) {
    if (r >= rt.size() && is_replicated_value(v)) replicas.emplace_back(r, v);
  }
  for (auto& [r, v] : replicas) {
    // Only at its own location: another reactive there would take Σ(r).
    if (r != rt.size()) break;
    const std::string name = name_of(v);
    if (rt.resolve(Value::named_ref(name))) break;
    replicate(rt, name, std::move(v));
  }
}

void restore_after_creation_code(Runtime& rt, std::uint32_t device) {
  for (;;) {
    const std::size_t before = rt.size();
    rt.replay_creations();  // skips records whose ids are not next yet
    restore_replicas(rt);   // stops at a location that is not a replica's
    if (rt.size() == before) break;
  }
  // dom(M) survives the crash (Snapshot::promoted): what this device
  // promoted is distributed again under the name it had.
  const std::vector<ReactiveId> promoted = rt.snapshot().promoted;
  for (const ReactiveId r : promoted) {
    if (r < rt.size() && !rt.is_distributed(r)) promote(rt, device, r);
  }
}

}  // namespace frsim::core
