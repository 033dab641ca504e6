// frsim pbt [--cases N] [--max-size N] [--seed N] [--mutant NAME] [-o FILE]:
// property-based test runs over generated programs (issue 5). RapidCheck
// generates programs, workloads, worlds and schedules; every case is judged by
// every property; the first failure is shrunk to a minimal program and
// schedule, printed as a pasteable scenario, and written to a case file that
// `frsim pbt --replay FILE` re-runs.
//
// Exit statuses: 0 every case holds (or the replayed case holds), 1 a property
// failed, 2 bad input.

#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>

#include <fmt/format.h>

#include "checker/pbt/run.hpp"
#include "cli/commands.hpp"
#include "core/error.hpp"

namespace frsim::cli {

namespace {

struct PbtFlags {
  int cases = 100;
  int size_max = 20;
  std::uint64_t seed = 0;
  std::string mutant;
  std::string output = "pbt-failure.json";
  std::string replay;
};

const checker::Mutant* mutant_of(const std::string& name) {
  if (name.empty()) return nullptr;
  const auto* mutant = checker::find_mutant(name);
  if (mutant != nullptr) return mutant;
  std::string known;
  for (const auto& m : checker::mutants()) {
    if (!known.empty()) known += ", ";
    known += m.name;
  }
  throw core::Error(fmt::format("unknown mutant '{}' (known: {})", name, known));
}

void print_finding(const sim::Finding& finding) {
  std::cout << fmt::format("violated: {}\n  {}\n", finding.property, finding.message);
}

int replay_case(const PbtFlags& flags) {
  std::ifstream in(flags.replay);
  if (!in) throw core::Error(fmt::format("cannot read {}", flags.replay));
  nlohmann::json j;
  try {
    in >> j;
  } catch (const nlohmann::json::exception& e) {
    throw core::Error(fmt::format("{}: malformed JSON: {}", flags.replay, e.what()));
  }
  auto file = checker::pbt::case_from_json(j);
  if (!flags.mutant.empty()) file.mutant = mutant_of(flags.mutant);
  const auto result = checker::pbt::run_case(file.spec, file.mutant);
  std::cout << fmt::format("case{}: {} nodes, {} choices applied, event hash {:016x}\n",
                           file.mutant ? fmt::format(" with {}", file.mutant->name) : std::string(), file.spec.nodes.size(),
                           result.choices.size(), result.event_hash);
  for (const auto& [index, text] : result.choices) std::cout << fmt::format("  [{}] {}\n", index, text);
  if (!result.finding) {
    std::cout << "every property holds\n";
    return 0;
  }
  print_finding(*result.finding);
  return 1;
}

std::string reproduce_line(const PbtFlags& flags) {
  std::string line = fmt::format("frsim pbt --seed {} --cases {} --max-size {}", flags.seed, flags.cases,
                                 flags.size_max);
  if (!flags.mutant.empty()) line += fmt::format(" --mutant {}", flags.mutant);
  return line;
}

int campaign(const PbtFlags& flags) {
  checker::pbt::PbtOptions options;
  options.cases = flags.cases;
  options.size_max = flags.size_max;
  options.seed = flags.seed;
  options.mutant = mutant_of(flags.mutant);
  const auto result = checker::pbt::run_pbt(options);
  if (!result.failure) {
    std::cout << fmt::format("pbt: {} cases, every property holds (seed {}, max size {}{})\n", result.cases_passed,
                             flags.seed, flags.size_max, flags.mutant.empty() ? std::string() : fmt::format(", mutant {}", flags.mutant));
    return 0;
  }
  const auto& f = *result.failure;
  std::cout << fmt::format("pbt: {} cases held, then a case failed (seed {}, max size {})\n", result.cases_passed,
                           flags.seed, flags.size_max);
  print_finding(f.finding);
  std::cout << fmt::format("shrunk by RapidCheck in {} steps: {} -> {} nodes, {} -> {} schedule choices\n",
                           f.shrinks, f.original.nodes.size(), f.minimal.nodes.size(), f.original.schedule.size(),
                           f.minimal.schedule.size());
  std::cout << "minimal program:\n" << checker::pbt::describe(f.minimal);
  std::cout << "schedule applied:\n";
  for (const auto& [index, text] : f.minimal_run.choices) std::cout << fmt::format("  [{}] {}\n", index, text);
  std::cout << "as a scenario (paste into a file that includes checker/pbt/program.hpp):\n"
            << checker::pbt::to_cpp(f.minimal);
  std::ofstream out(flags.output);
  if (!out) throw core::Error(fmt::format("cannot write {}", flags.output));
  out << checker::pbt::case_to_json(f.minimal, options.mutant).dump(2) << "\n";
  std::cout << fmt::format("replay: frsim pbt --replay {}\n", flags.output);
  std::cout << fmt::format("reproduce the search: {}\n", reproduce_line(flags));
  return 1;
}

}  // namespace

void register_pbt(CLI::App& app, Status& status) {
  auto flags = std::make_shared<PbtFlags>();
  auto* cmd = app.add_subcommand("pbt", "property-based test runs over generated programs, workloads and schedules");
  cmd->add_option("--cases", flags->cases, "how many generated cases must hold")->check(CLI::Range(1, 1000000));
  cmd->add_option("--max-size", flags->size_max, "largest size: nodes per program, fires, schedule length")
      ->check(CLI::Range(1, 1000));
  cmd->add_option("--seed", flags->seed, "RapidCheck's seed (same seed, same cases, same output)");
  cmd->add_option("--mutant", flags->mutant, "install an engine mutant of the bug zoo on every device");
  cmd->add_option("-o,--output", flags->output, "where to write a failing case (default pbt-failure.json)");
  cmd->add_option("--replay", flags->replay, "re-run a case file written by a failing pbt run");
  cmd->callback([flags, &status] { status.code = flags->replay.empty() ? campaign(*flags) : replay_case(*flags); });
}

}  // namespace frsim::cli
