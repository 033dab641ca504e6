// frsim run <scenario>: one seeded random execution plus healing, summarised.

#include <iostream>
#include <optional>
#include <string>

#include <fmt/format.h>

#include "cli/commands.hpp"
#include "scenarios/registry.hpp"
#include "sim/random_walk.hpp"
#include "sim/trace.hpp"
#include "sim/world.hpp"

namespace frsim::cli {

namespace {

struct RunOptions {
  std::string scenario;
  std::uint64_t seed = 1;
  std::optional<std::uint32_t> devices, drops, dups, crashes, partitions;
  std::optional<std::string> grain, topology;
  std::string trace_out;
};

sim::WorldConfig configure(const sim::Scenario& scenario, const RunOptions& o) {
  sim::WorldConfig c = scenario.defaults;
  if (o.devices) c.devices = *o.devices;
  if (o.drops) c.drops = *o.drops;
  if (o.dups) c.dups = *o.dups;
  if (o.crashes) c.crashes = *o.crashes;
  if (o.partitions) c.partitions = *o.partitions;
  if (o.grain) c.grain = sim::grain_from_string(*o.grain);
  if (o.topology) c.topology = sim::topology_from_string(*o.topology);
  sim::validate(c);
  return c;
}

void print_summary(const sim::World& world, const sim::WalkSummary& walk, std::uint64_t healing_steps) {
  const auto& c = world.config();
  std::cout << fmt::format("scenario {}  seed {}  devices {}  grain {}  topology {}\n", world.scenario().name,
                           world.seed(), c.devices, sim::to_string(c.grain), sim::to_string(c.topology));
  std::string kinds;
  for (std::size_t k = 0; k < sim::transition_kind_count; ++k) {
    if (walk.by_kind[k] == 0) continue;
    kinds += fmt::format(" {} {}", sim::to_string(static_cast<sim::TransitionKind>(k)), walk.by_kind[k]);
  }
  std::cout << fmt::format("schedule: {} transitions ({}){}\n", walk.transitions, kinds.empty() ? " none" : kinds,
                           walk.truncated ? ", stopped at steps_max" : "");
  std::cout << fmt::format("healing: {} transitions\n", healing_steps);
  const auto& left = world.budgets_left();
  std::cout << fmt::format("faults injected: drops {}/{}  dups {}/{}  crashes {}/{}  partitions {}/{}\n",
                           c.drops - left.drops, c.drops, c.dups - left.dups, c.dups, c.crashes - left.crashes,
                           c.crashes, c.partitions - left.partitions, c.partitions);
  std::cout << "final values of distributed reactives:\n";
  for (std::uint32_t d = 0; d < world.devices(); ++d) {
    for (const auto& [name, value] : world.device(d).distributed_values()) {
      std::cout << fmt::format("  d{} {} = {}\n", d, name, value.to_string());
    }
  }
  std::cout << fmt::format("events: {}  event hash: {}\n", world.events().size(), sim::hex16(world.event_hash()));
}

}  // namespace

void register_run(CLI::App& app, Status& status) {
  auto options = std::make_shared<RunOptions>();
  auto* cmd = app.add_subcommand("run", "one seeded random execution plus healing; prints a summary");
  cmd->add_option("scenario", options->scenario, "scenario name (see frsim list)")->required();
  cmd->add_option("--seed", options->seed, "PRNG seed (default 1)");
  cmd->add_option("--devices", options->devices, "number of devices");
  cmd->add_option("--drops", options->drops, "message drop budget");
  cmd->add_option("--dups", options->dups, "message duplication budget");
  cmd->add_option("--crashes", options->crashes, "crash budget");
  cmd->add_option("--partitions", options->partitions, "partition budget");
  cmd->add_option("--grain", options->grain, "coarse|fine");
  cmd->add_option("--topology", options->topology, "mesh|ring|star|random");
  cmd->add_option("--trace-out", options->trace_out, "write the trace to FILE");
  cmd->callback([options, &status] {
    const auto scenario = scenarios::get(options->scenario);
    const auto config = configure(*scenario, *options);
    sim::World world(scenario, config, options->seed);
    const auto walk = sim::random_walk(world, options->seed);
    const std::uint64_t before_healing = world.steps();
    world.heal();
    print_summary(world, walk, world.steps() - before_healing);
    if (!options->trace_out.empty()) {
      sim::write_trace_file(sim::make_trace(world), options->trace_out);
      std::cout << fmt::format("trace: {} (frsim replay {})\n", options->trace_out, options->trace_out);
    }
    status.code = 0;
  });
}

}  // namespace frsim::cli
