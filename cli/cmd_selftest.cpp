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
#include "cli/validators.hpp"
#include "core/error.hpp"
#include "sim/explore/explore.hpp"

namespace frsim::cli {

namespace {

namespace ex = sim::explore;

struct SelftestFlags {
  double time_limit_seconds = ex::default_time_limit_seconds;
  std::uint64_t seed = ex::Options{}.seed;
  std::uint32_t jobs = ex::Options{}.jobs;
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
  // The default campaign as `frsim explore <bug>` runs it.
  ex::Options options = ex::default_options(scenario);
  options.seed = flags.seed;
  options.jobs = flags.jobs;
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

int run_selftest(const SelftestFlags& flags, const Scenarios& scenarios) {
  std::vector<sim::Scenario> entries;
  for (const auto& mutant : checker::mutants()) entries.push_back(checker::with_mutant(mutant.showcase, mutant));
  for (const auto& scenario : scenarios) {
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

void register_selftest(CLI::App& app, Context& context) {
  auto flags = std::make_shared<SelftestFlags>();
  auto* cmd = app.add_subcommand(
      "selftest", "every engine mutant and every scenario with an expected violation under the default campaign");
  cmd->add_option("--time-limit", flags->time_limit_seconds, "seconds per bug, 0 for none")
      ->check(Seconds)
      ->capture_default_str();
  cmd->add_option("--seed", flags->seed, "campaign seed")->check(Decimal)->capture_default_str();
  cmd->add_option("--jobs", flags->jobs, "threads per campaign")
      ->check(Decimal)->check(CLI::Range(1U, 256U))
      ->capture_default_str();
  cmd->add_option("--only", flags->only, "run only the bugs whose name contains this")->default_str("all");
  cmd->footer("Exit status: 0 every bug caught, 1 a bug missed (frsim itself is broken), 2 bad input.");
  cmd->callback([flags, &context] { context.code = run_selftest(*flags, context.scenarios); });
}

}  // namespace frsim::cli
