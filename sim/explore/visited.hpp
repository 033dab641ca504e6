#pragma once
// The visited set of exhaustive search: state fingerprints, within a memory
// budget. Exact mode is an open-addressing table of 64-bit fingerprints (a
// collision of two distinct states is as likely as a 64-bit hash collision).
// Bitstate mode is SPIN's supertrace: two bits per state in a fixed array
// that fills the whole budget; it never runs out of memory but may prune a
// state it has never seen, so a campaign using it is never `complete`.
//
// With sleep sets, a state also remembers the sleep set it was explored with
// (Godefroid 1996: a revisit with a smaller sleep set must explore the
// difference); those are kept in a side table keyed by fingerprint.

#include <cstdint>
#include <map>
#include <vector>

namespace frsim::sim::explore {

class VisitedSet {
 public:
  // `bytes_max`: the budget for the table (bitstate: its exact size).
  VisitedSet(std::uint64_t bytes_max, bool bitstate);

  // Inserts; true if the fingerprint was not there. False also when the
  // exact table would outgrow the budget: check full() after a false.
  bool insert(std::uint64_t fingerprint);
  bool contains(std::uint64_t fingerprint) const;
  bool full() const { return full_; }
  bool bitstate() const { return bitstate_; }
  std::uint64_t size() const { return size_; }
  std::uint64_t bytes() const;

 private:
  bool grow();
  std::uint64_t slot(std::uint64_t fingerprint) const;

  std::uint64_t bytes_max_;
  bool bitstate_;
  bool full_ = false;
  std::uint64_t size_ = 0;
  // Exact: 0 marks an empty slot, so fingerprint 0 is stored as 1 (one more
  // way to collide, of probability 2^-64).
  std::vector<std::uint64_t> table_;
  std::vector<std::uint64_t> bits_;
};

}  // namespace frsim::sim::explore
