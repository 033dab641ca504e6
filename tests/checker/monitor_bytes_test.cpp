// Monitor::memory_bytes, the estimate a search counts against --memory-limit
// for every node of its frontier, against what a copy of the monitor really
// allocates. This binary replaces the global operator new to count the bytes
// live; no other test links it.

#include <gtest/gtest.h>
#include <malloc.h>

#include <cstdint>
#include <cstdlib>
#include <new>

#include "checker/checker.hpp"
#include "scenarios/registry.hpp"
#include "sim/explore/explore.hpp"
#include "sim/explore/run.hpp"

namespace {
std::int64_t live_bytes = 0;
std::int64_t peak_bytes = 0;  // the most live_bytes has been

void* counted(std::size_t bytes) noexcept {
  void* p = std::malloc(bytes == 0 ? 1 : bytes);
  if (p != nullptr) {
    live_bytes += static_cast<std::int64_t>(malloc_usable_size(p));
    if (live_bytes > peak_bytes) peak_bytes = live_bytes;
  }
  return p;
}

void release(void* p) noexcept {
  if (p != nullptr) live_bytes -= static_cast<std::int64_t>(malloc_usable_size(p));
  std::free(p);
}
}  // namespace

// Every form that the plain operator delete frees is replaced (std::stable_sort
// takes its buffer with the nothrow form), so that allocation and release pair.
void* operator new(std::size_t bytes) {
  if (void* p = counted(bytes)) return p;
  throw std::bad_alloc();
}
void* operator new(std::size_t bytes, const std::nothrow_t&) noexcept { return counted(bytes); }
void operator delete(void* p) noexcept { release(p); }
void operator delete(void* p, std::size_t) noexcept { release(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { release(p); }

namespace frsim::checker {
namespace {

struct Measured {
  std::int64_t allocated = 0;   // what the copy holds, by the allocator
  std::uint64_t estimated = 0;  // what it says it holds
};

Measured copy_of(const sim::Monitor& monitor) {
  const std::int64_t before = live_bytes;
  auto copy = monitor.clone();
  Measured m;
  m.allocated = live_bytes - before;
  m.estimated = copy->memory_bytes();
  return m;
}

// Every built-in scenario along a seeded random schedule, each property on
// its own (a Suite of one) and all of them together: the estimate stays
// within a factor of what the copy allocates (glibc's block sizes against the
// allocator's usable sizes: a few bytes a block), so a property that leaves
// out what its per-schedule state holds fails here.
void expect_estimates(const std::shared_ptr<const sim::Scenario>& scenario, const CheckOptions& options,
                      std::int64_t& largest) {
  sim::explore::Run run(scenario, scenario->defaults, 1, monitor_factory(*scenario, options));
  sim::Prng prng(1);
  for (int step = 8; step <= 48 && run.walk(8, prng) == 8; step += 8) {
    const Measured m = copy_of(run.monitor());
    SCOPED_TRACE(testing::Message() << "after " << step << " transitions: allocated " << m.allocated
                                    << ", estimated " << m.estimated);
    largest = std::max(largest, m.allocated);
    // (A few blocks' slack below as above: glibc hands out a free chunk up to
    // 31 bytes larger than asked when the rest is too small to split, so a
    // copy of a few blocks may count more than its sizes, by heap layout.)
    EXPECT_GE(static_cast<double>(m.estimated), 0.9 * static_cast<double>(m.allocated) - 64);
    EXPECT_LE(static_cast<double>(m.estimated), 1.25 * static_cast<double>(m.allocated) + 256);
  }
}

TEST(MonitorBytes, TheEstimateFollowsWhatACopyAllocates) {
  std::int64_t largest = 0;
  for (const auto& scenario : scenarios::all()) {
    SCOPED_TRACE(scenario->name);
    expect_estimates(scenario, {}, largest);
    for (const std::string& property : monitor_factory(*scenario)()->properties()) {
      SCOPED_TRACE(property);
      CheckOptions one;
      one.properties = {property};
      std::int64_t largest_alone = 0;
      expect_estimates(scenario, one, largest_alone);
    }
  }
  // The schedules made the monitors hold something worth estimating.
  EXPECT_GT(largest, 4096);
}

// The memory budget against what the search really allocates: a
// breadth-first search of gset-replication (3 replicas, millions of states)
// with every property, 16 MB. Each node of its frontier carries a copy of
// the monitor (about 10 KB), which the budget must count as it is.
TEST(MonitorBytes, ASearchStopsAtItsMemoryBudgetByWhatItAllocates) {
  const auto scenario = scenarios::get("gset-replication");
  sim::explore::Options o;
  o.strategy = sim::explore::Strategy::bfs;
  o.world = scenario->defaults;
  o.world.devices = 3;
  o.limits.states_max = 100'000'000;
  o.limits.schedules_max = 100'000'000;
  o.limits.memory_bytes_max = 16ULL << 20;
  const auto monitors = monitor_factory(*scenario);
  const std::int64_t before = live_bytes;
  peak_bytes = live_bytes;
  const sim::explore::Result r = sim::explore::explore(*scenario, o, monitors);
  EXPECT_EQ(r.budget_hit, sim::explore::BudgetHit::memory);
  EXPECT_GT(r.stats.states, 1000u);
  const std::int64_t allocated = peak_bytes - before;
  // The budget covers the search's own tables; the checker's campaign-wide
  // tables (the oracle's memo, the ready orders' cache) come on top, bounded
  // by their own limits and small here.
  EXPECT_LT(allocated, static_cast<std::int64_t>(o.limits.memory_bytes_max) * 3 / 2)
      << "peak " << allocated << " bytes allocated; the search counted " << r.stats.memory_bytes;
}

}  // namespace
}  // namespace frsim::checker
