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

}  // namespace frsim::sim::explore
