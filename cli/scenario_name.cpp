#include "cli/scenario_name.hpp"

#include <fmt/format.h>

#include "checker/checker.hpp"
#include "core/error.hpp"
#include "scenarios/registry.hpp"

namespace frsim::cli {

namespace {

// A built-in scenario, or the showcase of a mutant (the small program on which
// the mutant shows, as frsim selftest runs it).
std::shared_ptr<const sim::Scenario> base_named(std::string_view name) {
  if (auto s = scenarios::find(name)) return s;
  for (const auto& m : checker::mutants()) {
    if (m.showcase.name == name) return std::make_shared<const sim::Scenario>(m.showcase);
  }
  return scenarios::get(name);  // throws, naming the known scenarios
}

}  // namespace

std::shared_ptr<const sim::Scenario> scenario_named(std::string_view name) {
  const auto plus = name.find('+');
  const auto base = base_named(name.substr(0, plus));
  if (plus == std::string_view::npos) return base;
  const std::string_view mutant_name = name.substr(plus + 1);
  const auto* mutant = checker::find_mutant(mutant_name);
  if (mutant == nullptr) {
    std::string known;
    for (const auto& m : checker::mutants()) {
      if (!known.empty()) known += ", ";
      known += m.name;
    }
    throw core::Error(fmt::format("unknown mutant '{}' (known: {})", mutant_name, known));
  }
  return std::make_shared<const sim::Scenario>(checker::with_mutant(*base, *mutant));
}

}  // namespace frsim::cli
