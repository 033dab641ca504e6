#pragma once
// What `frsim replay` prints, shared with the pbt case replay (cmd_pbt.cpp)
// and `frsim run` (which judges its schedule as replay does).

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "sim/config.hpp"
#include "sim/event.hpp"
#include "sim/scenario.hpp"

namespace frsim::cli {

// One event: step, device, kind, text and the values it carries.
std::string event_line(const sim::Event& e);

// The schedule judged by every property, healed as exploration heals it;
// prints the verdict and returns the exit status (1: a property is violated).
// A raised `stop` throws core::PropagationStopped out of it, nothing printed.
int judge_schedule(const sim::Scenario& scenario, const sim::WorldConfig& config, std::uint64_t seed,
                   const std::vector<std::pair<std::size_t, std::string>>& choices,
                   const std::atomic<bool>* stop = nullptr);

}  // namespace frsim::cli
