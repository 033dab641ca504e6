// frsim pbt [--cases N] [--max-size N] [--seed N] [--mutant NAME] [-o FILE]:
// property-based test runs over generated programs (issue 5). RapidCheck
// generates programs, workloads, worlds and schedules; every case is judged by
// every property; the first failure is shrunk to a minimal program and
// schedule, printed as a pasteable scenario, and written to a case file that
// `frsim replay FILE` re-runs (`frsim pbt --replay FILE` is an alias).
//
// Exit statuses: 0 every case holds (or the replayed case holds), 1 a property
// failed, 2 bad input.

#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>

#include <fmt/format.h>

#include "cli/cmd_pbt.hpp"

#include "checker/pbt/run.hpp"
#include "cli/cmd_replay.hpp"
#include "cli/commands.hpp"
#include "cli/files.hpp"
#include "cli/validators.hpp"
#include "core/error.hpp"
#include "sim/event.hpp"

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

int replay_flag(const PbtFlags& flags) {
  require_readable_file(flags.replay, "pbt --replay:");
  auto file = read_pbt_case(flags.replay);
  if (!file) {
    throw core::Error(fmt::format("{}: not a pbt case file (JSON with \"format\": \"{}\"); frsim replay reads trace files",
                                  flags.replay, checker::pbt::case_format));
  }
  if (!flags.mutant.empty()) {
    file->mutant = mutant_of(flags.mutant);
    file->event_hash.reset();  // another engine: other events
  }
  return replay_pbt_case(*file);
}

std::string reproduce_line(const PbtFlags& flags, const std::string& program) {
  std::string line = fmt::format("{} pbt --seed {} --cases {} --max-size {}", program, flags.seed, flags.cases,
                                 flags.size_max);
  if (!flags.mutant.empty()) line += fmt::format(" --mutant {}", flags.mutant);
  return line;
}

int campaign(const PbtFlags& flags, const std::string& program) {
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
  // The violation stands whether or not its case file can be written: exit 1
  // either way, the failed write a line on stderr.
  std::ofstream out(flags.output);
  out << checker::pbt::case_to_json(f.minimal, options.mutant, f.minimal_run.event_hash).dump(2) << "\n";
  out.close();
  if (out) {
    std::cout << fmt::format("replay: {} replay {}\n", program, flags.output);
  } else {
    std::cerr << fmt::format("{}: pbt: cannot write the case file {} (the violation above stands; rerun with "
                             "another -o to get it)\n",
                             program, flags.output);
  }
  std::cout << fmt::format("reproduce the search: {}\n", reproduce_line(flags, program));
  return 1;
}

}  // namespace

std::optional<checker::pbt::CaseFile> read_pbt_case(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
  if (!checker::pbt::is_case_file(j)) return std::nullopt;
  try {
    return checker::pbt::case_from_json(j);
  } catch (const core::Error& e) {
    throw core::Error(fmt::format("{}: {}", path.string(), e.what()));
  }
}

int replay_pbt_case(const checker::pbt::CaseFile& file) {
  const auto result = checker::pbt::run_case(file.spec, file.mutant, {}, /*record_events=*/true);
  // Lemma 4.12 (determinism): the same program and schedule, the same events.
  if (file.event_hash && *file.event_hash != result.event_hash) {
    throw core::Error(fmt::format("pbt case diverges: event hash {}, the case file says {}",
                                  sim::hex16(result.event_hash), sim::hex16(*file.event_hash)));
  }
  for (const auto& e : result.events) std::cout << event_line(e) << "\n";
  std::cout << "choices applied:\n";
  for (const auto& [index, text] : result.choices) std::cout << fmt::format("  [{}] {}\n", index, text);
  std::cout << fmt::format("pbt case{}: {} nodes, {} choices, {} events, event hash {}\n",
                           file.mutant ? fmt::format(" with {}", file.mutant->name) : std::string(),
                           file.spec.nodes.size(), result.choices.size(), result.events.size(),
                           sim::hex16(result.event_hash));
  if (!result.finding) {
    std::cout << "every property holds\n";
    return 0;
  }
  print_finding(*result.finding);
  return 1;
}

void register_pbt(CLI::App& app, Context& context) {
  auto flags = std::make_shared<PbtFlags>();
  auto* cmd = app.add_subcommand("pbt", "property-based test runs over generated programs, workloads and schedules");
  cmd->add_option("--cases", flags->cases, "how many generated cases must hold")
      ->check(Decimal)->check(CLI::Range(1, 1000000))
      ->capture_default_str();
  cmd->add_option("--max-size", flags->size_max, "largest size: nodes per program, fires, schedule length")
      ->check(Decimal)->check(CLI::Range(1, 1000))
      ->capture_default_str();
  cmd->add_option("--seed", flags->seed, "RapidCheck's seed (same seed, same cases, same output)")
      ->check(Decimal)
      ->capture_default_str();
  std::vector<std::string> mutant_names;
  for (const auto& m : checker::mutants()) mutant_names.push_back(m.name);
  cmd->add_option("--mutant", flags->mutant, "install an engine mutant of the bug zoo on every device")
      ->check(CLI::IsMember(mutant_names))
      ->default_str("none");
  cmd->add_option("-o,--output", flags->output, "where to write a failing case")->capture_default_str();
  cmd->add_option("--replay", flags->replay,
                  "re-run a case file written by a failing pbt run (as frsim replay does; --mutant overrides its mutant)");
  cmd->footer("Exit status: 0 every case holds, 1 a case failed (also when its case file cannot be written), 2 bad "
              "input.");
  cmd->callback([flags, &context] {
    context.code = flags->replay.empty() ? campaign(*flags, context.program) : replay_flag(*flags);
  });
}

}  // namespace frsim::cli
