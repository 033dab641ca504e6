#pragma once
// Paths a command reads or writes, checked before anything reads them: a
// directory read as a trace file would otherwise surface as an
// std::ios_failure deep inside a reader.

#include <filesystem>
#include <string_view>

namespace frsim::cli {

// Throws core::Error ("<what> <path>: no such file", "... is a directory,
// not a file", "... cannot be read") unless `path` is a readable file.
void require_readable_file(const std::filesystem::path& path, std::string_view what);

// A report folder `frsim explore` may write into: new, empty, or holding an
// earlier report (report.json). Refuses "/", a file, and a folder of other
// things (--out . in a source tree), so a report never scatters its files
// among someone else's. Creates it. Throws core::Error.
void prepare_report_folder(const std::filesystem::path& dir);

}  // namespace frsim::cli
