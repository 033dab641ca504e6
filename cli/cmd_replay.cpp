// frsim replay <trace-file>: re-executes the choices, checks the event hash,
// prints the events, then judges the schedule by every property (exit 1 when
// one is violated, as `frsim explore` would). A pbt case file (cmd_pbt.hpp) is told apart by its
// "format" field and re-run on its generated program.

#include "cli/cmd_replay.hpp"

#include <iostream>
#include <string>

#include <fmt/format.h>

#include "cli/cmd_pbt.hpp"
#include "checker/checker.hpp"
#include "core/error.hpp"
#include "cli/commands.hpp"
#include "cli/files.hpp"
#include "cli/scenario_name.hpp"
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

int judge_schedule(const sim::Scenario& scenario, const sim::WorldConfig& config, std::uint64_t seed,
                   const std::vector<std::pair<std::size_t, std::string>>& choices,
                   const std::atomic<bool>* stop) {
  checker::CheckOptions options;
  options.stop = stop;
  const auto judged = checker::replay(scenario, config, seed, choices, options);
  if (judged.finding) {
    // Every property the schedule breaks (a counterexample found with
    // --properties shows its own even where another sees the bug first).
    for (const auto& f : judged.findings) std::cout << fmt::format("violated: {}: {}\n", f.property, f.message);
    if (judged.findings.empty()) {
      std::cout << fmt::format("violated: {}: {}\n", judged.finding->property, judged.finding->message);
    }
    return 1;
  }
  std::cout << "every property holds\n";
  return 0;
}

void register_replay(CLI::App& app, Context& context) {
  auto path = std::make_shared<std::string>();
  auto* cmd = app.add_subcommand("replay", "re-execute a trace file, check its event hash, and judge its schedule");
  cmd->add_option("trace", *path, "trace file written by frsim run/explore/shrink, or a pbt case file")->required();
  cmd->footer("Exit status: 0 every property holds on the schedule, 1 one is violated, 2 a missing, corrupt or "
              "diverging trace.");
  cmd->callback([path, &context] {
    require_readable_file(*path, "replay:");
    // A pbt case file: its program and schedule; exit 1 if the violation reproduces.
    if (const auto pbt_case = read_pbt_case(*path)) {
      context.code = replay_pbt_case(*pbt_case);
      return;
    }
    const auto trace = sim::read_trace_file(*path);
    std::shared_ptr<const sim::Scenario> scenario;
    try {
      scenario = scenario_named(trace.scenario, context.scenarios);
    } catch (const core::Error& e) {
      throw sim::TraceError(fmt::format("trace names {}", e.what()));
    }
    const auto world = sim::replay(trace, scenario);
    for (const auto& e : world->events()) std::cout << event_line(e) << "\n";
    std::cout << fmt::format("replay ok: {} choices, {} events, event hash {}\n", trace.choices.size(),
                             world->events().size(), sim::hex16(world->event_hash()));
    // Exit 1 if the schedule violates a property, as for a pbt case file.
    context.code = judge_schedule(*scenario, trace.config, trace.seed, trace.choices);
  });
}

}  // namespace frsim::cli
