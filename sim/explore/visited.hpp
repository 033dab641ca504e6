#pragma once
// The visited set of exhaustive search: state fingerprints, within a memory
// budget. Exact mode is an open-addressing table of 64-bit fingerprints (a
// collision of two distinct states is as likely as a 64-bit hash collision).
// Bitstate mode is Holzmann's supertrace (bitstate hashing, SPIN's -k1): one
// bit per state, set at the fingerprint's hash in a fixed array of a chosen
// number of bits (by default as many as the budget holds). It never runs out
// of memory but prunes a new state whose bit an earlier state set, so its
// count of states is a lower bound and a campaign using it is never
// `complete`. With m bits and n states stored, a new state is lost with
// probability about n/m.
//
// With sleep sets, a state also remembers the sleep set it was explored with
// (Godefroid 1996: a revisit with a smaller sleep set must explore the
// difference); those are kept in a side table keyed by fingerprint.
//
// ParentLinks is how a counterexample is rebuilt without any state on the
// way being stored (as SPIN and TLC do): every node a search expands has a
// number, and remembers the number of the node it came from and the choice
// that led from there; following the links from a node back to the initial
// state gives the choices that reach it.

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <memory>
#include <vector>

#include "core/hash.hpp"
#include "core/prefetch.hpp"
#include "core/shared_memory.hpp"

namespace frsim::sim::explore {

// Storage for a large table read at random (the visited set): 4 MiB or more
// in pages of 2 MiB where the system has transparent huge pages on request
// (madvise(MADV_HUGEPAGE)), so that a lookup that misses the caches does not
// also miss the TLB and walk the page tables; less from malloc.
void* allocate_huge_pages(std::size_t bytes);

template <class T>
struct HugePageAllocator {
  using value_type = T;
  HugePageAllocator() = default;
  template <class U>
  HugePageAllocator(const HugePageAllocator<U>&) {}  // NOLINT: converting, as allocators are
  T* allocate(std::size_t n) { return static_cast<T*>(allocate_huge_pages(n * sizeof(T))); }
  void deallocate(T* p, std::size_t) { std::free(p); }
  friend bool operator==(const HugePageAllocator&, const HugePageAllocator&) { return true; }
};

class VisitedSet {
 public:
  // `bytes_max`: the budget for the table. Bitstate: an array of `bits`
  // bits (rounded up to a multiple of 64), or of 8 * bytes_max when 0.
  VisitedSet(std::uint64_t bytes_max, bool bitstate, std::uint64_t bits = 0);

  // Inserts; true if the fingerprint was not there. False also when the
  // exact table would outgrow the budget: check full() after a false.
  bool insert(std::uint64_t fingerprint);
  bool contains(std::uint64_t fingerprint) const;
  // Asks the memory for the fingerprint's first slot ahead of contains() or
  // insert(): the table outgrows the caches, and a probe is a cache miss.
  void prefetch(std::uint64_t fingerprint) const {
    if (bitstate_) return;
    core::prefetch(&slots_[home(fingerprint == 0 ? 1 : fingerprint)]);
  }
  bool full() const { return full_; }
  bool bitstate() const { return bitstate_; }
  std::uint64_t size() const { return shared_ ? shared_count().load(std::memory_order_relaxed) : size_; }
  std::uint64_t bytes() const;

  // Parallel search (DESIGN §6): moves the set into memory that the worker
  // processes forked after this call share, where insert() claims a slot by
  // compare-and-swap, so a state is new to exactly one worker. The exact
  // table cannot grow while workers insert: it grows in reserve(), which
  // one worker calls while every other waits at a barrier, and the others
  // then call refresh().
  void share();
  bool shared() const { return shared_; }
  // Makes room for `more` new states at the usual load (at most three
  // quarters), within the budget. Exact mode only; no other worker may touch
  // the set meanwhile.
  void reserve(std::uint64_t more);
  // Takes up the table reserve() made in another worker.
  void refresh();
  // Shared exact table past three quarters that may still grow: the workers
  // should meet and reserve() room.
  bool wants_room() const;

 private:
  bool grow();
  std::uint64_t slot(std::uint64_t fingerprint) const;
  // Where a fingerprint's linear probe starts.
  std::uint64_t home(std::uint64_t fingerprint) const { return core::mix64(fingerprint) & mask_; }
  std::uint64_t bit(std::uint64_t fingerprint) const;
  bool insert_shared(std::uint64_t fingerprint);
  // Shared mode: the count, the table's size and which half holds it, at the
  // start of the shared memory; the two halves after it.
  struct Header;
  Header& header() const;
  std::atomic<std::uint64_t>& shared_count() const;
  std::uint64_t* half(std::uint64_t which) const;

  std::uint64_t bytes_max_;
  bool bitstate_;
  bool full_ = false;
  bool shared_ = false;
  std::uint64_t size_ = 0;
  // Exact: 0 marks an empty slot, so fingerprint 0 is stored as 1 (one more
  // way to collide, of probability 2^-64). `slots_` is table_'s storage, or
  // the shared table's.
  std::vector<std::uint64_t, HugePageAllocator<std::uint64_t>> table_;
  std::uint64_t* slots_ = nullptr;
  std::uint64_t mask_ = 0;
  std::vector<std::uint64_t, HugePageAllocator<std::uint64_t>> bits_;
  std::uint64_t* words_ = nullptr;  // bits_'s storage, or the shared array's
  std::uint64_t word_count_ = 0;
  core::SharedMemory memory_;
};

class ParentLinks {
 public:
  static constexpr std::uint64_t root = 0;
  ParentLinks();
  // A node reached from node `parent` by choice `index`; returns its number.
  std::uint64_t add(std::uint64_t parent, std::uint32_t index);
  // The choices from the initial state to `node`, in order.
  std::vector<std::uint32_t> path(std::uint64_t node) const;
  std::uint64_t size() const { return size_; }
  std::uint64_t bytes() const { return chunks_.size() * chunk_size * sizeof(std::uint64_t); }

 private:
  // Fixed chunks, so that growing never holds twice the links.
  static constexpr std::uint64_t chunk_size = 1 << 12;
  static constexpr unsigned index_bits = 24;  // choices per state: < 16 million
  std::uint64_t& at(std::uint64_t node) { return chunks_[node / chunk_size][node % chunk_size]; }
  std::uint64_t at(std::uint64_t node) const { return chunks_[node / chunk_size][node % chunk_size]; }

  std::vector<std::unique_ptr<std::uint64_t[]>> chunks_;
  std::uint64_t size_ = 0;
};

}  // namespace frsim::sim::explore
