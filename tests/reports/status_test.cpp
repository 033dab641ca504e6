// Property statuses and the verdict (reports/status.hpp): what a run may
// claim about each property, given how it ended.

#include "reports/status.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace frsim::reports {
namespace {

namespace ex = sim::explore;

ex::Result run(bool complete, ex::BudgetHit hit, std::vector<std::uint64_t> judged = {}) {
  ex::Result r;
  r.complete = complete;
  r.budget_hit = hit;
  r.properties = {"glitch-freedom", "convergence", "lo-one-response"};
  r.judged = std::move(judged);
  return r;
}

ex::Result violated(const std::string& property) {
  ex::Result r = run(false, ex::BudgetHit::none);
  r.violation = ex::Violation{};
  r.violation->finding.property = property;
  return r;
}

TEST(PropertyStatus, OnlyACompleteExplorationHolds) {
  const auto complete = run(true, ex::BudgetHit::none);
  EXPECT_EQ(property_status(complete, 0), PropertyStatus::holds);
  EXPECT_EQ(verdict(complete), Verdict::holds);
  for (const auto hit : {ex::BudgetHit::states, ex::BudgetHit::time, ex::BudgetHit::schedules, ex::BudgetHit::memory,
                         ex::BudgetHit::depth, ex::BudgetHit::interrupted}) {
    const auto cut = run(false, hit);
    EXPECT_EQ(property_status(cut, 0), PropertyStatus::incomplete) << ex::to_string(hit);
    EXPECT_EQ(to_text(property_status(cut, 0)), "not violated (incomplete)");
    EXPECT_EQ(verdict(cut), hit == ex::BudgetHit::interrupted ? Verdict::interrupted : Verdict::incomplete);
  }
  // Sampling never covers every schedule, budget or not.
  EXPECT_EQ(property_status(run(false, ex::BudgetHit::none), 1), PropertyStatus::incomplete);
}

TEST(PropertyStatus, AViolationStopsTheOthersBeingJudged) {
  const auto r = violated("convergence");
  EXPECT_EQ(property_status(r, 1), PropertyStatus::violated);
  EXPECT_EQ(property_status(r, 0), PropertyStatus::not_judged_further);
  EXPECT_EQ(property_status(r, 2), PropertyStatus::not_judged_further);
  EXPECT_EQ(verdict(r), Verdict::violated);
}

TEST(PropertyStatus, NeverJudgedIsNotExercised) {
  const auto complete = run(true, ex::BudgetHit::none, {120, 9, 0});
  EXPECT_EQ(property_status(complete, 0), PropertyStatus::holds);
  EXPECT_EQ(property_status(complete, 2), PropertyStatus::not_exercised);
  const auto cut = run(false, ex::BudgetHit::time, {120, 0, 0});
  EXPECT_EQ(property_status(cut, 0), PropertyStatus::incomplete);
  EXPECT_EQ(property_status(cut, 1), PropertyStatus::not_exercised);
  // Not counted (an engine that does not count): every property counts as exercised.
  EXPECT_EQ(property_status(run(true, ex::BudgetHit::none, {}), 2), PropertyStatus::holds);
}

TEST(PropertyStatus, ASometimesThatSomeStateReachedHoldsInAnIncompleteRun) {
  // Index 1 stands for a scenario's `sometimes` property (reachability).
  const auto cut = run(false, ex::BudgetHit::time, {120, 3, 0});
  EXPECT_EQ(property_status(cut, 1, true), PropertyStatus::holds);
  EXPECT_EQ(property_status(cut, 1, false), PropertyStatus::incomplete);  // an `always` seen 3 times proves nothing
  EXPECT_EQ(property_status(cut, 2, true), PropertyStatus::never_reached);
  EXPECT_EQ(property_status(run(false, ex::BudgetHit::interrupted, {120, 3, 0}), 1, true), PropertyStatus::holds);
  // Reached before another property's violation stopped the run: still reached.
  auto stopped = violated("convergence");
  stopped.judged = {120, 3, 0};
  EXPECT_EQ(property_status(stopped, 1, true), PropertyStatus::violated);  // index 1 is convergence here
  stopped.violation->finding.property = "glitch-freedom";
  EXPECT_EQ(property_status(stopped, 1, true), PropertyStatus::holds);
  EXPECT_EQ(property_status(stopped, 2, true), PropertyStatus::not_judged_further);
}

TEST(PropertyStatus, WordsRoundTrip) {
  for (const auto status : {PropertyStatus::holds, PropertyStatus::violated, PropertyStatus::not_exercised,
                            PropertyStatus::incomplete, PropertyStatus::not_judged_further,
                            PropertyStatus::not_checked}) {
    EXPECT_EQ(property_status_from_string(to_string(status)), status);
  }
  EXPECT_FALSE(property_status_from_string("passed").has_value());
  for (const auto v : {Verdict::holds, Verdict::violated, Verdict::incomplete, Verdict::interrupted}) {
    EXPECT_EQ(verdict_from_string(to_string(v)), v);
  }
}

}  // namespace
}  // namespace frsim::reports
