// frsim list: one scenario per line, name then description (the program's
// scenarios: the built-in ones for frsim itself).

#include <iostream>

#include <fmt/format.h>

#include "cli/commands.hpp"

namespace frsim::cli {

void register_list(CLI::App& app, Context& context) {
  auto* cmd = app.add_subcommand("list", "list the scenarios");
  cmd->callback([&context] {
    std::size_t width = 0;
    for (const auto& s : context.scenarios) width = std::max(width, s->name.size());
    for (const auto& s : context.scenarios) {
      std::cout << fmt::format("{:<{}}  {}\n", s->name, width, s->description);
    }
    context.code = 0;
  });
}

}  // namespace frsim::cli
