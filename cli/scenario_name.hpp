#pragma once
// Scenario names as traces and reports carry them: one of the program's
// scenarios ("counter"), or one with an engine mutant of the bug zoo
// installed on every device ("counter+mutant-double-fold", as
// checker::with_mutant names it), so that a counterexample of `frsim explore
// --mutant` replays and shrinks. A mutant's showcase program
// ("showcase-fold-fine", as frsim selftest lists it) is accepted wherever a
// scenario is.

#include <memory>
#include <string_view>

#include "cli/cli.hpp"
#include "sim/scenario.hpp"

namespace frsim::cli {

// Throws core::Error naming the known scenarios, or the unknown mutant.
std::shared_ptr<const sim::Scenario> scenario_named(std::string_view name, const Scenarios& scenarios);

}  // namespace frsim::cli
