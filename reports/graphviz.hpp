#pragma once
// Graphviz as an optional helper: the HTML report draws the dataflow graph with
// `dot -Tsvg` when dot is installed and falls back to its own layout otherwise.

#include <optional>
#include <string>
#include <string_view>

namespace frsim::reports {

// The full path of an executable `name` found on $PATH, if any.
std::optional<std::string> find_on_path(std::string_view name);

// Runs `dot_executable -Tsvg` on `dot_source` (through temporary files, no
// shell) and returns the <svg> element with the XML prolog, DOCTYPE and
// leading comments stripped; nullopt when dot fails or prints no <svg>.
std::optional<std::string> run_dot_svg(const std::string& dot_executable,
                                       std::string_view dot_source);

}  // namespace frsim::reports
