// Shrinking never lengthens a trace, and the shrunk trace still fails on replay.

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "scenarios/registry.hpp"
#include "support.hpp"

namespace frsim::checker {
namespace {

void expect_shrinks(const sim::Scenario& s, const std::string& property, std::uint64_t seeds) {
  const auto found = testing::search(s, s.defaults, seeds, {{property}});
  ASSERT_TRUE(found.has_value()) << s.name;
  // Find the seed again to shrink from the same world.
  for (std::uint64_t seed = 1; seed <= seeds; ++seed) {
    const auto run = testing::random_run(s, s.defaults, seed, {{property}});
    if (!run.finding) continue;
    const auto shrunk = shrink(s, s.defaults, seed, run.choices, property);
    EXPECT_LE(shrunk.choices.size(), run.choices.size());
    EXPECT_EQ(shrunk.finding.property, property);
    const auto again = replay(s, s.defaults, seed, shrunk.choices, {{property}});
    ASSERT_TRUE(again.finding.has_value());
    EXPECT_EQ(again.finding->property, property);
    EXPECT_EQ(again.applied.size(), shrunk.choices.size());
    return;
  }
}

TEST(Shrink, RestorationCounterexampleShrinksAndStillFails) {
  const Mutant& m = *find_mutant("mutant-snapshot-no-folds");
  expect_shrinks(with_mutant(m.showcase, m), "restoration", 100);
}

TEST(Shrink, ConvergenceCounterexampleShrinksAndStillFails) {
  expect_shrinks(*scenarios::get("bug-local-fold"), "convergence", 100);
}

TEST(Shrink, MinimalRestorationTraceIsFireCrashRestartShort) {
  // Restoration needs at least: a fire that changes the fold, and a crash (restart happens in healing).
  const Mutant& m = *find_mutant("mutant-snapshot-no-folds");
  const auto s = with_mutant(m.showcase, m);
  for (std::uint64_t seed = 1; seed <= 100; ++seed) {
    const auto run = testing::random_run(s, s.defaults, seed, {{"restoration"}});
    if (!run.finding) continue;
    const auto shrunk = shrink(s, s.defaults, seed, run.choices, "restoration");
    EXPECT_LE(shrunk.choices.size(), 2u);
    return;
  }
  FAIL() << "no restoration counterexample found";
}

TEST(Shrink, RefusesAScheduleThatDoesNotFail) {
  const auto s = scenarios::get("counter");
  EXPECT_THROW(shrink(*s, s->defaults, 1, {}, "convergence"), core::Error);
}

}  // namespace
}  // namespace frsim::checker
