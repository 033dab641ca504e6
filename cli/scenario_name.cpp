#include "cli/scenario_name.hpp"

#include <fmt/format.h>

#include "checker/checker.hpp"
#include "core/error.hpp"

namespace frsim::cli {

namespace {

// One of the program's scenarios, or the showcase of a mutant (the small
// program on which the mutant shows, as frsim selftest runs it).
std::shared_ptr<const sim::Scenario> base_named(std::string_view name, const Scenarios& scenarios) {
  for (const auto& s : scenarios) {
    if (s->name == name) return s;
  }
  for (const auto& m : checker::mutants()) {
    if (m.showcase.name == name) return std::make_shared<const sim::Scenario>(m.showcase);
  }
  std::string known;
  for (const auto& s : scenarios) known += fmt::format("{}{}", known.empty() ? "" : ", ", s->name);
  throw core::Error(fmt::format("unknown scenario '{}' (known: {})", name, known.empty() ? "none" : known));
}

}  // namespace

std::shared_ptr<const sim::Scenario> scenario_named(std::string_view name, const Scenarios& scenarios) {
  const auto plus = name.find('+');
  const auto base = base_named(name.substr(0, plus), scenarios);
  if (plus == std::string_view::npos) return base;
  const std::string_view mutant_name = name.substr(plus + 1);
  const auto* mutant = checker::find_mutant(mutant_name);
  if (mutant == nullptr) {
    std::string known;
    for (const auto& m : checker::mutants()) known += fmt::format("{}{}", known.empty() ? "" : ", ", m.name);
    throw core::Error(fmt::format("unknown mutant '{}' (known: {})", mutant_name, known));
  }
  return std::make_shared<const sim::Scenario>(checker::with_mutant(*base, *mutant));
}

}  // namespace frsim::cli
