#include "reports/status.hpp"

#include <array>
#include <utility>

namespace frsim::reports {

namespace {

namespace ex = sim::explore;

// (status, report.json's word, a person's words), in enum order.
constexpr std::array<std::pair<std::string_view, std::string_view>, 7> status_names{{
    {"holds", "holds"},
    {"violated", "VIOLATED"},
    {"not_exercised", "not exercised"},
    {"not_violated_incomplete", "not violated (incomplete)"},
    {"not_judged_further", "not judged further"},
    {"not_checked", "not checked"},
    {"never_reached", "never reached"},
}};

constexpr std::array<std::string_view, 5> verdict_names{"holds", "violated", "incomplete", "interrupted", "unreached"};

}  // namespace

PropertyStatus property_status(const ex::Result& result, std::size_t index, bool reachability) {
  const std::string& name = result.properties.at(index);
  // A `sometimes` claims that some state satisfies it: one such state is the
  // whole proof, whatever stopped the run afterwards (a budget, a signal,
  // another property's violation). Its judged count is the states that did.
  const bool reached = reachability && index < result.judged.size() && result.judged[index] > 0;
  if (result.violation) {
    if (result.violation->finding.property == name) return PropertyStatus::violated;
    return reached ? PropertyStatus::holds : PropertyStatus::not_judged_further;
  }
  if (reached) return PropertyStatus::holds;
  if (index < result.judged.size() && result.judged[index] == 0) {
    return reachability ? PropertyStatus::never_reached : PropertyStatus::not_exercised;
  }
  return result.complete ? PropertyStatus::holds : PropertyStatus::incomplete;
}

std::string_view to_string(PropertyStatus status) { return status_names.at(static_cast<std::size_t>(status)).first; }
std::string_view to_text(PropertyStatus status) { return status_names.at(static_cast<std::size_t>(status)).second; }

std::optional<PropertyStatus> property_status_from_string(std::string_view name) {
  for (std::size_t i = 0; i < status_names.size(); ++i) {
    if (status_names[i].first == name) return static_cast<PropertyStatus>(i);
  }
  return std::nullopt;
}

Verdict verdict(const ex::Result& result) {
  if (result.violation) return Verdict::violated;
  if (result.complete) return Verdict::holds;
  return result.budget_hit == ex::BudgetHit::interrupted ? Verdict::interrupted : Verdict::incomplete;
}

std::string_view to_string(Verdict verdict) { return verdict_names.at(static_cast<std::size_t>(verdict)); }

std::optional<Verdict> verdict_from_string(std::string_view name) {
  for (std::size_t i = 0; i < verdict_names.size(); ++i) {
    if (verdict_names[i] == name) return static_cast<Verdict>(i);
  }
  return std::nullopt;
}

}  // namespace frsim::reports
