// frsim list: one scenario per line, name then description.

#include <iostream>

#include <fmt/format.h>

#include "cli/commands.hpp"
#include "scenarios/registry.hpp"

namespace frsim::cli {

void register_list(CLI::App& app, Status& status) {
  auto* cmd = app.add_subcommand("list", "list the built-in scenarios");
  cmd->callback([&status] {
    std::size_t width = 0;
    for (const auto& s : scenarios::all()) width = std::max(width, s->name.size());
    for (const auto& s : scenarios::all()) {
      std::cout << fmt::format("{:<{}}  {}\n", s->name, width, s->description);
    }
    status.code = 0;
  });
}

}  // namespace frsim::cli
