#include "sim/explore/visited.hpp"

#include <sys/mman.h>

#include <algorithm>
#include <cassert>
#include <cstdlib>
#include <new>
#include <stdexcept>

#include "core/hash.hpp"

namespace frsim::sim::explore {

namespace {
constexpr std::uint64_t initial_slots = 1024;  // a power of two
// The shared memory's first page: the header; the table's halves (or the bit
// array) start on a page boundary after it.
constexpr std::uint64_t header_bytes = 4096;
}

void* allocate_huge_pages(std::size_t bytes) {
  constexpr std::size_t huge = std::size_t{2} << 20;
  if (bytes < 2 * huge) {
    void* p = std::malloc(bytes == 0 ? 1 : bytes);
    if (p == nullptr) throw std::bad_alloc();
    return p;
  }
  const std::size_t rounded = (bytes + huge - 1) / huge * huge;
  void* p = std::aligned_alloc(huge, rounded);  // released by std::free, as malloc's
  if (p == nullptr) throw std::bad_alloc();
  ::madvise(p, rounded, MADV_HUGEPAGE);  // advice: where refused, small pages
  return p;
}

struct VisitedSet::Header {
  std::atomic<std::uint64_t> count{0};
  std::uint64_t slots = 0;  // the exact table's size now (a power of two)
  std::uint64_t which = 0;  // the half that holds it
  std::uint64_t half_slots = 0;
};

VisitedSet::VisitedSet(std::uint64_t bytes_max, bool bitstate, std::uint64_t bits)
    : bytes_max_(bytes_max), bitstate_(bitstate) {
  if (bitstate_) {
    const std::uint64_t words = bits > 0 ? (bits + 63) / 64 : bytes_max_ / 8;
    bits_.assign(std::max<std::uint64_t>(words, 1), 0);
    words_ = bits_.data();
    word_count_ = bits_.size();
  } else {
    table_.assign(initial_slots, 0);
    slots_ = table_.data();
    mask_ = table_.size() - 1;
  }
}

VisitedSet::Header& VisitedSet::header() const { return *std::launder(reinterpret_cast<Header*>(memory_.data())); }

std::atomic<std::uint64_t>& VisitedSet::shared_count() const { return header().count; }

std::uint64_t* VisitedSet::half(std::uint64_t which) const {
  return reinterpret_cast<std::uint64_t*>(memory_.data() + header_bytes) + which * header().half_slots;
}

std::uint64_t VisitedSet::bytes() const {
  if (bitstate_) return word_count_ * 8;
  return (mask_ + 1) * sizeof(std::uint64_t);
}

std::uint64_t VisitedSet::slot(std::uint64_t fingerprint) const {
  std::uint64_t i = home(fingerprint);
  while (slots_[i] != 0 && slots_[i] != fingerprint) i = (i + 1) & mask_;
  return i;
}

// The one bit of a state: the fingerprint mixed again, so that the bit does
// not depend on the low bits of the fingerprint alone.
std::uint64_t VisitedSet::bit(std::uint64_t fingerprint) const { return core::mix64(fingerprint) % (word_count_ * 64); }

bool VisitedSet::contains(std::uint64_t fingerprint) const {
  if (bitstate_) {
    const std::uint64_t b = bit(fingerprint);
    const std::uint64_t word =
        shared_ ? std::atomic_ref<std::uint64_t>(words_[b / 64]).load(std::memory_order_relaxed) : words_[b / 64];
    return ((word >> (b % 64)) & 1) != 0;
  }
  if (fingerprint == 0) fingerprint = 1;
  if (!shared_) return slots_[slot(fingerprint)] == fingerprint;
  for (std::uint64_t i = home(fingerprint);; i = (i + 1) & mask_) {
    const std::uint64_t held = std::atomic_ref<std::uint64_t>(slots_[i]).load(std::memory_order_relaxed);
    if (held == fingerprint) return true;
    if (held == 0) return false;
  }
}

bool VisitedSet::insert(std::uint64_t fingerprint) {
  if (shared_) return insert_shared(fingerprint);
  if (bitstate_) {
    const std::uint64_t b = bit(fingerprint);
    std::uint64_t& word = words_[b / 64];
    const std::uint64_t mask = std::uint64_t{1} << (b % 64);
    if ((word & mask) != 0) return false;
    word |= mask;
    ++size_;
    return true;
  }
  if (fingerprint == 0) fingerprint = 1;
  // Keep the load at most three quarters: linear probes stay short, and a
  // stored state costs 10.7 to 21.3 bytes between two growths.
  if ((size_ + 1) * 4 > table_.size() * 3 && !grow()) {
    full_ = !contains(fingerprint);
    return false;
  }
  const std::uint64_t i = slot(fingerprint);
  if (table_[i] == fingerprint) return false;
  table_[i] = fingerprint;
  ++size_;
  return true;
}

// Relaxed atomics: a slot publishes nothing but itself.
bool VisitedSet::insert_shared(std::uint64_t fingerprint) {
  auto& count = shared_count();
  if (bitstate_) {
    const std::uint64_t b = bit(fingerprint);
    const std::uint64_t mask = std::uint64_t{1} << (b % 64);
    if ((std::atomic_ref<std::uint64_t>(words_[b / 64]).fetch_or(mask, std::memory_order_relaxed) & mask) != 0) {
      return false;
    }
    count.fetch_add(1, std::memory_order_relaxed);
    return true;
  }
  if (fingerprint == 0) fingerprint = 1;
  // reserve() keeps the load at three quarters between levels; within one,
  // a table fuller than fifteen sixteenths is the budget's end.
  if ((count.load(std::memory_order_relaxed) + 1) * 16 > (mask_ + 1) * 15) {
    full_ = !contains(fingerprint);
    return false;
  }
  for (std::uint64_t i = home(fingerprint);; i = (i + 1) & mask_) {
    std::atomic_ref<std::uint64_t> held(slots_[i]);
    std::uint64_t now = held.load(std::memory_order_relaxed);
    if (now == 0) {
      if (held.compare_exchange_strong(now, fingerprint, std::memory_order_relaxed)) {
        count.fetch_add(1, std::memory_order_relaxed);
        return true;
      }
      // Another worker took the slot first; `now` is what it wrote.
    }
    if (now == fingerprint) return false;
  }
}

bool VisitedSet::grow() {
  const std::uint64_t slots = table_.size() * 2;
  if (slots * sizeof(std::uint64_t) > bytes_max_) return false;
  auto old = std::move(table_);
  table_.assign(slots, 0);
  slots_ = table_.data();
  mask_ = slots - 1;
  for (std::uint64_t fp : old) {
    if (fp != 0) table_[slot(fp)] = fp;
  }
  return true;
}

void VisitedSet::share() {
  if (shared_) return;
  static_assert(std::atomic<std::uint64_t>::is_always_lock_free);
  if (bitstate_) {
    memory_ = core::SharedMemory(header_bytes + word_count_ * sizeof(std::uint64_t));
    new (memory_.data()) Header();
    words_ = reinterpret_cast<std::uint64_t*>(memory_.data() + header_bytes);
    std::copy(bits_.begin(), bits_.end(), words_);
    decltype(bits_)().swap(bits_);
  } else {
    // Two halves, each as large as the budget allows: the table grows from
    // one into the other, whose pages are given back once it has moved.
    std::uint64_t half_slots = table_.size();
    while (half_slots * 2 * sizeof(std::uint64_t) <= bytes_max_) half_slots *= 2;
    memory_ = core::SharedMemory(header_bytes + 2 * half_slots * sizeof(std::uint64_t));
    Header* h = new (memory_.data()) Header();
    h->half_slots = half_slots;
    h->slots = table_.size();
    std::copy(table_.begin(), table_.end(), half(0));
    decltype(table_)().swap(table_);
    slots_ = half(0);
  }
  header().count.store(size_, std::memory_order_relaxed);
  shared_ = true;
}

void VisitedSet::reserve(std::uint64_t more) {
  if (!shared_ || bitstate_) return;
  Header& h = header();
  const std::uint64_t need = h.count.load(std::memory_order_relaxed) + more;
  std::uint64_t slots = h.slots;
  while (need * 4 > slots * 3 && slots < h.half_slots) slots *= 2;
  if (slots == h.slots) return;
  std::uint64_t* from = half(h.which);
  std::uint64_t* to = half(1 - h.which);
  std::fill(to, to + slots, 0);
  slots_ = to;
  mask_ = slots - 1;
  for (std::uint64_t i = 0; i < h.slots; ++i) {
    if (from[i] != 0) to[slot(from[i])] = from[i];
  }
  memory_.release(static_cast<std::size_t>(reinterpret_cast<std::byte*>(from) - memory_.data()),
                  h.slots * sizeof(std::uint64_t));
  h.slots = slots;
  h.which = 1 - h.which;
}

bool VisitedSet::wants_room() const {
  if (!shared_ || bitstate_) return false;
  const Header& h = header();
  return h.slots < h.half_slots && h.count.load(std::memory_order_relaxed) * 4 > h.slots * 3;
}

void VisitedSet::refresh() {
  if (!shared_ || bitstate_) return;
  slots_ = half(header().which);
  mask_ = header().slots - 1;
}

ParentLinks::ParentLinks() { add(root, 0); }

std::uint64_t ParentLinks::add(std::uint64_t parent, std::uint32_t index) {
  assert(parent < size_ || size_ == 0);
  if (index >= (1U << index_bits)) throw std::length_error("more than 16 million transitions enabled in one state");
  if (size_ % chunk_size == 0) chunks_.push_back(std::make_unique_for_overwrite<std::uint64_t[]>(chunk_size));
  at(size_) = (parent << index_bits) | index;
  return size_++;
}

std::vector<std::uint32_t> ParentLinks::path(std::uint64_t node) const {
  std::vector<std::uint32_t> out;
  while (node != root) {
    const std::uint64_t link = at(node);
    out.push_back(static_cast<std::uint32_t>(link & ((1U << index_bits) - 1)));
    node = link >> index_bits;
  }
  std::reverse(out.begin(), out.end());
  return out;
}

}  // namespace frsim::sim::explore
