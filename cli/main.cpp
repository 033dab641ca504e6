// frsim: deterministic simulation and model checking of fault-tolerant
// distributed reactive programs. The command line is the library frsim_cli
// (cli/cli.hpp); this binary registers the built-in scenarios.

#include "cli/cli.hpp"
#include "scenarios/registry.hpp"

int main(int argc, char** argv) { return frsim::cli::run(argc, argv, frsim::scenarios::all()); }
