#pragma once
// pbt case files (written by a failing `frsim pbt`), replayed by `frsim
// replay FILE` — which tells them from trace files by their "format" field —
// and by its alias `frsim pbt --replay FILE`.

#include <filesystem>
#include <optional>

#include "checker/pbt/run.hpp"

namespace frsim::cli {

// The case in `path`, or nullopt if the file is not a pbt case file (not
// readable, not JSON, or another format: the trace reader reports those).
// Throws core::Error for a file that claims to be a case file and is not a
// well-formed one.
std::optional<checker::pbt::CaseFile> read_pbt_case(const std::filesystem::path& path);

// Re-runs the case's schedule on its generated program (with its mutant, if
// any) and prints the events, the choices applied and the verdict. Returns the
// exit status: 1 if a property is violated, 0 if every property holds. Throws
// core::Error if the run's event hash is not the file's.
int replay_pbt_case(const checker::pbt::CaseFile& file);

}  // namespace frsim::cli
