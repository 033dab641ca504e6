// frsim run <scenario>: one seeded random execution plus healing, summarised,
// then judged by every property as `frsim replay` judges a trace: exit 1 when
// the schedule violates one. The walk, the healing and the judging poll the
// time budget and SIGINT/SIGTERM (sim::explore::Meter): a stop ends the
// command within milliseconds, with the summary of what ran and no verdict
// (exit 0 at the time budget, 130/143 at a signal).

#include <iostream>
#include <optional>
#include <string>

#include <fmt/format.h>

#include "cli/cmd_replay.hpp"
#include "cli/commands.hpp"
#include "cli/scenario_name.hpp"
#include "cli/signals.hpp"
#include "cli/validators.hpp"
#include "cli/world_flags.hpp"
#include "core/runtime.hpp"
#include "sim/explore/engine.hpp"
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
  double time_limit = sim::explore::default_time_limit_seconds;
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
  cmd->add_option("--time-limit", options->time_limit, "seconds for the walk, healing and judging, 0 for none")
      ->check(Seconds)
      ->capture_default_str();
  cmd->footer(
      "Exit status: 0 every property holds on this schedule (or the time budget ended it: no verdict), 1 one is "
      "violated, 2 bad input, 130 / 143 stopped by SIGINT / SIGTERM.");
  cmd->callback([options, &context] {
    const auto scenario = scenario_named(options->scenario, context.scenarios);
    const auto config = world_config(scenario->defaults, options->world);
    SignalScope signals;
    sim::explore::Limits limits;
    limits.time_limit_seconds = options->time_limit;
    sim::explore::Control control;
    control.interrupt = &interrupted();
    const sim::explore::Meter meter(limits, control);
    sim::World world(scenario, config, options->seed);
    world.set_stop(meter.stop());
    sim::WalkSummary walk;
    std::uint64_t before_healing = 0;
    // Where a stop came: the world is whole between transitions only.
    std::string stopped_in;
    try {
      walk = sim::random_walk(world, options->seed, meter.stop());
      before_healing = world.steps();
      if (walk.stopped) {
        stopped_in = "the walk";
      } else {
        stopped_in = "healing";
        world.heal();
        stopped_in.clear();
      }
    } catch (const core::PropagationStopped&) {
      if (stopped_in.empty()) {
        // Inside a transition of the walk (its summary was not returned).
        stopped_in = "the walk";
        walk.transitions = world.choices().size();
        before_healing = world.steps();
      }
    }
    print_summary(world, walk, world.steps() - before_healing);
    if (stopped_in.empty()) {
      if (!options->trace_out.empty()) {
        sim::write_trace_file(sim::make_trace(world), options->trace_out);
        std::cout << fmt::format("trace: {} ({} replay {})\n", options->trace_out, context.program,
                                 options->trace_out);
      }
      try {
        context.code = judge_schedule(*scenario, config, options->seed, world.choices(), meter.stop());
        return;
      } catch (const core::PropagationStopped&) {
        stopped_in = "judging";
      }
    }
    const bool signalled = signal_received() != 0;
    std::cout << fmt::format("stopped by {} in {} after {:.1f} s: the schedule is not judged{}\n",
                             signalled ? "a signal" : "the time budget", stopped_in, meter.elapsed_seconds(),
                             stopped_in == "judging" || options->trace_out.empty() ? "" : ", no trace written");
    context.code = signalled ? 128 + signal_received() : 0;
  });
}

}  // namespace frsim::cli
