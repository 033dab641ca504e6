#pragma once
// The two reductions of exhaustive search; neither may change a verdict
// (tests/explore runs the zoo with them on and off).
//
// Partial-order reduction by sleep sets (Godefroid 1996). Two transitions are
// independent when they act on different devices and no message one creates
// is consumed by the other (issue 5): fire, step, send, deliver, drop,
// duplicate, crash and restart on different devices commute. Every message
// transition is attributed to the message's destination, so two transitions
// on one message share a device; a send's message can only be consumed by a
// transition enabled after it. Two sends commute even on one device (they
// read the device's values and change only what it last sent to whom),
// unless they fill one bounded inbox. Faults drawn from one budget (two drops, two
// crashes) are dependent: one may disable the other. Partitions, heals and Lo
// steps are dependent on everything, and so is every transition of a scenario
// with Lo services (their message ids are part of the Lo fingerprint).
//
// Symmetry reduction: devices with identical code and identical workloads are
// interchangeable, so a state and its image under a permutation of such
// devices are explored once (canonical fingerprint: the least over the
// permutations). A permutation renames the devices and, through the
// scenario's rename_devices, the device numbers inside values (issue 14):
// replicas that differ only by their own numbers (replica i adds element i,
// a G-Counter keyed by replica: core/crdt/rename.hpp renames the library's
// CRDTs) are then interchangeable too. A value that orders device numbers
// (a Lamport timestamp's tie-break) has no faithful renaming: met by the
// probe, symmetry is off; met later by the search, the search says it is
// not exhaustive (broken()). "Identical code" is probed, not assumed: each device runs its
// whole workload alone on a fresh world, and devices whose runtimes end in
// different states (say, a counter keyed by the device number) are not
// interchangeable. Only a mesh topology and scenarios without Lo services
// qualify.

#include <atomic>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/hash.hpp"
#include "core/prefetch.hpp"
#include "sim/explore/visited.hpp"  // HugePageAllocator
#include "sim/world.hpp"

namespace frsim::sim::explore {

// Identifies a transition across states: like its description but naming a
// message by content instead of by id (ids depend on the path taken).
std::uint64_t transition_key(const World& world, const Transition& t);

// What sleep sets remember of a transition.
struct Slim {
  std::uint64_t key = 0;
  TransitionKind kind = TransitionKind::fire;
  std::uint32_t device = no_device;
  // With a bounded inbox (WorldConfig::inbox_capacity): the device whose
  // inbox this transition fills (a send, a duplicate kept in flight). Two
  // that fill one inbox are dependent: one may leave no room for the other.
  std::uint32_t fills = no_device;
};
Slim slim(const World& world, const Transition& t);
// Whether a transition with this key is among `slims`.
bool contains_key(const std::vector<Slim>& slims, std::uint64_t key);
// The content hash of the in-flight message a deliver, drop or duplicate
// takes or copies; 0 for other transitions (and a message no longer there).
std::uint64_t message_content(const World& world, const Transition& t);
bool independent(const Slim& a, const Slim& b);
// Whether independent() may be used at all for this scenario.
bool por_applicable(const Scenario& scenario);

class Symmetry {
 public:
  // Probes `initial` (a fresh world) for interchangeable devices.
  explicit Symmetry(const World& initial);

  // No two devices are interchangeable, or the world does not qualify.
  bool trivial() const { return permutations_.size() <= 1; }
  const std::string& explanation() const { return explanation_; }
  std::size_t permutations() const { return permutations_.size(); }
  // Equal for a state and every image of it under the symmetry group. Not
  // for two threads at once once memo_limit() gave it a memo.
  std::uint64_t fingerprint(const World& world) const { return fingerprint(world, world.fingerprint()); }
  // The same, given world.fingerprint().
  std::uint64_t fingerprint(const World& world, std::uint64_t concrete) const;
  // Asks the memory for the memo's slot of a world ahead of fingerprint()
  // (`concrete`: its World::fingerprint()): the memo outgrows the caches,
  // and a lookup is a cache miss.
  void prefetch(std::uint64_t concrete) const {
    if (!memo_.empty()) core::prefetch(&memo_[memo_slot(concrete)]);
  }
  // Lets fingerprint() remember canonical fingerprints in at most `bytes`
  // (0: no memo, the default); memo_bytes() is what it holds now.
  void memo_limit(std::uint64_t bytes);
  std::uint64_t memo_bytes() const { return memo_.capacity() * sizeof(MemoSlot); }
  // A state held a value that no permutation but the identity renames (it
  // orders device numbers: core/crdt/rename.hpp) although the probe found
  // none: the reduced search may have merged states that behave differently,
  // so it is not exhaustive.
  bool broken() const { return broken_; }

 private:
  // A state as the permutations see it: gathered once (gather), and
  // scratch for the images' fingerprints.
  struct Parts {
    std::uint64_t fixed = 0;    // Lo's state and the budgets left
    std::uint64_t network = 0;  // Network::fingerprint()
    std::vector<std::uint64_t> devices;     // per device: World::device_fingerprint
    std::vector<std::uint64_t> signatures;  // per device: see sorts_by_signature
    // Bit i: pairs_[i]'s signatures rise (first < second), or fall.
    std::vector<std::uint64_t> rising, falling;
    std::vector<std::uint32_t> permuted_sides;
    std::vector<std::uint64_t> permuted_devices, device_sends;
  };
  std::uint64_t canonical(const World& world) const;
  void gather(const World& world, Parts& parts) const;
  bool sorts_by_signature(std::size_t k, const Parts& parts) const;
  void order_signatures(Parts& parts) const;
  // The image under permutations_[k] and its parts.
  std::uint64_t fingerprint(const World& world, std::size_t k, Parts& parts) const;
  std::uint64_t messages_part(const World& world, std::size_t k, const Parts& parts) const;
  std::uint64_t device_part(const World& world, std::uint32_t d, std::size_t k, Parts& parts) const;

  // permutations_[k][d]: the new number of device d.
  std::vector<std::vector<std::uint32_t>> permutations_;
  // The classes of interchangeable devices with more than one member.
  std::vector<std::vector<std::uint32_t>> classes_;
  // Every pair of one class's devices (the first before the second in the
  // class), bit i of pair_words_ words; inversions_[k * pair_words_ + w]:
  // the pairs permutation k numbers the other way round.
  std::vector<std::pair<std::uint32_t, std::uint32_t>> pairs_;
  std::size_t pair_words_ = 0;
  std::vector<std::uint64_t> inversions_;
  std::string explanation_;
  // memo_keys_[k]: permutation k in the renaming memo (reduction.cpp), 0
  // where it renames no value.
  std::vector<std::uint64_t> memo_keys_;
  // part_keys_[k]: permutation k in the memo of the images' parts
  // (reduction.cpp, device_part and messages_part), never 0.
  std::vector<std::uint64_t> part_keys_;
  // Canonical fingerprints by concrete fingerprint (fingerprint(), in
  // reduction.cpp), up to memo_max_slots_; none until memo_limit().
  struct MemoSlot {
    std::uint64_t concrete = 0, canonical = 0;
  };
  // In huge pages: a lookup misses the caches at random (about one in six
  // of a symmetric search's cycles), and should not miss the TLB too.
  mutable std::vector<MemoSlot, HugePageAllocator<MemoSlot>> memo_;
  std::size_t memo_slot(std::uint64_t concrete) const { return core::mix64(concrete | 1) & (memo_.size() - 1); }
  mutable std::uint64_t memo_misses_ = 0;
  std::size_t memo_max_slots_ = 0;
  mutable std::atomic<bool> broken_{false};
};

}  // namespace frsim::sim::explore
