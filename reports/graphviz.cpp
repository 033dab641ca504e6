#include "reports/graphviz.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace frsim::reports {

namespace {

namespace fs = std::filesystem;

// A temporary file removed on scope exit; mkstemp picks a fresh name.
class TempFile {
 public:
  TempFile() {
    std::string pattern = (fs::temp_directory_path() / "frsim-dot-XXXXXX").string();
    const int fd = ::mkstemp(pattern.data());
    if (fd >= 0) {
      ::close(fd);
      path_ = pattern;
    }
  }
  ~TempFile() {
    if (!path_.empty()) {
      std::error_code ignored;
      fs::remove(path_, ignored);
    }
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;

  bool ok() const { return !path_.empty(); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

bool run(const std::string& executable, const std::string& input, const std::string& output) {
  posix_spawn_file_actions_t actions;
  if (posix_spawn_file_actions_init(&actions) != 0) return false;
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, input.c_str(), O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, output.c_str(),
                                   O_WRONLY | O_TRUNC, 0);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  std::string arg0 = executable;
  std::string arg1 = "-Tsvg";
  char* argv[] = {arg0.data(), arg1.data(), nullptr};
  pid_t pid = 0;
  const int spawned = posix_spawn(&pid, executable.c_str(), &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) return false;
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return false;
  }
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

}  // namespace

std::optional<std::string> find_on_path(std::string_view name) {
  const char* path = std::getenv("PATH");
  if (path == nullptr || name.empty()) return std::nullopt;
  std::string_view dirs = path;
  while (true) {
    const auto colon = dirs.find(':');
    const std::string_view dir = dirs.substr(0, colon);
    if (!dir.empty()) {
      const fs::path candidate = fs::path(dir) / name;
      std::error_code ec;
      if (fs::is_regular_file(candidate, ec) && ::access(candidate.c_str(), X_OK) == 0) {
        return candidate.string();
      }
    }
    if (colon == std::string_view::npos) return std::nullopt;
    dirs.remove_prefix(colon + 1);
  }
}

std::optional<std::string> run_dot_svg(const std::string& dot_executable,
                                       std::string_view dot_source) {
  TempFile input;
  TempFile output;
  if (!input.ok() || !output.ok()) return std::nullopt;
  {
    std::ofstream out(input.path(), std::ios::binary);
    out.write(dot_source.data(), static_cast<std::streamsize>(dot_source.size()));
    if (!out) return std::nullopt;
  }
  if (!run(dot_executable, input.path(), output.path())) return std::nullopt;
  std::ifstream in(output.path(), std::ios::binary);
  std::ostringstream svg;
  svg << in.rdbuf();
  std::string text = svg.str();
  // Everything before <svg is prolog, DOCTYPE and generator comments, none of
  // which may appear inside an HTML body.
  const auto start = text.find("<svg");
  const auto end = text.rfind("</svg>");
  if (start == std::string::npos || end == std::string::npos || end < start) return std::nullopt;
  return text.substr(start, end + 6 - start);
}

}  // namespace frsim::reports
