#pragma once
// The `frsim` subcommands. Each cmd_<name>.cpp defines one register_<name>()
// that adds its subcommand to the app; main.cpp calls them all. The callback
// runs the command and stores its exit status in `status`.
//
// Exit statuses: 0 success, 1 a property violated (explore, replay, pbt,
// selftest: a missed bug), 2 bad input
// (flags, unknown scenario, impossible budget, malformed or diverging trace).
// Commands report bad input by throwing core::Error; main prints one line.

#include <CLI/CLI.hpp>

namespace frsim::cli {

struct Status {
  int code = 0;
};

void register_list(CLI::App& app, Status& status);
void register_run(CLI::App& app, Status& status);
void register_replay(CLI::App& app, Status& status);
void register_shrink(CLI::App& app, Status& status);
void register_pbt(CLI::App& app, Status& status);
void register_bench(CLI::App& app, Status& status);
void register_explore(CLI::App& app, Status& status);
void register_selftest(CLI::App& app, Status& status);

}  // namespace frsim::cli
