// frsim bench: the benchmarks, through scripts/bench.sh (every contestant,
// pinned to one core, merged into bench/results/latest.{json,md}) or, with
// --binary, this build's frsim_bench directly.

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <regex.h>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli/commands.hpp"
#include "cli/validators.hpp"
#include "core/error.hpp"

extern char** environ;

namespace frsim::cli {

namespace {

struct BenchOptions {
  std::string filter;
  unsigned repetitions = 5;
  bool no_node = false;
  bool binary = false;
};

// Google Benchmark and bench.sh both read the filter as a POSIX extended
// regex; a bad one is bad input, reported before anything is built or run.
// (POSIX regcomp, not std::regex: g++ 12 warns falsely inside <regex> when
// built with sanitizers, and -Werror makes that fatal.)
void check_filter(const std::string& filter) {
  regex_t compiled;
  const int error = regcomp(&compiled, filter.c_str(), REG_EXTENDED | REG_NOSUB);
  if (error != 0) {
    char reason[256];
    regerror(error, &compiled, reason, sizeof reason);
    throw core::Error(fmt::format("bench: --filter '{}' is not a regular expression ({})", filter, reason));
  }
  regfree(&compiled);
}

// The checkout this frsim was built from (scripts/bench.sh lives there).
std::filesystem::path bench_script() {
  return std::filesystem::path(FRSIM_SOURCE_DIR) / "scripts" / "bench.sh";
}

// frsim_bench is built next to frsim (both in the build directory's root).
std::filesystem::path bench_binary() {
  std::error_code error;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", error);
  if (error) throw core::Error(fmt::format("bench: cannot locate the frsim binary ({})", error.message()));
  return self.parent_path() / "frsim_bench";
}

std::vector<std::string> script_command(const BenchOptions& o) {
  const auto script = bench_script();
  if (!std::filesystem::exists(script)) {
    throw core::Error(fmt::format("bench: {} not found (frsim was built from {}); --binary runs frsim_bench directly",
                                  script.string(), FRSIM_SOURCE_DIR));
  }
  std::vector<std::string> command{script.string(), "--repetitions", std::to_string(o.repetitions)};
  if (!o.filter.empty()) command.insert(command.end(), {"--filter", o.filter});
  if (o.no_node) command.emplace_back("--no-node");
  return command;
}

std::vector<std::string> binary_command(const BenchOptions& o) {
  const auto binary = bench_binary();
  if (!std::filesystem::exists(binary)) {
    throw core::Error(fmt::format("bench: {} not found (configure with -DFRSIM_BUILD_BENCH=ON and build frsim_bench)",
                                  binary.string()));
  }
  std::vector<std::string> command{binary.string(), fmt::format("--benchmark_repetitions={}", o.repetitions)};
  if (o.repetitions > 1) command.emplace_back("--benchmark_report_aggregates_only=true");
  if (!o.filter.empty()) command.push_back(fmt::format("--benchmark_filter={}", o.filter));
  return command;
}

// Runs `command` with this process's standard streams (stdout to
// `stdout_path` and stderr to /dev/null when given); its exit status.
int run(const std::vector<std::string>& command, const std::string& stdout_path = {}) {
  std::vector<char*> argv;
  for (const auto& word : command) argv.push_back(const_cast<char*>(word.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (!stdout_path.empty()) {
    // Output captured for frsim to read: the child's own complaints are not the user's message.
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, stdout_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  }
  pid_t pid = 0;
  const int error = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (error != 0) {
    throw core::Error(fmt::format("bench: cannot run {} ({})", command[0], std::strerror(error)));
  }
  int wait_status = 0;
  while (waitpid(pid, &wait_status, 0) < 0) {
    if (errno != EINTR) throw core::Error(fmt::format("bench: lost {} ({})", command[0], std::strerror(errno)));
  }
  if (WIFEXITED(wait_status)) return WEXITSTATUS(wait_status);
  return 128 + WTERMSIG(wait_status);
}

// --binary: a filter that selects no benchmark is bad input, not a run that
// measured nothing (Google Benchmark lists what the filter selects).
void require_matches(const BenchOptions& o) {
  if (o.filter.empty()) return;
  const auto listing = std::filesystem::temp_directory_path() / fmt::format("frsim-bench-list-{}", getpid());
  const int status = run({bench_binary().string(), "--benchmark_list_tests=true",
                          fmt::format("--benchmark_filter={}", o.filter)},
                         listing.string());
  std::ifstream in(listing);
  std::string line;
  bool any = false;
  while (std::getline(in, line)) any = any || !line.empty();
  in.close();
  std::error_code ignored;
  std::filesystem::remove(listing, ignored);
  if (status != 0 || !any) throw core::Error(fmt::format("bench: --filter '{}' matches no benchmark", o.filter));
}

}  // namespace

void register_bench(CLI::App& app, Context& context) {
  auto o = std::make_shared<BenchOptions>();
  auto* cmd = app.add_subcommand(
      "bench",
      "run the propagation benchmarks: scripts/bench.sh (builds frsim_bench with the release preset, runs every "
      "contestant pinned to one core, writes bench/results/latest.{json,md}; see bench/README.md), or with "
      "--binary this build's frsim_bench. Exit status 0 when the benchmarks ran, 2 on bad input or when they "
      "could not run.");
  cmd->add_option("--filter", o->filter,
                  "extended regex; scripts/bench.sh: only shapes whose name matches (e.g. 'deep|cellx'); "
                  "--binary: only benchmarks whose full name matches (Google Benchmark's --benchmark_filter) "
                  "(default: all)");
  cmd->add_option("--repetitions", o->repetitions, "repetitions per benchmark, the best counts")
      ->check(Decimal)->check(CLI::Range(1U, 1000U))
      ->capture_default_str();
  auto* no_node = cmd->add_flag("--no-node", o->no_node,
                                "skip the Node.js peers alien-signals and @preact/signals-core (default: run them)");
  cmd->add_flag("--binary", o->binary,
                "run frsim_bench from frsim's own directory instead of scripts/bench.sh: no rebuild, no Node "
                "peers, Google Benchmark's table on stdout (default: off)")
      ->excludes(no_node);
  cmd->callback([o, &context] {
    if (!o->filter.empty()) check_filter(o->filter);
    const auto command = o->binary ? binary_command(*o) : script_command(*o);
    if (o->binary) require_matches(*o);
    const int exit_status = run(command);
    if (exit_status != 0) {
      throw core::Error(fmt::format("bench: {} ended with exit status {}", command[0], exit_status));
    }
    context.code = 0;
  });
}

}  // namespace frsim::cli
