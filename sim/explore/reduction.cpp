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

// Renaming builds a new value, and a state holds mostly the values its parent
// held: each (value, permutation) is renamed once and remembered. The memo is
// direct-mapped (a miss only renames again) and per thread (parallel search's
// workers each keep their own); its key is the value's hash — the fingerprint
// already takes values of equal hash for equal — with the permutation's
// number and the Symmetry it belongs to. It memoizes a pure function, so no
// result depends on what it holds. `Table` tells apart the memos of
// different functions (RenameMemo, PartMemo), which would evict each other's
// slots in one table.
template <int Table>
class Memo {
 public:
  template <class Compute>
  static std::uint64_t get(std::uint64_t key, const Compute& compute) {
    thread_local std::vector<Slot> slots(size);
    key |= 1;  // 0 marks an empty slot
    Slot& slot = slots[key & (size - 1)];
    if (slot.key != key) slot = {key, compute()};
    return slot.renamed;
  }

 private:
  struct Slot {
    std::uint64_t key = 0, renamed = 0;
  };
  static constexpr std::size_t size = std::size_t{1} << 15;  // 512 KiB per thread
};
using RenameMemo = Memo<0>;
// A device's part of an image, and the messages' part, by permutation
// (Symmetry::device_part, Symmetry::messages_part).
using PartMemo = Memo<1>;

// A permutation as the memo keys it: 0 for the identity or when nothing is
// renamed (the memo is skipped).
struct Renaming {
  const Scenario& scenario;
  std::span<const std::uint32_t> to_new;
  std::uint64_t memo_key = 0;
  // `value_hash`: value.hash(), which the caller has at hand.
  std::uint64_t hash(const core::Value& value, std::uint64_t value_hash) const {
    if (memo_key == 0) return renamed_hash(scenario, value, to_new);
    return RenameMemo::get(hash_combine(memo_key, value_hash), [&] { return renamed_hash(scenario, value, to_new); });
  }
  std::uint64_t hash(const core::Value& value) const { return hash(value, value.hash()); }
};

// The values as permutations[k] renames them: a permutation that renames no
// value (memo key 0) renames them as the identity, permutations[0], does.
Renaming renaming_of(const World& world, const std::vector<std::vector<std::uint32_t>>& permutations,
                     const std::vector<std::uint64_t>& memo_keys, std::size_t k) {
  const std::size_t as = memo_keys[k] != 0 ? k : 0;
  return Renaming{world.scenario(), permutations[as], memo_keys[as]};
}

// Device d's store and snapshot as `renaming` renames their values: what
// World::device_store_hash is for the identity.
std::uint64_t renamed_store_hash(const World& world, std::uint32_t d, const Renaming& renaming) {
  const Device& device = world.device(d);
  const auto value_hash = [&](const core::Value& v) { return renaming.hash(v); };
  const std::uint64_t h = device.up() ? device.runtime()->fingerprint(value_hash) : 0xdeadULL;
  return hash_combine(h, device.snapshot().fingerprint(value_hash));
}

// Applies, while there is one, the first enabled transition `pick` takes.
template <class Pick>
void run_while(World& world, std::vector<Transition>& enabled, Pick pick) {
  for (std::uint64_t guard = 0; guard < world.config().steps_max; ++guard) {
    world.list(enabled);
    auto it = std::find_if(enabled.begin(), enabled.end(), pick);
    if (it == enabled.end()) return;
    world.apply_enabled(enabled, static_cast<std::size_t>(it - enabled.begin()));
  }
}

// What device d's code does with its device number, seen two ways on fresh
// worlds with no faults: its workload run alone, and its workload run after
// another device's, all of it delivered (a program may treat device 0
// differently only once something arrived from another: the third outside
// probe's lobby, whose host raises an alarm when it knocks after a guest;
// what the other sends reaches d alone).
// The other is the one the renaming below numbers 1 (device 1, or device 0
// for d = 1), so that every device's probe sees the same other; one, not
// all, so that the probes stay linear in the devices (64 devices: 64 small
// runs, not 64 runs of 64 workloads).
// The fingerprints of d's runtime afterwards, with the scenario's
// rename_devices seeing device d's state as device 0's (the permutation
// exchanging 0 and d renames it), so that replicas whose values differ only
// by their own numbers probe alike.
std::uint64_t probe(const World& initial, std::uint32_t d) {
  WorldConfig config = initial.config();
  config.drops = config.dups = config.crashes = config.partitions = 0;
  std::vector<std::uint32_t> to_zero(initial.devices());
  for (std::uint32_t k = 0; k < initial.devices(); ++k) to_zero[k] = k == d ? 0 : k == 0 ? d : k;
  const Renaming renaming{initial.scenario(), to_zero};
  const auto acts = [](std::uint32_t who) {
    return [who](const Transition& t) {
      return t.device == who && (t.kind == TransitionKind::fire || t.kind == TransitionKind::step);
    };
  };
  // What the other sends to d, each of its distributed reactives once (a
  // send to a device that lacks the reactive is enabled again after the
  // delivery, and a merge that is no join may never settle: bug-opened-mean's
  // probe sent for 10^5 steps), then delivered to d (a receive's steps
  // included).
  const std::uint32_t other = d == 1 ? 0 : 1;
  std::vector<core::ReactiveId> sent;
  const auto send_to_d = [d, other, &sent](const Transition& t) {
    if (t.kind != TransitionKind::send || t.device != other || t.peer != d) return false;
    if (std::find(sent.begin(), sent.end(), t.reactive) != sent.end()) return false;
    sent.push_back(t.reactive);  // find_if stops at the first true: this one is applied
    return true;
  };
  const auto delivered_to_d = [d](const Transition& t) {
    return (t.kind == TransitionKind::deliver || t.kind == TransitionKind::step) && t.device == d;
  };
  std::vector<Transition> enabled;
  std::uint64_t h = 0;
  for (const bool after_another : {false, true}) {
    World world(initial.scenario_ptr(), config, initial.seed());
    world.set_record_events(false);
    world.set_hash_events(false);
    world.set_keep_choices(false);
    if (after_another) {
      if (world.devices() < 2) break;
      run_while(world, enabled, acts(other));
      run_while(world, enabled, send_to_d);
      run_while(world, enabled, delivered_to_d);
    }
    run_while(world, enabled, acts(d));
    h = hash_combine(h, renamed_store_hash(world, d, renaming));
  }
  for (const Action& action : initial.device(d).workload()) {
    h = hash_combine(h, core::hash_bytes(action.target));
    h = hash_combine(h, renaming.hash(action.value));
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
  // A send's distributed reactive by name hash (hash_bytes(name)); the
  // empty name's hash for every other transition.
  static const std::uint64_t no_name = core::hash_bytes("");
  const core::Runtime::Distributed* d = world.distributed_of(t);
  h = hash_combine(h, d != nullptr ? d->name_hash : no_name);
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
    if (members.size() < 2) continue;
    permute_class(members, permutations_);
    classes_.push_back(members);
  }
  std::string classes_text;
  for (const auto& members : ordered) {
    classes_text += " {";
    for (std::size_t i = 0; i < members.size(); ++i) classes_text += fmt::format("{}d{}", i ? "," : "", members[i]);
    classes_text += "}";
  }
  // The memo's key of each permutation: this Symmetry's number and the
  // permutation's; 0 where nothing is renamed (the identity, or no
  // rename_devices).
  static std::atomic<std::uint64_t> instances{0};
  const std::uint64_t instance = core::mix64(++instances);
  for (std::size_t k = 0; k < permutations_.size(); ++k) {
    const bool renames = initial.scenario().rename_devices && !is_identity(permutations_[k]);
    memo_keys_.push_back(renames ? hash_combine(instance, k + 1) : 0);
    part_keys_.push_back(hash_combine(instance ^ 0x70617274ULL, k + 1));
  }
  for (const auto& members : classes_) {
    for (std::size_t i = 0; i < members.size(); ++i) {
      for (std::size_t j = i + 1; j < members.size(); ++j) pairs_.emplace_back(members[i], members[j]);
    }
  }
  pair_words_ = (pairs_.size() + 63) / 64;
  inversions_.assign(permutations_.size() * pair_words_, 0);
  for (std::size_t k = 0; k < permutations_.size(); ++k) {
    for (std::size_t i = 0; i < pairs_.size(); ++i) {
      if (permutations_[k][pairs_[i].first] > permutations_[k][pairs_[i].second]) {
        inversions_[k * pair_words_ + i / 64] |= std::uint64_t{1} << (i % 64);
      }
    }
  }
  explanation_ = fmt::format("symmetry: {} permutations of device classes{}{}", permutations_.size(), classes_text,
                             initial.scenario().rename_devices ? ", device numbers in values renamed" : "");
  if (initial.scenario().customize_runtime) {
    explanation_ += " (engine customised per device: taken to treat devices alike)";
  }
}

std::uint64_t Symmetry::fingerprint(const World& world, std::uint64_t concrete) const {
  if (trivial()) return concrete;
  const auto compute = [&] {
    try {
      return canonical(world);
    } catch (const NotRenamable&) {
      // The probe saw no such value, the search met one: from here on the
      // program is not symmetric, and states merged before may have hidden
      // others. The search stops claiming completeness (broken()).
      broken_ = true;
      return core::hash_combine(0x6e6f7379ULL, concrete);
    }
  };
  if (memo_max_slots_ == 0) return compute();
  // A state is reached again far more often than a new one is met (about 7
  // transitions per distinct state on gset-replication), and many of those
  // children are the very concrete state met before, not another member of
  // its orbit: its canonical fingerprint is remembered, keyed by
  // World::fingerprint(), which hashes everything canonical() does (and
  // more: a running request, the senders of an anonymous network). Equal
  // keys thus mean equal canonical fingerprints, up to the 64-bit collisions
  // the visited set itself accepts. Direct-mapped: a miss only computes
  // again, so no result depends on what the memo holds or on its size. It
  // starts small and grows (emptied) while it misses more than it holds.
  if (memo_.empty() || (memo_misses_ > 2 * memo_.size() && memo_.size() < memo_max_slots_)) {
    memo_.assign(memo_.empty() ? std::size_t{1} << 12 : std::min(memo_.size() * 4, memo_max_slots_), MemoSlot{});
    memo_misses_ = 0;
  }
  const std::uint64_t key = concrete | 1;  // 0 marks an empty slot
  MemoSlot& slot = memo_[memo_slot(concrete)];
  if (slot.concrete != key) {
    ++memo_misses_;
    slot = {key, compute()};
  }
  return slot.canonical;
}

void Symmetry::memo_limit(std::uint64_t bytes) {
  std::size_t slots = 0;
  if (bytes >= (sizeof(MemoSlot) << 12)) {
    slots = std::size_t{1} << 12;
    while (slots * 2 * sizeof(MemoSlot) <= bytes) slots *= 2;
  }
  memo_max_slots_ = slots;
  memo_.clear();
  memo_.shrink_to_fit();
  memo_misses_ = 0;
}

std::uint64_t Symmetry::canonical(const World& world) const {
  thread_local Parts parts;  // reused: a state's parts are gathered without allocating
  gather(world, parts);
  order_signatures(parts);
  std::uint64_t best = std::numeric_limits<std::uint64_t>::max();
  for (std::size_t k = 0; k < permutations_.size(); ++k) {
    if (!sorts_by_signature(k, parts)) continue;
    best = std::min(best, fingerprint(world, k, parts));
  }
  return best;
}

// Only the images in which each class's devices are numbered in the order of
// their signatures compete for the least fingerprint. A signature is what a
// renaming carries along with the device (its position in the workload,
// whether it is up, its partition side, the names and number of messages to
// and from it, how many values it has sent), so for a state s and any
// permutation g of the group, the images of g(s) that qualify are exactly
// those of s that qualify (an image of g(s) by p is the image of s by p∘g,
// and p∘g sorts s's devices iff p sorts g(s)'s): the least of them is still
// one fingerprint per orbit. Some permutation always qualifies (number each
// class's devices by rising signature); when a class's signatures differ, it
// is the only one, and one image is fingerprinted instead of all.
//
// Checked pair by pair: the pairs of one class's devices (pairs_) are bits,
// each permutation's inversions (the pairs it numbers in the other order)
// were set once (inversions_), and a state sets which pairs its signatures
// order one way or the other (order_signatures); a permutation qualifies when
// it inverts every pair ordered downwards and no pair ordered upwards.
bool Symmetry::sorts_by_signature(std::size_t k, const Parts& parts) const {
  const std::uint64_t* inverted = &inversions_[k * pair_words_];
  for (std::size_t w = 0; w < pair_words_; ++w) {
    if ((parts.rising[w] & inverted[w]) != 0 || (parts.falling[w] & ~inverted[w]) != 0) return false;
  }
  return true;
}

void Symmetry::order_signatures(Parts& parts) const {
  parts.rising.assign(pair_words_, 0);
  parts.falling.assign(pair_words_, 0);
  for (std::size_t i = 0; i < pairs_.size(); ++i) {
    const std::uint64_t a = parts.signatures[pairs_[i].first], b = parts.signatures[pairs_[i].second];
    const std::uint64_t bit = std::uint64_t{1} << (i % 64);
    if (a < b) parts.rising[i / 64] |= bit;
    if (a > b) parts.falling[i / 64] |= bit;
  }
}

// What no permutation changes, once per state: the fixed part (Lo and the
// budgets), the network's and every device's part of World::fingerprint,
// which key the memo of their images (device_part, messages_part), and the
// signatures.
void Symmetry::gather(const World& world, Parts& parts) const {
  const Network& network = world.network();
  const std::uint32_t n = world.devices();
  parts.network = network.fingerprint();
  parts.devices.resize(n);
  // Signatures (sorts_by_signature): nothing in them names a device.
  parts.signatures.assign(n, 0);
  const auto& sides = network.sides();
  // The signatures' parts in the memo of the images' parts (PartMemo).
  const std::uint64_t signature_key = hash_combine(part_keys_[0], 0x7369676eULL);
  for (std::uint32_t d = 0; d < n; ++d) {
    const Device& device = world.device(d);
    parts.devices[d] = world.device_fingerprint(d);
    std::uint64_t sig = hash_combine(device.up() ? 1 : 2, device.next_action());
    if (sides) sig = hash_combine(sig, (*sides)[d] + 1U);
    // What it sent, and the messages to and from it: functions of its part
    // of World::fingerprint and of the network's, remembered by them as the
    // images' parts are (a state's devices and messages were mostly met before).
    const std::uint64_t sent = PartMemo::get(hash_combine(signature_key, parts.devices[d]), [&] {
      std::uint64_t sum = 0;
      if (!device.up()) return sum;
      const auto distributed = device.runtime()->distributed_reactives();
      const std::size_t peers = network.neighbors(d).size();
      for (std::size_t k = 0; k < distributed.size(); ++k) {
        for (std::size_t p = 0; p < peers; ++p) {
          if (device.last_sent_value(k, p) == nullptr) continue;
          sum += core::mix64(hash_combine(distributed[k].name_hash, device.last_sent_resends(k, p)));
        }
      }
      return sum;
    });
    const std::uint64_t messages_key = hash_combine(hash_combine(signature_key ^ 0x6d73ULL, parts.network), d);
    const std::uint64_t messages = PartMemo::get(messages_key, [&] {
      // A sum: the multiset of names, in no order.
      std::uint64_t sum = 0;
      for (const Message& m : network.in_flight_unordered()) {
        const std::uint64_t name = core::hash_bytes(m.name);
        if (m.to == d) sum += core::mix64(hash_combine(0x746fULL, name));
        if (!network.anonymous() && m.from == d) sum += core::mix64(hash_combine(0x66726fULL, name));
      }
      return sum;
    });
    parts.signatures[d] = hash_combine(sig, sent) + messages;
  }
  const Budgets& budgets = world.budgets_left();
  std::uint64_t h = hash_combine(0x73796d6dULL, world.lo_fingerprint());
  h = hash_combine(h, budgets.drops);
  h = hash_combine(h, budgets.dups);
  h = hash_combine(h, budgets.crashes);
  parts.fixed = hash_combine(h, budgets.partitions);
}

// The messages' part of permutations_[k]'s image: a commutative sum (the
// multiset, in no order) of each message with its device numbers and value
// renamed. A function of the messages in flight, which the network's
// fingerprint hashes (an anonymous network's without their senders, as
// here): remembered by it. Most images share their messages with an image
// met before.
std::uint64_t Symmetry::messages_part(const World& world, std::size_t k, const Parts& parts) const {
  return PartMemo::get(hash_combine(part_keys_[k] ^ 0x6d736773ULL, parts.network), [&] {
    const std::vector<std::uint32_t>& to_new = permutations_[k];
    const Renaming renaming = renaming_of(world, permutations_, memo_keys_, k);
    const Network& network = world.network();
    std::uint64_t messages = 0;
    for (const Message& m : network.in_flight_unordered()) {
      const std::uint32_t from = network.anonymous() ? no_device : m.from;
      const std::uint64_t content = hash_combine(core::hash_bytes(m.name), renaming.hash(m.value));
      const std::uint64_t mh = hash_combine(from == no_device ? 0xa11ULL : to_new[from], to_new[m.to]);
      messages += hash_combine(mh, content);
    }
    return messages;
  });
}

// Device d's part of permutations_[k]'s image (placed at its new number):
// its store and snapshot with their values renamed, its workload position,
// and what it last sent to whom, peers renumbered, in a sorted order. A
// function of what World::device_fingerprint hashes (the store, the position,
// each (reactive, peer) last sent: the entries never sent follow from the
// store's distributed reactives and the topology): remembered by it, with d.
// A state's devices are mostly in states met before: a transition touches
// one or two of them.
std::uint64_t Symmetry::device_part(const World& world, std::uint32_t d, std::size_t k, Parts& parts) const {
  return PartMemo::get(hash_combine(hash_combine(part_keys_[k], d), parts.devices[d]), [&] {
    const std::vector<std::uint32_t>& to_new = permutations_[k];
    const Renaming renaming = renaming_of(world, permutations_, memo_keys_, k);
    const Device& device = world.device(d);
    // A device's store renames as a whole: one that hashes as before renames
    // as before (World::device_store_hash is kept up to date incrementally).
    // Nothing renamed (memo key 0): the store hash is the identity's.
    std::uint64_t store = world.device_store_hash(d);
    if (renaming.memo_key != 0) {
      store = RenameMemo::get(hash_combine(renaming.memo_key ^ 0x73746f7265ULL, store),
                              [&] { return renamed_store_hash(world, d, renaming); });
    }
    std::uint64_t dh = hash_combine(store, device.next_action());
    if (!device.up()) return dh;
    parts.device_sends.clear();
    const auto distributed = device.runtime()->distributed_reactives();
    const auto& peers = world.network().neighbors(d);
    for (std::size_t r = 0; r < distributed.size(); ++r) {
      for (std::size_t p = 0; p < peers.size(); ++p) {
        const core::Value* value = device.last_sent_value(r, p);
        const std::uint32_t resends = device.last_sent_resends(r, p);
        std::uint64_t what = value != nullptr ? renaming.hash(*value) : 0x6e6f6e65ULL;
        if (resends > 0) what = hash_combine(what, resends);
        parts.device_sends.push_back(hash_combine(to_new[peers[p]], hash_combine(distributed[r].name_hash, what)));
      }
    }
    std::sort(parts.device_sends.begin(), parts.device_sends.end());
    for (auto sent : parts.device_sends) dh = hash_combine(dh, sent);
    return dh;
  });
}

// Every device number in the state goes through permutations_[k], and every
// value (with the scenario's rename_devices) through the renaming.
std::uint64_t Symmetry::fingerprint(const World& world, std::size_t k, Parts& parts) const {
  const std::vector<std::uint32_t>& to_new = permutations_[k];
  const std::uint32_t n = world.devices();
  std::uint64_t h = hash_combine(parts.fixed, messages_part(world, k, parts));
  if (const auto& sides = world.network().sides()) {
    parts.permuted_sides.assign(n, 0);
    for (std::uint32_t d = 0; d < n; ++d) parts.permuted_sides[to_new[d]] = (*sides)[d];
    for (auto s : parts.permuted_sides) h = hash_combine(h, s);
  } else {
    h = hash_combine(h, 0x6e6f7061ULL);
  }
  parts.permuted_devices.resize(n);
  for (std::uint32_t d = 0; d < n; ++d) parts.permuted_devices[to_new[d]] = device_part(world, d, k, parts);
  for (auto dh : parts.permuted_devices) h = hash_combine(h, dh);
  return h;
}

}  // namespace frsim::sim::explore
