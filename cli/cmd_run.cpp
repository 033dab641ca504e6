// frsim run <scenario>: one seeded random execution plus healing, summarised,
// then judged by every property as `frsim replay` judges a trace: exit 1 when
// the schedule violates one.

#include <iostream>
#include <optional>
#include <string>

#include <fmt/format.h>

#include "cli/cmd_replay.hpp"
#include "cli/commands.hpp"
#include "cli/scenario_name.hpp"
#include "cli/validators.hpp"
#include "cli/world_flags.hpp"
#include "sim/random_walk.hpp"
#include "sim/trace.hpp"
#include "sim/world.hpp"

namespace frsim::cli {

namespace {

struct RunOptions {
  std::string scenario;
  std::uint64_t seed = 1;
  WorldFlags world;
  std::string trace_out;
};

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

void register_run(CLI::App& app, Context& context) {
  auto options = std::make_shared<RunOptions>();
  auto* cmd = app.add_subcommand("run", "one seeded random execution plus healing; prints a summary and the verdict");
  cmd->add_option("scenario", options->scenario, "scenario name (see frsim list)")->required();
  cmd->add_option("--seed", options->seed, "PRNG seed")->check(Decimal)->capture_default_str();
  add_world_options(*cmd, options->world);
  cmd->add_option("--trace-out", options->trace_out, "write the trace to FILE");
  cmd->footer("Exit status: 0 every property holds on this schedule, 1 one is violated, 2 bad input.");
  cmd->callback([options, &context] {
    const auto scenario = scenario_named(options->scenario, context.scenarios);
    const auto config = world_config(scenario->defaults, options->world);
    sim::World world(scenario, config, options->seed);
    const auto walk = sim::random_walk(world, options->seed);
    const std::uint64_t before_healing = world.steps();
    world.heal();
    print_summary(world, walk, world.steps() - before_healing);
    if (!options->trace_out.empty()) {
      sim::write_trace_file(sim::make_trace(world), options->trace_out);
      std::cout << fmt::format("trace: {} ({} replay {})\n", options->trace_out, context.program, options->trace_out);
    }
    context.code = judge_schedule(*scenario, config, options->seed, world.choices());
  });
}

}  // namespace frsim::cli
