#include "scenarios/registry.hpp"

#include <algorithm>
#include <cassert>
#include <string>

#include "core/error.hpp"
#include "scenarios/builtins.hpp"

namespace frsim::scenarios {

namespace {

std::vector<std::shared_ptr<const sim::Scenario>> build() {
  std::vector<std::shared_ptr<const sim::Scenario>> list;
#define FRSIM_SCENARIO(function) list.push_back(std::make_shared<const sim::Scenario>(function()));
#include "scenarios/list.inc"
#undef FRSIM_SCENARIO
  std::sort(list.begin(), list.end(), [](const auto& a, const auto& b) { return a->name < b->name; });
  for (std::size_t i = 1; i < list.size(); ++i) assert(list[i - 1]->name != list[i]->name);
  return list;
}

}  // namespace

const std::vector<std::shared_ptr<const sim::Scenario>>& all() {
  // Immutable after construction (a function-local constant, not mutable state).
  static const auto scenarios = build();
  return scenarios;
}

std::shared_ptr<const sim::Scenario> find(std::string_view name) {
  for (const auto& s : all()) {
    if (s->name == name) return s;
  }
  return nullptr;
}

std::shared_ptr<const sim::Scenario> get(std::string_view name) {
  if (auto s = find(name)) return s;
  std::string known;
  for (const auto& s : all()) {
    if (!known.empty()) known += ", ";
    known += s->name;
  }
  std::string message = "unknown scenario '";
  message += name;
  message += "' (known: ";
  message += known;
  message += ")";
  throw core::Error(message);
}

}  // namespace frsim::scenarios
