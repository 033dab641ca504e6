#include "cli/files.hpp"

#include <fstream>

#include <fmt/format.h>

#include "core/error.hpp"

namespace frsim::cli {

namespace fs = std::filesystem;

void require_readable_file(const fs::path& path, std::string_view what) {
  std::error_code error;
  const auto status = fs::status(path, error);
  if (!fs::exists(status)) throw core::Error(fmt::format("{} {}: no such file", what, path.string()));
  if (fs::is_directory(status)) throw core::Error(fmt::format("{} {}: is a directory, not a file", what, path.string()));
  if (!fs::is_regular_file(status)) throw core::Error(fmt::format("{} {}: not a regular file", what, path.string()));
  if (!std::ifstream(path)) throw core::Error(fmt::format("{} {}: cannot be read", what, path.string()));
}

void prepare_report_folder(const fs::path& dir) {
  std::error_code error;
  const fs::path absolute = fs::absolute(dir, error).lexically_normal();
  if (!error && absolute == absolute.root_path()) {
    throw core::Error(fmt::format("--out {}: refusing to write a report into the root folder", dir.string()));
  }
  const auto status = fs::status(dir, error);
  if (fs::exists(status)) {
    if (!fs::is_directory(status)) {
      throw core::Error(fmt::format("--out {}: is a file, not a folder", dir.string()));
    }
    const bool empty = fs::is_empty(dir, error);
    if (!error && !empty && !fs::exists(dir / "report.json")) {
      throw core::Error(fmt::format(
          "--out {}: the folder holds other files and no report.json; refusing to write a report among them "
          "(choose a new or empty folder)",
          dir.string()));
    }
  }
  fs::create_directories(dir, error);
  if (error) throw core::Error(fmt::format("--out {}: cannot create the folder: {}", dir.string(), error.message()));
}

}  // namespace frsim::cli
