#include "sim/explore/reduction.hpp"

#include <algorithm>
#include <limits>
#include <map>
#include <optional>
#include <span>

#include <fmt/format.h>

#include "core/hash.hpp"

namespace frsim::sim::explore {

namespace {

using core::hash_combine;

constexpr std::size_t permutations_max = 5040;  // 7!

bool local(TransitionKind kind) {
  switch (kind) {
    case TransitionKind::fire:
    case TransitionKind::step:
    case TransitionKind::send:
    case TransitionKind::deliver:
    case TransitionKind::drop:
    case TransitionKind::duplicate:
    case TransitionKind::crash:
    case TransitionKind::restart:
      return true;
    case TransitionKind::partition:
    case TransitionKind::heal:
    case TransitionKind::lo:
      return false;
  }
  return false;
}

bool budgeted(TransitionKind kind) {
  return kind == TransitionKind::drop || kind == TransitionKind::duplicate || kind == TransitionKind::crash;
}

// Thrown where the scenario's rename_devices cannot rename a value (it
// orders device numbers): no permutation but the identity may act on it.
struct NotRenamable {};

bool is_identity(std::span<const std::uint32_t> to_new) {
  for (std::uint32_t d = 0; d < to_new.size(); ++d) {
    if (to_new[d] != d) return false;
  }
  return true;
}

// The hash of `value` as the permutation `to_new` renames it (the
// scenario's rename_devices; without one, values are not renamed).
std::uint64_t renamed_hash(const Scenario& scenario, const core::Value& value, std::span<const std::uint32_t> to_new) {
  if (!scenario.rename_devices || is_identity(to_new)) return value.hash();
  const std::optional<core::Value> renamed = scenario.rename_devices(value, to_new);
  if (!renamed) throw NotRenamable{};
  return renamed->hash();
}

// Device d's store and snapshot as `to_new` renames their values: what
// World::device_store_hash is for the identity.
std::uint64_t renamed_store_hash(const World& world, std::uint32_t d, std::span<const std::uint32_t> to_new) {
  const Device& device = world.device(d);
  const auto value_hash = [&](const core::Value& v) { return renamed_hash(world.scenario(), v, to_new); };
  const std::uint64_t h = device.up() ? device.runtime()->fingerprint(value_hash) : 0xdeadULL;
  return hash_combine(h, device.snapshot().fingerprint(value_hash));
}

// Runs device d's workload alone on a fresh world; the fingerprint of its
// runtime afterwards says what its code did with its device number. With
// the scenario's rename_devices, device d's state is seen as device 0's
// (the permutation exchanging 0 and d renames it), so that replicas whose
// values differ only by their own numbers probe alike.
std::uint64_t probe(const World& initial, std::uint32_t d) {
  WorldConfig config = initial.config();
  config.drops = config.dups = config.crashes = config.partitions = 0;
  World world(initial.scenario_ptr(), config, initial.seed());
  world.set_record_events(false);
  world.set_hash_events(false);
  world.set_keep_choices(false);
  std::vector<Transition> enabled;
  for (std::uint64_t guard = 0; guard < config.steps_max; ++guard) {
    world.list(enabled);
    auto it = std::find_if(enabled.begin(), enabled.end(), [d](const Transition& t) {
      return t.device == d && (t.kind == TransitionKind::fire || t.kind == TransitionKind::step);
    });
    if (it == enabled.end()) break;
    world.apply_enabled(enabled, static_cast<std::size_t>(it - enabled.begin()));
  }
  std::vector<std::uint32_t> to_zero(world.devices());
  for (std::uint32_t k = 0; k < world.devices(); ++k) to_zero[k] = k == d ? 0 : k == 0 ? d : k;
  std::uint64_t h = renamed_store_hash(world, d, to_zero);
  for (const Action& action : world.device(d).workload()) {
    h = hash_combine(h, core::hash_bytes(action.target));
    h = hash_combine(h, renamed_hash(world.scenario(), action.value, to_zero));
  }
  return h;
}

void permute_class(const std::vector<std::uint32_t>& members, std::vector<std::vector<std::uint32_t>>& out) {
  std::vector<std::vector<std::uint32_t>> next;
  std::vector<std::uint32_t> images = members;  // ascending: the first permutation
  do {
    for (const auto& base : out) {
      auto p = base;
      for (std::size_t i = 0; i < members.size(); ++i) p[members[i]] = images[i];
      next.push_back(std::move(p));
    }
  } while (std::next_permutation(images.begin(), images.end()));
  out = std::move(next);
}

}  // namespace

std::uint64_t transition_key(const World& world, const Transition& t) {
  std::uint64_t h = hash_combine(static_cast<std::uint64_t>(t.kind), t.device);
  h = hash_combine(h, t.peer);
  h = hash_combine(h, t.reactive);
  h = hash_combine(h, core::hash_bytes(t.name));
  if (t.kind == TransitionKind::deliver || t.kind == TransitionKind::drop || t.kind == TransitionKind::duplicate) {
    const std::uint64_t content = message_content(world, t);
    h = hash_combine(h, content != 0 ? content : t.message);
  }
  if (t.kind == TransitionKind::lo || t.kind == TransitionKind::partition || t.kind == TransitionKind::heal) {
    h = hash_combine(h, core::hash_bytes(t.text.empty() ? world.describe(t) : t.text));
  }
  return h;
}

Slim slim(const World& world, const Transition& t) {
  Slim out{transition_key(world, t), t.kind, t.device};
  if (world.config().inbox_capacity > 0) {
    if (t.kind == TransitionKind::send) out.fills = t.peer;
    if (t.kind == TransitionKind::duplicate && world.config().duplicates == Duplicates::in_flight) out.fills = t.device;
  }
  return out;
}

bool contains_key(const std::vector<Slim>& slims, std::uint64_t key) {
  return std::any_of(slims.begin(), slims.end(), [key](const Slim& s) { return s.key == key; });
}

std::uint64_t message_content(const World& world, const Transition& t) {
  if (t.kind != TransitionKind::deliver && t.kind != TransitionKind::drop && t.kind != TransitionKind::duplicate) {
    return 0;
  }
  const Message* m = world.network().find(t.message);
  return m != nullptr ? m->content_hash() : 0;
}

bool independent(const Slim& a, const Slim& b) {
  if (!local(a.kind) || !local(b.kind)) return false;
  if (a.fills != no_device && a.fills == b.fills) return false;
  // Two sends of one device commute: each reads the device's values, which
  // neither changes, and writes its own (peer, reactive) entry of what was
  // last sent; the world's fingerprint ignores message ids.
  if (a.kind == TransitionKind::send && b.kind == TransitionKind::send) return true;
  if (a.device == no_device || b.device == no_device || a.device == b.device) return false;
  if (budgeted(a.kind) && a.kind == b.kind) return false;
  return true;
}

bool por_applicable(const Scenario& scenario) { return scenario.services.empty(); }

Symmetry::Symmetry(const World& initial) {
  permutations_.push_back({});
  for (std::uint32_t d = 0; d < initial.devices(); ++d) permutations_.back().push_back(d);
  if (initial.config().topology != Topology::mesh) {
    explanation_ = "symmetry: off (only a mesh topology is symmetric)";
    return;
  }
  if (!initial.scenario().services.empty()) {
    explanation_ = "symmetry: off (Lo services are not permutable)";
    return;
  }
  // Devices with the same probe signature form one class, in device order.
  std::map<std::uint64_t, std::vector<std::uint32_t>> classes;
  try {
    for (std::uint32_t d = 0; d < initial.devices(); ++d) classes[probe(initial, d)].push_back(d);
  } catch (const NotRenamable&) {
    explanation_ = "symmetry: off (a value orders device numbers, as a Lamport timestamp's tie-break does: no "
                   "permutation renames it faithfully)";
    return;
  }
  std::vector<std::vector<std::uint32_t>> ordered;
  for (auto& [signature, members] : classes) ordered.push_back(std::move(members));
  std::sort(ordered.begin(), ordered.end());
  double count = 1;
  for (const auto& members : ordered) {
    for (std::size_t k = 2; k <= members.size(); ++k) count *= static_cast<double>(k);
  }
  if (count > static_cast<double>(permutations_max)) {
    explanation_ = fmt::format("symmetry: off ({} permutations exceed {})", count, permutations_max);
    return;
  }
  for (const auto& members : ordered) {
    if (members.size() > 1) permute_class(members, permutations_);
  }
  std::string classes_text;
  for (const auto& members : ordered) {
    classes_text += " {";
    for (std::size_t i = 0; i < members.size(); ++i) classes_text += fmt::format("{}d{}", i ? "," : "", members[i]);
    classes_text += "}";
  }
  explanation_ = fmt::format("symmetry: {} permutations of device classes{}{}", permutations_.size(), classes_text,
                             initial.scenario().rename_devices ? ", device numbers in values renamed" : "");
  if (initial.scenario().customize_runtime) {
    explanation_ += " (engine customised per device: taken to treat devices alike)";
  }
}

std::uint64_t Symmetry::fingerprint(const World& world) const {
  if (trivial()) return world.fingerprint();
  try {
    return canonical(world);
  } catch (const NotRenamable&) {
    // The probe saw no such value, the search met one: from here on the
    // program is not symmetric, and states merged before may have hidden
    // others. The search stops claiming completeness (broken()).
    broken_ = true;
    return core::hash_combine(0x6e6f7379ULL, world.fingerprint());
  }
}

std::uint64_t Symmetry::canonical(const World& world) const {
  Parts parts;
  std::uint64_t best = std::numeric_limits<std::uint64_t>::max();
  if (!world.scenario().rename_devices) {
    add_values(world, permutations_.front(), parts);  // the identity: values as they are
    for (const auto& p : permutations_) best = std::min(best, fingerprint(world, p, parts));
    return best;
  }
  for (const auto& p : permutations_) {
    add_values(world, p, parts);
    best = std::min(best, fingerprint(world, p, parts));
  }
  return best;
}

// The messages (an anonymous network's without their senders) and the
// devices' stores, with values as `to_new` renames them.
void Symmetry::add_values(const World& world, const std::vector<std::uint32_t>& to_new, Parts& parts) const {
  const Network& network = world.network();
  parts.messages.clear();
  parts.messages.reserve(network.size());
  for (const Message& m : network.in_flight()) {
    const std::uint32_t from = network.anonymous() ? no_device : m.from;
    parts.messages.push_back({from, m.to, hash_combine(core::hash_bytes(m.name), renamed_hash(world.scenario(), m.value, to_new))});
  }
  parts.devices.clear();
  for (std::uint32_t d = 0; d < world.devices(); ++d) {
    const std::uint64_t store =
        world.scenario().rename_devices ? renamed_store_hash(world, d, to_new) : world.device_store_hash(d);
    parts.devices.push_back(hash_combine(store, world.device(d).next_action()));
  }
  // What each device last sent to whom (a send waiting for room in a full
  // inbox is not enabled, so enabled sends alone would not tell).
  parts.sends.clear();
  for (std::uint32_t d = 0; d < world.devices(); ++d) {
    const Device& device = world.device(d);
    if (!device.up()) continue;
    const auto distributed = device.runtime()->distributed_reactives();
    const auto& peers = world.network().neighbors(d);
    for (std::size_t k = 0; k < distributed.size(); ++k) {
      for (std::size_t p = 0; p < peers.size(); ++p) {
        const core::Value* sent = device.last_sent_value(k, p);
        std::uint64_t what = sent != nullptr ? renamed_hash(world.scenario(), *sent, to_new) : 0x6e6f6e65ULL;
        if (const std::uint32_t again = device.last_sent_resends(k, p); again > 0) what = hash_combine(what, again);
        parts.sends.push_back({d, peers[p], hash_combine(distributed[k].name_hash, what)});
      }
    }
  }
}

// Every device number in the state goes through `to_new`, and every value
// (with the scenario's rename_devices) through the renaming.
std::uint64_t Symmetry::fingerprint(const World& world, const std::vector<std::uint32_t>& to_new,
                                    const Parts& parts) const {
  const std::uint32_t n = world.devices();
  const Budgets& budgets = world.budgets_left();
  std::uint64_t h = hash_combine(0x73796d6dULL, world.lo().fingerprint());
  h = hash_combine(h, budgets.drops);
  h = hash_combine(h, budgets.dups);
  h = hash_combine(h, budgets.crashes);
  h = hash_combine(h, budgets.partitions);
  std::uint64_t messages = 0;  // a commutative sum: the multiset, in no order
  for (const auto& m : parts.messages) {
    const std::uint64_t mh = hash_combine(m.from == no_device ? 0xa11ULL : to_new.at(m.from), to_new.at(m.to));
    messages += hash_combine(mh, m.content);
  }
  h = hash_combine(h, messages);
  if (const auto& sides = world.network().sides()) {
    std::vector<std::uint32_t> permuted(n, 0);
    for (std::uint32_t d = 0; d < n; ++d) permuted[to_new[d]] = (*sides)[d];
    for (auto s : permuted) h = hash_combine(h, s);
  } else {
    h = hash_combine(h, 0x6e6f7061ULL);
  }
  std::vector<std::uint64_t> devices(n);
  std::vector<std::uint64_t> sends;
  for (std::uint32_t d = 0; d < n; ++d) {
    std::uint64_t dh = parts.devices[d];
    sends.clear();
    for (const auto& s : parts.sends) {
      if (s.device == d) sends.push_back(hash_combine(to_new.at(s.peer), s.sent));
    }
    std::sort(sends.begin(), sends.end());
    for (auto s : sends) dh = hash_combine(dh, s);
    devices[to_new[d]] = dh;
  }
  for (auto dh : devices) h = hash_combine(h, dh);
  return h;
}

}  // namespace frsim::sim::explore
