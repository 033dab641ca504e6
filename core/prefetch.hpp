#pragma once
// Asks the memory for the cache line at `address` ahead of a load that would
// miss (a probe of a table far larger than the caches).
//
// Inline assembly on x86-64, not __builtin_prefetch: GCC 12 at -O2 and -O3
// deletes a __builtin_prefetch (or _mm_prefetch) whose result nothing uses
// when it is the last statement of a branch — VisitedSet::prefetch compiled to
// nothing, and the search's lookups missed at full latency. An asm volatile
// statement cannot be removed.

namespace frsim::core {

inline void prefetch(const void* address) {
#if defined(__x86_64__)
  asm volatile("prefetcht0 %0" : : "m"(*static_cast<const char*>(address)));
#else
  __builtin_prefetch(address);
#endif
}

}  // namespace frsim::core
