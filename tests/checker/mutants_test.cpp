// The bug zoo: every engine mutant is caught by its property on its showcase,
// and the showcase without the mutant passes every property.

#include <gtest/gtest.h>

#include "scenarios/registry.hpp"
#include "support.hpp"

namespace frsim::checker {
namespace {

TEST(Mutants, EveryIssueMutantIsRegisteredWithAKnownProperty) {
  const std::vector<std::string> expected = {
      "mutant-breadth-first",     "mutant-double-fold",          "mutant-snapshot-no-folds",
      "mutant-nonatomic-commit",  "mutant-receive-no-propagate", "mutant-flatten-early",
      "mutant-merge-not-idempotent"};
  for (const auto& name : expected) {
    const Mutant* m = find_mutant(name);
    ASSERT_NE(m, nullptr) << name;
    const auto& props = all_properties();
    EXPECT_TRUE(std::any_of(props.begin(), props.end(), [&](const PropertyInfo& p) { return p.name == m->expected_property; }))
        << m->expected_property;
  }
  EXPECT_EQ(find_mutant("mutant-none"), nullptr);
}

class EachMutant : public ::testing::TestWithParam<std::string> {};

TEST_P(EachMutant, ShowcaseHoldsEveryPropertyWithoutTheMutant) {
  const Mutant& m = *find_mutant(GetParam());
  EXPECT_FALSE(testing::search(m.showcase, m.showcase.defaults, 25).has_value());
}

TEST_P(EachMutant, IsCaughtByItsExpectedProperty) {
  const Mutant& m = *find_mutant(GetParam());
  const auto broken = with_mutant(m.showcase, m);
  EXPECT_EQ(broken.expected_violation, m.expected_property);
  const auto found = testing::search(broken, broken.defaults, 200, CheckOptions{{m.expected_property}});
  ASSERT_TRUE(found.has_value()) << m.name << " not caught by " << m.expected_property;
  EXPECT_EQ(found->finding->property, m.expected_property);
  EXPECT_FALSE(found->finding->message.empty());
}

INSTANTIATE_TEST_SUITE_P(Zoo, EachMutant,
                         ::testing::Values("mutant-breadth-first", "mutant-double-fold", "mutant-snapshot-no-folds",
                                           "mutant-nonatomic-commit", "mutant-receive-no-propagate",
                                           "mutant-flatten-early", "mutant-merge-not-idempotent"),
                         [](const auto& info) {
                           std::string name = info.param;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

TEST(BugScenarios, LocalFoldIsCaughtByConvergence) {
  auto s = scenarios::get("bug-local-fold");
  ASSERT_EQ(s->expected_violation, "convergence");
  const auto found = testing::search(*s, s->defaults, 100, CheckOptions{{"convergence"}});
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->finding->reactive, "updates_seen");
}

}  // namespace
}  // namespace frsim::checker
