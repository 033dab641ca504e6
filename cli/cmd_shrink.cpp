// frsim shrink <trace> -o <file>: delta-debugs a failing trace's choices down
// to a shorter schedule that still violates the same property (re-validated by
// replay), and writes it as a new trace.

#include <iostream>
#include <memory>
#include <string>

#include <fmt/format.h>

#include "checker/checker.hpp"
#include "cli/commands.hpp"
#include "scenarios/registry.hpp"
#include "sim/trace.hpp"
#include "sim/world.hpp"

namespace frsim::cli {

namespace {

// "counter+mutant-double-fold": the scenario with the engine mutant installed.
sim::Scenario scenario_of(const std::string& name) {
  const auto plus = name.find('+');
  const auto base = scenarios::get(name.substr(0, plus));
  if (plus == std::string::npos) return *base;
  const auto* mutant = checker::find_mutant(name.substr(plus + 1));
  if (mutant == nullptr) throw core::Error(fmt::format("trace names an unknown mutant '{}'", name.substr(plus + 1)));
  return checker::with_mutant(*base, *mutant);
}

}  // namespace

void register_shrink(CLI::App& app, Status& status) {
  struct Options {
    std::string trace;
    std::string output;
    std::string property;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("shrink", "shorten a failing trace while the same property still fails");
  cmd->add_option("trace", o->trace, "trace file of a failing schedule")->required();
  cmd->add_option("-o,--output", o->output, "where to write the shrunk trace")->required();
  cmd->add_option("--property", o->property, "the property to keep failing (default: the trace's first finding)");
  cmd->callback([o, &status] {
    const auto trace = sim::read_trace_file(o->trace);
    const auto scenario = std::make_shared<const sim::Scenario>(scenario_of(trace.scenario));
    std::string property = o->property;
    if (property.empty()) {
      const auto judged = checker::replay(*scenario, trace.config, trace.seed, trace.choices);
      if (!judged.finding) throw core::Error(fmt::format("{}: no property fails on this trace", o->trace));
      property = judged.finding->property;
    }
    const auto shrunk = checker::shrink(*scenario, trace.config, trace.seed, trace.choices, property);
    sim::World world(scenario, trace.config, trace.seed);
    for (const auto& [index, text] : shrunk.choices) world.apply_index(index);
    world.heal();
    auto out = sim::make_trace(world);
    out.scenario = trace.scenario;
    sim::write_trace_file(out, o->output);
    std::cout << fmt::format("{}: {} -> {} choices ({} replays); still fails: {}\n  {}\nreplay: frsim replay {}\n",
                             property, trace.choices.size(), shrunk.choices.size(), shrunk.replays,
                             shrunk.finding.property, shrunk.finding.message, o->output);
    status.code = 0;
  });
}

}  // namespace frsim::cli
