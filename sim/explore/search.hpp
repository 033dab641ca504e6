#pragma once
// Exhaustive search (bfs, dfs): one algorithm with two frontier disciplines,
// so the two cannot drift apart (Stateright's BFS and DFS duplicate each other).

#include "sim/explore/explore.hpp"

namespace frsim::sim::explore {

Result search(const std::shared_ptr<const Scenario>& scenario, const Options& options,
              const MonitorFactory& monitors, const Control& control);

// Source-set DPOR (dpor.cpp): dfs without state caching. search() calls it
// for Por::dpor when the scenario admits partial-order reduction.
Result dpor(const std::shared_ptr<const Scenario>& scenario, const Options& options, const MonitorFactory& monitors,
            const Control& control);

// Tests only: scales the room a parallel search makes in its visited set at
// the start of a level (1, the default: as estimated; 0: none beyond a
// batch), so that a test can make levels outgrow it and see the workers
// grow the table together within a level (DESIGN §6).
void set_level_room_scale_for_testing(double scale);

}  // namespace frsim::sim::explore
