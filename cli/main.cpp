// frsim: deterministic simulation and model checking of fault-tolerant
// distributed reactive programs.

#include <iostream>

#include <CLI/CLI.hpp>

#include "cli/commands.hpp"
#include "core/error.hpp"

int main(int argc, char** argv) {
  CLI::App app{"frsim: deterministic simulation and model checking of fault-tolerant distributed reactive programs"};
  app.footer(
      "Exit status: 0 every property holds (or the command succeeded), 1 a property is violated "
      "(the output ends with the `frsim replay` line), 2 bad input: one line on stderr.");
  app.name("frsim");
  app.require_subcommand(1);
  frsim::cli::Status status;
  frsim::cli::register_list(app, status);
  frsim::cli::register_run(app, status);
  frsim::cli::register_replay(app, status);
  frsim::cli::register_shrink(app, status);
  frsim::cli::register_pbt(app, status);
  frsim::cli::register_bench(app, status);
  frsim::cli::register_explore(app, status);
  frsim::cli::register_selftest(app, status);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // One line, exit 2, for every kind of bad command line.
    std::cerr << "frsim: " << e.what() << " (see frsim --help)\n";
    return 2;
  } catch (const frsim::core::Error& e) {
    std::cerr << "frsim: " << e.what() << "\n";
    return 2;
  }
  return status.code;
}
