#include "cli/scenario_name.hpp"

#include <fmt/format.h>

#include "checker/checker.hpp"
#include "core/error.hpp"
#include "scenarios/registry.hpp"

namespace frsim::cli {

std::shared_ptr<const sim::Scenario> scenario_named(std::string_view name) {
  const auto plus = name.find('+');
  const auto base = scenarios::get(name.substr(0, plus));
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
