#pragma once
// The subcommands. Each cmd_<name>.cpp defines one register_<name>() that
// adds its subcommand to the app; cli.cpp calls them all. The callback runs
// the command and stores its exit status in `context.code`.
//
// Exit statuses: 0 success, 1 a property violated (explore, run, replay, pbt,
// selftest: a missed bug), 2 bad input (flags, unknown scenario, impossible
// budget, malformed or diverging trace), 130/143 explore or run interrupted by
// SIGINT/SIGTERM. Commands report bad input by throwing core::Error; cli.cpp
// prints one line.

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/cli.hpp"

namespace frsim::cli {

struct Context {
  const Scenarios& scenarios;  // what `list` lists and traces may name
  std::string program;         // argv[0]'s file name, for replay lines
  std::vector<std::string> command_line;
  int code = 0;
};

void register_list(CLI::App& app, Context& context);
void register_run(CLI::App& app, Context& context);
void register_replay(CLI::App& app, Context& context);
void register_shrink(CLI::App& app, Context& context);
void register_pbt(CLI::App& app, Context& context);
void register_bench(CLI::App& app, Context& context);
void register_explore(CLI::App& app, Context& context);
void register_selftest(CLI::App& app, Context& context);

}  // namespace frsim::cli
