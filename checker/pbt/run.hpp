#pragma once
// Running generated programs (issue 5, `frsim pbt`): one case is a ProgramSpec
// driven through the world by its schedule, healed, and judged by every
// property; a campaign is RapidCheck generating cases and, on the first
// failure, shrinking it to a minimal program and schedule.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "checker/checker.hpp"
#include "checker/pbt/generators.hpp"
#include "checker/pbt/program.hpp"
#include "sim/monitor.hpp"

namespace frsim::checker::pbt {

struct CaseResult {
  Choices choices;  // what the schedule applied (index, description)
  std::optional<sim::Finding> finding;
  std::uint64_t event_hash = 0;
  std::vector<sim::Event> events;  // every event of the world, if run with record_events
};

// Builds the scenario (with `mutant` installed on every device, if given),
// applies the schedule's choices, heals, and checks the properties. Throws
// core::Error if the spec is not well formed.
CaseResult run_case(const ProgramSpec& spec, const Mutant* mutant = nullptr, const CheckOptions& check = {},
                    bool record_events = false);

struct PbtOptions {
  int cases = 100;            // RapidCheck's maxSuccess
  int size_max = 20;          // RapidCheck's maxSize: nodes, fires and schedule length grow with it
  std::uint64_t seed = 0;     // RapidCheck's seed: the same seed, the same cases and output
  const Mutant* mutant = nullptr;
  CheckOptions check;
  GenOptions gen;
};

struct PbtFailure {
  ProgramSpec original;  // the first failing case RapidCheck generated
  ProgramSpec minimal;   // after shrinking: still fails
  sim::Finding finding;  // of the minimal case
  CaseResult minimal_run;
  int shrinks = 0;       // accepted shrink steps
};

struct PbtResult {
  int cases_passed = 0;
  std::optional<PbtFailure> failure;
};

// Throws core::Error for options out of range.
PbtResult run_pbt(const PbtOptions& options);

// A failing case as a file `frsim replay` (and `frsim pbt --replay`) reads:
// {"format":"frsim-pbt","version":1,"mutant":name or null,"program":to_json(spec),
//  "event_hash":"<16 hex digits>" (optional: what the run gave, checked on replay)}.
inline constexpr std::string_view case_format = "frsim-pbt";
inline constexpr int case_version = 1;
nlohmann::json case_to_json(const ProgramSpec& spec, const Mutant* mutant,
                            std::optional<std::uint64_t> event_hash = std::nullopt);
// Whether `j` claims to be a case file (its "format" field), as opposed to a
// trace file: what `frsim replay` dispatches on. case_from_json checks the rest.
bool is_case_file(const nlohmann::json& j);
struct CaseFile {
  ProgramSpec spec;
  const Mutant* mutant = nullptr;
  std::optional<std::uint64_t> event_hash;  // run_case(spec, mutant) must give it
};
// Throws core::Error for a malformed file or an unknown mutant.
CaseFile case_from_json(const nlohmann::json& j);

}  // namespace frsim::checker::pbt
