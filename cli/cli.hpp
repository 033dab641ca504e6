#pragma once
// The `frsim` command line as a library: a program of one's own with its own
// scenarios registered is a complete frsim (explore, replay, shrink, pbt,
// selftest, run, list, bench, and the report folder):
//
//   #include "cli/cli.hpp"
//   int main(int argc, char** argv) {
//     auto scenarios = frsim::scenarios::all();  // the built-in ones too, if wanted
//     scenarios.push_back(std::make_shared<const frsim::sim::Scenario>(thermostat()));
//     return frsim::cli::run(argc, argv, scenarios);
//   }
//
// Link frsim::cli. Traces name their scenario, so `replay` and `shrink` find
// it among `scenarios` (or a mutant's showcase, or "<scenario>+<mutant>").
//
// Exit statuses (README "Exit statuses"): 0 success, 1 a property violated,
// 2 bad input (one line on stderr), 130/143 `explore` or `run` stopped by SIGINT /
// SIGTERM after writing its report. Nothing escapes run() as an exception.

#include <memory>
#include <vector>

#include "sim/scenario.hpp"

namespace frsim::cli {

using Scenarios = std::vector<std::shared_ptr<const sim::Scenario>>;

// Parses argv (argv[0] names the program in replay lines and help) and runs
// the command; returns the exit status.
int run(int argc, const char* const argv[], const Scenarios& scenarios);

}  // namespace frsim::cli
