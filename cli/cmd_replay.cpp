// frsim replay <trace-file>: re-executes the choices, checks the event hash,
// prints the events. A pbt case file (cmd_pbt.hpp) is told apart by its
// "format" field and re-run on its generated program.

#include "cli/cmd_replay.hpp"

#include <iostream>
#include <string>

#include <fmt/format.h>

#include "cli/cmd_pbt.hpp"
#include "cli/commands.hpp"
#include "scenarios/registry.hpp"
#include "sim/trace.hpp"

namespace frsim::cli {

std::string event_line(const sim::Event& e) {
  const std::string who = e.device == sim::no_device ? std::string("  ") : fmt::format("d{}", e.device);
  std::string line = fmt::format("{:>6} {} {:<14} {}", e.step, who, sim::to_string(e.kind), e.text);
  for (std::size_t i = 0; i < e.values.size(); ++i) {
    line += i == 0 ? "  [" : ", ";
    line += e.values[i].to_string();
  }
  if (!e.values.empty()) line += "]";
  return line;
}

void register_replay(CLI::App& app, Status& status) {
  auto path = std::make_shared<std::string>();
  auto* cmd = app.add_subcommand("replay", "re-execute a trace file and check its event hash");
  cmd->add_option("trace", *path, "trace file written by frsim run/explore/shrink, or a pbt case file")->required();
  cmd->callback([path, &status] {
    // A pbt case file: its program and schedule; exit 1 if the violation reproduces.
    if (const auto pbt_case = read_pbt_case(*path)) {
      status.code = replay_pbt_case(*pbt_case);
      return;
    }
    const auto trace = sim::read_trace_file(*path);
    const auto scenario = scenarios::find(trace.scenario);
    if (!scenario) throw sim::TraceError(fmt::format("trace names an unknown scenario '{}'", trace.scenario));
    const auto world = sim::replay(trace, scenario);
    for (const auto& e : world->events()) std::cout << event_line(e) << "\n";
    std::cout << fmt::format("replay ok: {} choices, {} events, event hash {}\n", trace.choices.size(),
                             world->events().size(), sim::hex16(world->event_hash()));
    status.code = 0;
  });
}

}  // namespace frsim::cli
