// One's own frsim: the whole command line (explore, replay, shrink, run,
// selftest, pbt, the report folder) over one's own scenarios.
//
//   thermostat-frsim explore thermostat
//   thermostat-frsim replay frsim-out/thermostat/counterexample.json

#include <memory>

#include "cli/cli.hpp"
#include "thermostat.hpp"

int main(int argc, char** argv) {
  const frsim::cli::Scenarios scenarios{std::make_shared<const frsim::sim::Scenario>(thermostat())};
  return frsim::cli::run(argc, argv, scenarios);
}
