// frsim shrink <trace> -o <file>: delta-debugs a failing trace's choices down
// to a shorter schedule that still violates the same property (re-validated by
// replay), lets a bounded BFS look for a shorter one still, and writes the
// result as a new trace. It prints both lengths and whether the result is
// proven shortest on the trace's bounds.

#include <iostream>
#include <memory>
#include <string>

#include <fmt/format.h>

#include "checker/checker.hpp"
#include "cli/commands.hpp"
#include "cli/files.hpp"
#include "cli/scenario_name.hpp"
#include "cli/signals.hpp"
#include "cli/validators.hpp"
#include "core/error.hpp"
#include "sim/trace.hpp"
#include "sim/world.hpp"

namespace frsim::cli {

namespace {

// "restoration: 4 -> 4 choices by ddmin (7 replays) -> 2 by BFS (depth 3, 9 states); shortest on these bounds: proven"
std::string summary(const std::string& property, std::size_t input, const checker::ShrinkResult& r) {
  std::string text = fmt::format("{}: {} -> {} choices by ddmin ({} replays)", property, input, r.ddmin_length,
                                 r.replays);
  if (r.bfs_ran && r.bfs_length) {
    text += fmt::format(" -> {} by BFS (depth {}, {} states)", *r.bfs_length, r.ddmin_length - 1, r.bfs_states);
  } else if (r.bfs_ran) {
    text += fmt::format(" -> nothing shorter by BFS (depth {}, {} states, {})", r.ddmin_length - 1, r.bfs_states,
                        r.bfs_complete ? "complete" : "cut by its budget");
  } else if (r.ddmin_length > 0) {
    text += " (no BFS pass)";
  }
  if (!r.stopped.empty()) text += fmt::format("; stopped early by {}", r.stopped);
  text += fmt::format("; shortest on these bounds: {}\n", r.bound_proven ? "proven" : "not proven");
  return text;
}

}  // namespace

void register_shrink(CLI::App& app, Context& context) {
  struct Options {
    std::string trace;
    std::string output;
    std::string property;
    checker::ShrinkOptions shrink;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("shrink", "shorten a failing trace while the same property still fails");
  cmd->add_option("trace", o->trace, "trace file of a failing schedule")->required();
  cmd->add_option("-o,--output", o->output, "where to write the shrunk trace")->required();
  std::vector<std::string> property_names;
  for (const auto& p : checker::all_properties()) property_names.push_back(p.name);
  cmd->add_option("--property", o->property, "the property to keep failing")
      ->check(CLI::IsMember(property_names))
      ->default_str("the trace's first finding");
  cmd->add_option("--bfs-states", o->shrink.bfs_states_max, "distinct states the BFS pass may visit (0: ddmin only)")
      ->check(Decimal)
      ->capture_default_str();
  cmd->add_option("--bfs-time-limit", o->shrink.bfs_time_limit_seconds,
                  "seconds the BFS pass may take, 0 for none (none: the result does not depend on the machine)")
      ->check(Seconds)
      ->capture_default_str();
  cmd->add_option("--time-limit", o->shrink.time_limit_seconds,
                  "seconds for the whole shrink, 0 for none; when it ends, the shortest schedule so far is written")
      ->check(Seconds)
      ->capture_default_str();
  cmd->footer(
      "Exit status: 0 the shrunk trace is written, 2 bad input (a trace on which no property fails), 130 / 143 "
      "stopped by SIGINT / SIGTERM (the shortest schedule so far is written).");
  cmd->callback([o, &context] {
    // A signal ends the shrink with the shortest schedule so far, written as
    // usual; the exit status is then 128 + the signal.
    SignalScope signals;
    o->shrink.interrupt = &interrupted();
    require_readable_file(o->trace, "shrink:");
    const auto trace = sim::read_trace_file(o->trace);
    const auto scenario = scenario_named(trace.scenario, context.scenarios);
    std::string property = o->property;
    if (property.empty()) {
      const auto judged = checker::replay(*scenario, trace.config, trace.seed, trace.choices);
      if (!judged.finding) throw core::Error(fmt::format("{}: no property fails on this trace", o->trace));
      property = judged.finding->property;
    }
    const auto shrunk = checker::shrink(*scenario, trace.config, trace.seed, trace.choices, property, o->shrink);
    sim::World world(scenario, trace.config, trace.seed);
    for (const auto& [index, text] : shrunk.choices) world.apply_index(index);
    world.heal();
    auto out = sim::make_trace(world);
    out.scenario = trace.scenario;
    sim::write_trace_file(out, o->output);
    std::cout << summary(property, trace.choices.size(), shrunk);
    std::cout << fmt::format("still fails: {}\n  {}\nreplay: {} replay {}\n", shrunk.finding.property,
                             shrunk.finding.message, context.program, o->output);
    const int signal = signal_received();
    context.code = signal != 0 ? 128 + signal : 0;
  });
}

}  // namespace frsim::cli
