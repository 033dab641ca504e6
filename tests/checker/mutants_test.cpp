// The bug zoo: every engine mutant is caught by its property on its showcase,
// and the showcase without the mutant passes every property.

#include <algorithm>

#include <gtest/gtest.h>

#include "sim/world.hpp"

#include "scenarios/registry.hpp"
#include "support.hpp"

namespace frsim::checker {
namespace {

TEST(Mutants, EveryIssueMutantIsRegisteredWithAKnownProperty) {
  const std::vector<std::string> expected = {
      "mutant-breadth-first",     "mutant-double-fold",          "mutant-snapshot-no-folds",
      "mutant-nonatomic-commit",  "mutant-receive-no-propagate", "mutant-flatten-early",
      "mutant-merge-not-idempotent", "mutant-no-isolation", "mutant-wrong-write", "mutant-no-promotion",
      "mutant-forget-dynamic-creation"};
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
                                           "mutant-flatten-early", "mutant-merge-not-idempotent",
                                           "mutant-no-isolation", "mutant-wrong-write", "mutant-no-promotion",
                                           "mutant-forget-dynamic-creation"),
                         [](const auto& info) {
                           std::string name = info.param;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

// Lemma 4.13 broken for real: the world offers d0's next fire while its
// propagation runs, and the runtime starts it inside that propagation.
TEST(MutantNoIsolation, AFireDuringAPropagationIsCaughtByIsolation) {
  const Mutant& m = *find_mutant("mutant-no-isolation");
  const auto broken = with_mutant(m.showcase, m);
  const Choices schedule = {{0, "d0 fire click 1"}, {0, "d0 fire click 2"}};
  const auto caught = replay(broken, broken.defaults, 1, schedule);
  ASSERT_EQ(caught.applied.size(), 2u);  // the second fire was enabled mid-propagation
  ASSERT_TRUE(caught.finding.has_value());
  EXPECT_EQ(caught.finding->property, "isolation");
  EXPECT_EQ(caught.finding->device, 0u);
  EXPECT_EQ(caught.finding->reactive, "click");
  EXPECT_NE(caught.finding->message.find("d0: action \"fire click\" started"), std::string::npos)
      << caught.finding->message;
  // Without the mutant the same choices mean something else: the second fire
  // is not enabled until the first commits, so it is left out, and all holds.
  const auto correct = replay(m.showcase, m.showcase.defaults, 1, schedule);
  EXPECT_EQ(correct.applied.size(), 1u);
  EXPECT_FALSE(correct.finding.has_value()) << correct.finding->message;
}

// What the overlap does: the joined fire shares the running propagation, so
// the fold reads only the second click (2, where isolated actions give 3).
TEST(MutantNoIsolation, TheOverlapLosesAnUpdate) {
  const Mutant& m = *find_mutant("mutant-no-isolation");
  for (const bool mutant : {false, true}) {
    const auto s = mutant ? with_mutant(m.showcase, m) : m.showcase;
    sim::World world(s, s.defaults, 1);
    auto fire_next = [&world] {
      const auto enabled = world.enabled();
      const auto it = std::find_if(enabled.begin(), enabled.end(),
                                   [](const sim::Transition& t) { return t.kind == sim::TransitionKind::fire; });
      if (it == enabled.end()) return false;
      world.apply_enabled(enabled, static_cast<std::size_t>(it - enabled.begin()));
      return true;
    };
    ASSERT_TRUE(fire_next());  // d0 fire click 1: the propagation starts
    ASSERT_TRUE(world.device(0).propagating());
    EXPECT_EQ(fire_next(), mutant);  // d0 fire click 2, only enabled with the mutant
    while (world.device(0).propagating()) world.apply_index(0);
    EXPECT_EQ(world.device(0).value("sum"), core::Value::integer(mutant ? 2 : 1));
  }
}

// A receive delivered to a device mid-propagation is an action too: on the
// replicated G-Counter (one click per device) in fine grain, some schedule
// delivers "clicks" to a device whose own fire is still propagating.
TEST(MutantNoIsolation, AReceiveDuringAPropagationIsCaughtByIsolation) {
  const Mutant& m = *find_mutant("mutant-no-isolation");
  auto s = with_mutant(find_mutant("mutant-receive-no-propagate")->showcase, m);
  s.defaults.grain = sim::Grain::fine;
  std::size_t receives = 0;
  for (std::uint64_t seed = 1; seed <= 50; ++seed) {
    const auto r = testing::random_run(s, s.defaults, seed, CheckOptions{{"isolation"}});
    if (!r.finding) continue;
    EXPECT_EQ(r.finding->property, "isolation");
    if (r.finding->reactive == "clicks") ++receives;
  }
  EXPECT_GT(receives, 0u);
  // Without the mutant no receive is ever enabled on a busy device.
  auto correct = find_mutant("mutant-receive-no-propagate")->showcase;
  correct.defaults.grain = sim::Grain::fine;
  EXPECT_FALSE(testing::search(correct, correct.defaults, 50, CheckOptions{{"isolation"}}).has_value());
}

TEST(BugScenarios, LocalFoldIsCaughtByConvergence) {
  auto s = scenarios::get("bug-local-fold");
  ASSERT_EQ(s->expected_violation, "convergence");
  const auto found = testing::search(*s, s->defaults, 100, CheckOptions{{"convergence"}});
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->finding->reactive, "updates_seen");
}

}  // namespace
}  // namespace frsim::checker
