#include "sim/explore/visited.hpp"

#include <algorithm>
#include <cassert>
#include <stdexcept>

#include "core/hash.hpp"

namespace frsim::sim::explore {

namespace {
constexpr std::uint64_t initial_slots = 1024;  // a power of two
}

VisitedSet::VisitedSet(std::uint64_t bytes_max, bool bitstate, std::uint64_t bits)
    : bytes_max_(bytes_max), bitstate_(bitstate) {
  if (bitstate_) {
    const std::uint64_t words = bits > 0 ? (bits + 63) / 64 : bytes_max_ / 8;
    bits_.assign(std::max<std::uint64_t>(words, 1), 0);
  } else {
    table_.assign(initial_slots, 0);
  }
}

std::uint64_t VisitedSet::bytes() const {
  return bitstate_ ? bits_.size() * 8 : table_.size() * sizeof(std::uint64_t);
}

std::uint64_t VisitedSet::slot(std::uint64_t fingerprint) const {
  const std::uint64_t mask = table_.size() - 1;
  std::uint64_t i = home(fingerprint);
  while (table_[i] != 0 && table_[i] != fingerprint) i = (i + 1) & mask;
  return i;
}

// The one bit of a state: the fingerprint mixed again, so that the bit does
// not depend on the low bits of the fingerprint alone.
std::uint64_t VisitedSet::bit(std::uint64_t fingerprint) const { return core::mix64(fingerprint) % (bits_.size() * 64); }

bool VisitedSet::contains(std::uint64_t fingerprint) const {
  if (bitstate_) {
    const std::uint64_t b = bit(fingerprint);
    return ((bits_[b / 64] >> (b % 64)) & 1) != 0;
  }
  if (fingerprint == 0) fingerprint = 1;
  return table_[slot(fingerprint)] == fingerprint;
}

bool VisitedSet::insert(std::uint64_t fingerprint) {
  if (bitstate_) {
    const std::uint64_t b = bit(fingerprint);
    std::uint64_t& word = bits_[b / 64];
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

bool VisitedSet::grow() {
  const std::uint64_t slots = table_.size() * 2;
  if (slots * sizeof(std::uint64_t) > bytes_max_) return false;
  std::vector<std::uint64_t> old = std::move(table_);
  table_.assign(slots, 0);
  for (std::uint64_t fp : old) {
    if (fp != 0) table_[slot(fp)] = fp;
  }
  return true;
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
