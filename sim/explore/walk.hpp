#pragma once
// Runs a sampling strategy: numbered schedules, each from its own seed.

#include "sim/explore/explore.hpp"

namespace frsim::sim::explore {

Result walk(const std::shared_ptr<const Scenario>& scenario, const Options& options, const MonitorFactory& monitors,
            const Control& control);

// The seed of schedule `number` of a campaign: schedules are independent, so
// a resumed campaign continues at any number without repeating one.
std::uint64_t schedule_seed(std::uint64_t campaign_seed, std::uint64_t number);

}  // namespace frsim::sim::explore
