#pragma once
// The function of each built-in scenario, one per file (scenarios/list.inc
// names them). Included only where a scenario is called by its function
// (the registry, a scenario built from another, the mutants): a scenario
// added to list.inc rebuilds those files, not every file that looks one up
// by name (scenarios/registry.hpp).

#include "sim/scenario.hpp"

namespace frsim::scenarios {

#define FRSIM_SCENARIO(function) sim::Scenario function();
#include "scenarios/list.inc"
#undef FRSIM_SCENARIO

}  // namespace frsim::scenarios
