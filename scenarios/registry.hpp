#pragma once
// The built-in scenarios (DESIGN §1: scenarios/).

#include <memory>
#include <string_view>
#include <vector>

#include "sim/scenario.hpp"

namespace frsim::scenarios {

// Every built-in scenario, sorted by name. Built once, on first use.
const std::vector<std::shared_ptr<const sim::Scenario>>& all();
// nullptr if there is none of that name.
std::shared_ptr<const sim::Scenario> find(std::string_view name);
// Like find(), but throws core::Error naming the known scenarios.
std::shared_ptr<const sim::Scenario> get(std::string_view name);

// Each scenario's own function: scenarios/builtins.hpp.

}  // namespace frsim::scenarios
