// frsim::cli::run: the CLI11 app, its subcommands, and one place that turns
// every failure into one line on stderr and an exit status (nothing aborts).

#include "cli/cli.hpp"

#include <exception>
#include <filesystem>
#include <iostream>
#include <new>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli/commands.hpp"
#include "core/error.hpp"
#include "reports/version.hpp"

namespace frsim::cli {

namespace {

// One line: a multi-line message (a report's list of problems) folded.
std::string one_line(std::string text) {
  for (auto& c : text) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return text;
}

std::string command_names(const CLI::App& app) {
  std::string names;
  for (const auto* sub : app.get_subcommands({})) names += fmt::format("{}{}", names.empty() ? "" : ", ", sub->get_name());
  return names;
}

// `frsim frobnicate`: CLI11 would say "A subcommand is required"; say what is wrong.
void check_command(const CLI::App& app, int argc, const char* const argv[]) {
  const std::string program = app.get_name();
  if (argc < 2) {
    throw core::Error(fmt::format("a command is required: {} (see {} --help)", command_names(app), program));
  }
  const std::string first = argv[1];
  if (first == "-h" || first == "--help" || first == "--version") return;
  if (!first.empty() && first[0] == '-') {
    throw core::Error(fmt::format("unknown option '{}' before the command (options: --help, --version; commands: {})",
                                  first, command_names(app)));
  }
  for (const auto* sub : app.get_subcommands({})) {
    if (sub->get_name() == first) return;
  }
  throw core::Error(fmt::format("unknown command '{}' (commands: {}; see {} --help)", first, command_names(app), program));
}

std::string version_text(const std::string& program) {
  const std::string frsim = fmt::format("frsim {} (commit {})", reports::frsim_version(), reports::frsim_commit());
  return program == "frsim" ? frsim : fmt::format("{}: {}", program, frsim);
}

}  // namespace

int run(int argc, const char* const argv[], const Scenarios& scenarios) {
  const std::string program =
      argc > 0 && argv[0] != nullptr ? std::filesystem::path(argv[0]).filename().string() : std::string("frsim");
  try {
    Context context{scenarios, program.empty() ? std::string("frsim") : program, {}, 0};
    for (int i = 0; i < argc; ++i) context.command_line.emplace_back(argv[i] != nullptr ? argv[i] : "");
    if (!context.command_line.empty()) context.command_line[0] = context.program;
    CLI::App app{"frsim: deterministic simulation and model checking of fault-tolerant distributed reactive programs"};
    app.name(context.program);
    app.set_version_flag("--version", version_text(context.program), "print the frsim version and commit, then exit");
    app.footer(
        "Exit status: 0 every property holds (or the command did what it was asked), 1 a property is violated "
        "(the output ends with the replay line), 2 bad input or a command that could not run (one line on stderr), "
        "130 / 143 explore or run stopped by SIGINT / SIGTERM (explore's report is written).");
    app.require_subcommand(1);
    register_list(app, context);
    register_run(app, context);
    register_replay(app, context);
    register_shrink(app, context);
    register_pbt(app, context);
    register_bench(app, context);
    register_explore(app, context);
    register_selftest(app, context);
    try {
      check_command(app, argc, argv);
      app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
      return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
      return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
      return app.exit(e);
    } catch (const CLI::ParseError& e) {
      std::cerr << fmt::format("{}: {} (see {} --help)\n", context.program, one_line(e.what()), context.program);
      return 2;
    }
    return context.code;
  } catch (const core::Error& e) {
    std::cerr << program << ": " << one_line(e.what()) << "\n";
    return 2;
  } catch (const std::bad_alloc&) {
    std::cerr << program << ": out of memory\n";
    return 2;
  } catch (const std::exception& e) {
    // Not bad input but a failure frsim did not foresee: still one line, never an abort.
    std::cerr << program << ": internal error: " << one_line(e.what()) << "\n";
    return 2;
  } catch (...) {
    std::cerr << program << ": internal error (an unknown exception)\n";
    return 2;
  }
}

}  // namespace frsim::cli
