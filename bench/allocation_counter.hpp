#pragma once
// Heap allocations made by this process so far. frsim_bench replaces the
// global operator new (allocation_counter.cpp) to count them; only the
// benchmark binary links that translation unit, never a library or a test.

#include <cstdint>

namespace frsim::bench {

std::uint64_t allocation_count();
// The bytes those allocations asked for, summed (frees subtract nothing).
std::uint64_t allocation_bytes();

}  // namespace frsim::bench
