// frsim selftest: every engine mutant and every deliberately broken scenario
// of the bug zoo under the default campaign; one row each. Exit 1 if any
// bug is missed, which means frsim itself is broken.

#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "checker/checker.hpp"
#include "cli/commands.hpp"
#include "core/error.hpp"
#include "scenarios/registry.hpp"
#include "sim/explore/explore.hpp"

namespace frsim::cli {

namespace {

namespace ex = sim::explore;

struct SelftestFlags {
  double time_limit_seconds = 60;
  std::uint64_t seed = 1;
  std::uint32_t jobs = 1;
  std::string only;  // run only entries whose name contains this
};

struct Row {
  std::string name;
  std::string expected;
  std::string found;  // the violated property, empty if none
  std::string first;  // another property that saw the bug first, if any
  std::size_t schedule_length = 0;
  double seconds = 0;
  bool caught() const { return !found.empty() && found == expected; }
};

ex::Result campaign(const sim::Scenario& scenario, const SelftestFlags& flags, const checker::CheckOptions& check) {
  ex::Options options;
  options.world = scenario.defaults;
  options.seed = flags.seed;
  options.jobs = flags.jobs;
  options.limits.depth_max = 60;
  options.limits.time_limit_seconds = flags.time_limit_seconds;
  return ex::default_campaign(scenario, options, checker::monitor_factory(scenario, check));
}

// With every property watching, another property may see the bug first (a
// mutant that breaks snapshots breaks restoration too). The row then says so
// and the campaign runs again with only the expected property.
Row run_entry(const sim::Scenario& scenario, const SelftestFlags& flags) {
  ex::Result result = campaign(scenario, flags, {});
  Row row{scenario.name, scenario.expected_violation, {}, {}, 0, result.stats.elapsed_seconds};
  if (result.violation && result.violation->finding.property != row.expected) {
    row.first = result.violation->finding.property;
    result = campaign(scenario, flags, checker::CheckOptions{{row.expected}});
    row.seconds += result.stats.elapsed_seconds;
  }
  if (result.violation) {
    row.found = result.violation->finding.property;
    row.schedule_length = result.violation->choices.size();
  }
  return row;
}

std::string note(const Row& row) {
  if (!row.found.empty() && !row.caught()) return " (found " + row.found + ")";
  if (!row.first.empty()) return " (" + row.first + " saw it first)";
  return "";
}

void print_row(const Row& row) {
  std::cout << fmt::format("{:<52} {:<22} {:<8} {:>8} {:>8.1f}s{}\n", row.name, row.expected,
                           row.caught() ? "caught" : "MISSED", row.found.empty() ? std::string("-")
                                                                                 : std::to_string(row.schedule_length),
                           row.seconds, note(row));
}

int run_selftest(const SelftestFlags& flags) {
  std::vector<sim::Scenario> entries;
  for (const auto& mutant : checker::mutants()) entries.push_back(checker::with_mutant(mutant.showcase, mutant));
  for (const auto& scenario : scenarios::all()) {
    if (!scenario->expected_violation.empty()) entries.push_back(*scenario);
  }
  std::cout << fmt::format("{:<52} {:<22} {:<8} {:>8} {:>9}\n", "bug", "expected property", "verdict", "schedule",
                           "time");
  std::size_t missed = 0;
  std::size_t ran = 0;
  for (const auto& scenario : entries) {
    if (!flags.only.empty() && scenario.name.find(flags.only) == std::string::npos) continue;
    ++ran;
    const Row row = run_entry(scenario, flags);
    print_row(row);
    missed += row.caught() ? 0 : 1;
  }
  if (ran == 0) throw core::Error(fmt::format("selftest: no bug matches '{}'", flags.only));
  std::cout << fmt::format("{} of {} bugs caught\n", ran - missed, ran);
  return missed == 0 ? 0 : 1;
}

}  // namespace

void register_selftest(CLI::App& app, Status& status) {
  auto flags = std::make_shared<SelftestFlags>();
  auto* cmd = app.add_subcommand("selftest", "every mutant and bug scenario under the default campaign");
  cmd->add_option("--time-limit", flags->time_limit_seconds, "seconds per bug (default 60)");
  cmd->add_option("--seed", flags->seed, "campaign seed (default 1)");
  cmd->add_option("--jobs", flags->jobs, "threads per campaign (default 1)");
  cmd->add_option("--only", flags->only, "run only the bugs whose name contains this");
  cmd->callback([flags, &status] {
    if (flags->jobs == 0) throw core::Error("--jobs must be at least 1");
    status.code = run_selftest(*flags);
  });
}

}  // namespace frsim::cli
