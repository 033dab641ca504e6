#pragma once
// A seeded generator (splitmix64) for the CRDT tests that drive thousands of
// updates without RapidCheck: the same seed, the same run, on every build.

#include <cstdint>

namespace frsim::core::crdt::testing {

class Random {
 public:
  explicit Random(std::uint64_t seed) : state_(seed) {}
  std::uint64_t below(std::uint64_t n) {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return (z ^ (z >> 31)) % n;
  }

 private:
  std::uint64_t state_;
};

}  // namespace frsim::core::crdt::testing
