// The bug zoo under exploration (issue 5, "Tests"): reductions keep every
// verdict, the default campaign catches every zoo entry, and two threads give
// the verdicts of one.
//
// The zoo is enumerated from the registries exactly as `frsim selftest` does
// (every engine mutant on its showcase, every registered scenario with an
// expected violation), so a new entry is covered without touching this file.
// One gtest case per entry: a failure names the entry, and ctest runs them in
// parallel.

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "checker/checker.hpp"
#include "scenarios/registry.hpp"
#include "sim/explore/explore.hpp"

namespace frsim::sim::explore {
namespace {

// The partial-order reductions every verdict is compared across; Por::none is
// the reference. Source-set DPOR is depth-first only: combinations() pairs it
// with dfs alone.
constexpr std::array por_values = {Por::none, Por::sleep, Por::dpor};
constexpr std::array symmetry_values = {false, true};
constexpr std::array exhaustive_strategies = {Strategy::bfs, Strategy::dfs};

// A ceiling, not a bound the runs are meant to reach: a run that hits it fails
// the test (the bounds below must make every run complete or find a bug).
constexpr std::uint64_t states_ceiling = 300'000;

// ---- the zoo, from the registries ---------------------------------------------

// A test parameter: gtest prints it by name.
struct Entry {
  Scenario scenario;
  friend void PrintTo(const Entry& entry, std::ostream* os) { *os << entry.scenario.name; }
};

std::vector<Entry> zoo() {
  std::vector<Entry> out;
  for (const auto& mutant : checker::mutants()) out.push_back({checker::with_mutant(mutant.showcase, mutant)});
  for (const auto& scenario : scenarios::all()) {
    if (!scenario->expected_violation.empty()) out.push_back({*scenario});
  }
  return out;
}

std::vector<Entry> correct_scenarios() {
  std::vector<Entry> out;
  for (const auto& scenario : scenarios::all()) {
    if (scenario->expected_violation.empty()) out.push_back({*scenario});
  }
  return out;
}

// gtest parameter names allow letters, digits and '_' only.
std::string param_name(const ::testing::TestParamInfo<Entry>& info) {
  std::string name = info.param.scenario.name;
  for (char& c : name) {
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!alnum) c = '_';
  }
  return name;
}

// ---- bounds and verdicts ----------------------------------------------------------

Options exhaustive_options(const WorldConfig& world, std::uint64_t depth_max) {
  Options o;
  o.world = world;
  o.seed = 1;
  o.limits.depth_max = depth_max;
  o.limits.states_max = states_ceiling;
  return o;
}

std::string label(const Options& o) {
  return fmt::format("{} por={} symmetry={}", to_string(o.strategy), to_string(o.por), o.symmetry ? "on" : "off");
}

// What a verdict is: violated or not, and which property.
std::string verdict(const Result& r) { return r.violation ? r.violation->finding.property : std::string("holds"); }

std::string describe(const Result& r) {
  std::string text = fmt::format("verdict {}, complete {}, budget {}, {} distinct states, {} transitions, depth {}",
                                 verdict(r), r.complete, to_string(r.budget_hit), r.stats.distinct_states,
                                 r.stats.transitions, r.stats.max_depth);
  if (r.violation) text += fmt::format(" ({} choices: {})", r.violation->choices.size(), r.violation->finding.message);
  return text;
}

// Every run either finds a violation or explores everything within the
// bounds; a run stopped by a budget proves nothing about a verdict.
void expect_conclusive(const Result& r, const Options& o) {
  EXPECT_TRUE(r.violation.has_value() || r.complete) << label(o) << ": inconclusive: " << describe(r);
  EXPECT_EQ(r.budget_hit, BudgetHit::none) << label(o) << ": " << describe(r);
}

// The same, except that DPOR, bounded by the depth of the shortest
// counterexample, may stop at that depth without a violation (and then the
// verdict comparison fails).
void expect_conclusive_or_cut(const Result& r, const Options& o) {
  if (o.por == Por::dpor && !r.violation) return;
  expect_conclusive(r, o);
}

Result run(const Scenario& scenario, const Options& o, const checker::CheckOptions& check = {}) {
  return explore(scenario, o, checker::monitor_factory(scenario, check));
}

// Each zoo entry in its own default world (its devices, fault budgets and
// grain): its bug shows within a few transitions, long before this depth.
constexpr std::uint64_t zoo_depth_max = 16;

// Every combination of exhaustive strategy and reduction, the unreduced bfs first.
std::vector<Options> combinations(const Options& base) {
  std::vector<Options> out;
  for (Strategy strategy : exhaustive_strategies) {
    for (Por por : por_values) {
      if (por == Por::dpor && strategy != Strategy::dfs) continue;
      for (bool symmetry : symmetry_values) {
        Options o = base;
        o.strategy = strategy;
        o.por = por;
        o.symmetry = symmetry;
        out.push_back(o);
      }
    }
  }
  return out;
}

// ---- 1. reductions never change a zoo verdict -----------------------------------

class ZooReduction : public ::testing::TestWithParam<Entry> {};

// With every property watching, every combination reaches the verdict of the
// unreduced bfs (which property sees the bug first is part of the verdict);
// with only the expected property watching, every combination finds it, so
// the comparison is not vacuous even where another property sees the bug first.
TEST_P(ZooReduction, EveryReductionKeepsTheVerdict) {
  const Scenario& scenario = GetParam().scenario;
  ASSERT_FALSE(scenario.expected_violation.empty());
  const checker::CheckOptions expected_only{{scenario.expected_violation}};
  std::optional<std::string> reference;
  // The lengths of the unreduced bfs counterexamples (the shortest there are).
  std::uint64_t shortest_all = zoo_depth_max;
  std::uint64_t shortest_alone = zoo_depth_max;
  for (Options o : combinations(exhaustive_options(scenario.defaults, zoo_depth_max))) {
    // DPOR does not prune by the visited set, so its searches grow with every
    // inequivalent path, not with the states: it runs within the depth of the
    // shortest counterexample, where it must still reach the bug's state.
    if (o.por == Por::dpor) o.limits.depth_max = shortest_all;
    const Result all = run(scenario, o);
    expect_conclusive_or_cut(all, o);
    if (!reference) {
      reference = verdict(all);
      EXPECT_NE(*reference, "holds") << label(o) << ": the bug is not found within the bounds: " << describe(all);
      if (all.violation) shortest_all = std::max<std::uint64_t>(all.violation->choices.size(), 1);
    }
    EXPECT_EQ(verdict(all), *reference) << label(o) << ": " << describe(all);

    if (o.por == Por::dpor) o.limits.depth_max = shortest_alone;
    const Result alone = run(scenario, o, expected_only);
    expect_conclusive_or_cut(alone, o);
    EXPECT_EQ(verdict(alone), scenario.expected_violation) << label(o) << ", expected property only: " << describe(alone);
    if (o.strategy == Strategy::bfs && o.por == Por::none && !o.symmetry && alone.violation) {
      shortest_alone = std::max<std::uint64_t>(alone.violation->choices.size(), 1);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Zoo, ZooReduction, ::testing::ValuesIn(zoo()), param_name);

// ---- 1c. symmetry where it can act ----------------------------------------------

// In the zoo as it is, symmetry finds one class per device (a single device,
// or replicas keyed by device number, or workloads that differ), so its
// comparisons above are trivially equal. Here every device runs device 0's
// workload, on at least two devices. Where the unreduced bfs still finds the
// expected property (or completes without it), symmetry, alone and with
// sleep sets, must reach the same verdict; and on some entries it must really
// have interchangeable devices to reduce.
Scenario interchangeable(Scenario s) {
  auto workload = s.workload;
  s.workload = [workload](std::uint32_t, std::uint32_t devices) { return workload(0, devices); };
  s.defaults.devices = std::max<std::uint32_t>(s.defaults.devices, 2);
  s.name += "-interchangeable";
  return s;
}

bool symmetry_acted(const Result& r) {
  return std::any_of(r.notes.begin(), r.notes.end(), [](const std::string& note) {
    return note.starts_with("symmetry: ") && !note.starts_with("symmetry: off") &&
           !note.starts_with("symmetry: 1 permutations");
  });
}

constexpr std::uint64_t symmetry_states_max = 20'000;

TEST(ZooSymmetry, SymmetryKeepsTheVerdictOfInterchangeableDevices) {
  std::size_t acted = 0;
  std::size_t compared = 0;
  for (const Entry& entry : zoo()) {
    const Scenario scenario = interchangeable(entry.scenario);
    const checker::CheckOptions expected_only{{scenario.expected_violation}};
    Options o = exhaustive_options(scenario.defaults, zoo_depth_max);
    o.limits.states_max = symmetry_states_max;
    const Result plain = run(scenario, o, expected_only);
    if (!plain.violation && !plain.complete) continue;  // too large to compare
    o.limits.states_max = states_ceiling;
    ++compared;
    for (Por por : {Por::none, Por::sleep}) {
      o.por = por;
      o.symmetry = true;
      const Result r = run(scenario, o, expected_only);
      SCOPED_TRACE(fmt::format("{} {}", scenario.name, label(o)));
      expect_conclusive(r, o);
      EXPECT_EQ(verdict(r), verdict(plain)) << describe(r) << " / unreduced: " << describe(plain);
      if (symmetry_acted(r)) {
        ++acted;
        if (!plain.violation) {
          EXPECT_LT(r.stats.distinct_states, plain.stats.distinct_states) << describe(r);
        }
      }
    }
  }
  EXPECT_GT(compared, 0u);
  EXPECT_GT(acted, 0u) << "no zoo entry had interchangeable devices";
  RecordProperty("compared", static_cast<int>(compared));
  RecordProperty("symmetry_acted", static_cast<int>(acted));
}

// ---- 1b. the same, judged only where schedules end ----------------------------------

// With end_every_state (above), most zoo bugs show within a few transitions,
// before the reductions prune much. Here a schedule is judged only where
// nothing is enabled any more, so every run searches to the bottom of the
// space and sleep sets and symmetry have whole interleavings to prune. The
// bounds: the entry's own world, or the same on two devices, whichever is the
// first where the unreduced bfs (only the expected property watching) finds
// the bug within deep_states_max. An entry whose bug lies deeper than that
// (bug-lasp-map-no-metadata: over 150,000 states on two devices) is skipped
// with the reason; test 1 still covers it.
constexpr std::array deep_devices_max = {devices_max, 2U};
constexpr std::uint64_t deep_states_max = 20'000;
constexpr std::uint64_t deep_depth_max = 30;

class ZooDeepReduction : public ::testing::TestWithParam<Entry> {};

TEST_P(ZooDeepReduction, EveryReductionFindsTheBugAtTheEndOfASchedule) {
  const Scenario& scenario = GetParam().scenario;
  const checker::CheckOptions expected_only{{scenario.expected_violation}};
  std::optional<Result> reference;
  Options base;
  for (std::uint32_t devices : deep_devices_max) {
    base = exhaustive_options(scenario.defaults, deep_depth_max);
    base.world.devices = std::min(base.world.devices, devices);
    base.end_every_state = false;
    base.limits.states_max = deep_states_max;
    reference = run(scenario, base, expected_only);
    if (reference->violation || reference->complete) break;
  }
  if (!reference->violation && reference->budget_hit == BudgetHit::states) {
    GTEST_SKIP() << "the bug lies beyond " << deep_states_max << " states: " << describe(*reference);
  }
  ASSERT_EQ(verdict(*reference), scenario.expected_violation) << describe(*reference);
  base.limits.states_max = states_ceiling;
  SCOPED_TRACE(fmt::format("{} devices", base.world.devices));
  for (const Options& o : combinations(base)) {
    const Result r = run(scenario, o, expected_only);
    expect_conclusive(r, o);
    EXPECT_EQ(verdict(r), scenario.expected_violation) << label(o) << ": " << describe(r);
  }
}

INSTANTIATE_TEST_SUITE_P(Zoo, ZooDeepReduction, ::testing::ValuesIn(zoo()), param_name);

// ---- 2. the correct scenarios: complete, hold, and reductions do not add states --

// The built-in applications explode with faults even on two devices, so they
// are explored on small worlds: a prefix of each device's workload, no
// faults, from the first of these bounds whose unreduced search completes
// within correct_states_max. Two devices first, so that sleep sets and
// symmetry have something to reduce; one device if two do not fit.
struct SmallBounds {
  std::uint32_t devices_max;
  std::size_t actions_max;  // per device
};
constexpr std::array small_bounds = {SmallBounds{2, 1}, SmallBounds{1, 1}};
constexpr std::uint64_t correct_states_max = 3000;
constexpr std::uint64_t correct_depth_max = 60;

Scenario with_workload_prefix(Scenario scenario, std::size_t actions_max) {
  scenario.workload = [full = scenario.workload, actions_max](std::uint32_t device, std::uint32_t devices) {
    auto actions = full(device, devices);
    if (actions.size() > actions_max) actions.resize(actions_max);
    return actions;
  };
  return scenario;
}

WorldConfig small_world(const Scenario& scenario, const SmallBounds& bounds) {
  WorldConfig world = scenario.defaults;
  world.devices = std::min(world.devices, bounds.devices_max);
  world.drops = world.dups = world.crashes = world.partitions = 0;
  return world;
}

class CorrectReduction : public ::testing::TestWithParam<Entry> {};

TEST_P(CorrectReduction, EveryCombinationCompletesHoldsAndReducesNothingAway) {
  const Scenario& full = GetParam().scenario;
  ASSERT_TRUE(full.expected_violation.empty());
  std::optional<Scenario> scenario;
  std::optional<Result> reference;
  Options base;
  for (const SmallBounds& bounds : small_bounds) {
    scenario = with_workload_prefix(full, bounds.actions_max);
    base = exhaustive_options(small_world(full, bounds), correct_depth_max);
    base.limits.states_max = correct_states_max;
    reference = run(*scenario, base);
    if (reference->complete) break;
  }
  ASSERT_TRUE(reference->complete) << "no small bounds fit " << correct_states_max
                                   << " states; the smallest: " << describe(*reference);
  base.limits.states_max = states_ceiling;
  SCOPED_TRACE(fmt::format("{} devices, {} action(s) each, no faults", base.world.devices,
                           scenario->workload(0, base.world.devices).size()));
  for (const Options& o : combinations(base)) {
    if (o.por == Por::dpor) continue;  // below, within a depth
    const Result r = run(*scenario, o);
    EXPECT_TRUE(r.complete) << label(o) << ": " << describe(r);
    EXPECT_EQ(verdict(r), "holds") << label(o) << ": " << describe(r);
    // Sleep sets prune transitions, never states (Godefroid 1996: with state
    // caching every reachable state is still visited); symmetry merges states.
    EXPECT_LE(r.stats.distinct_states, reference->stats.distinct_states) << label(o) << ": " << describe(r);
    if (o.por == Por::none && !o.symmetry) {
      EXPECT_EQ(r.stats.distinct_states, reference->stats.distinct_states) << label(o) << ": " << describe(r);
    }
  }
}

// DPOR does not prune by the visited set, so even these small spaces are
// large for it (every inequivalent path, not every state): it runs within a
// small depth, where it must hold and reach every state bfs reaches.
constexpr std::uint64_t dpor_depth_max = 6;

TEST_P(CorrectReduction, DporReachesEveryStateWithinADepth) {
  const Scenario& scenario = GetParam().scenario;
  Options bfs = exhaustive_options(small_world(scenario, small_bounds.front()), dpor_depth_max);
  const Result reference = run(scenario, bfs);
  ASSERT_EQ(reference.budget_hit, BudgetHit::depth) << describe(reference);
  Options o = bfs;
  o.strategy = Strategy::dfs;
  o.por = Por::dpor;
  const Result r = run(scenario, o);
  EXPECT_EQ(verdict(r), "holds") << label(o) << ": " << describe(r);
  EXPECT_EQ(r.budget_hit, BudgetHit::depth) << label(o) << ": " << describe(r);
  EXPECT_EQ(r.stats.distinct_states, reference.stats.distinct_states) << label(o) << ": " << describe(r);
}

INSTANTIATE_TEST_SUITE_P(Correct, CorrectReduction, ::testing::ValuesIn(correct_scenarios()), param_name);

// ---- 3. the default campaign catches every zoo entry ------------------------------

// The campaign `frsim selftest` runs (cli/cmd_selftest.cpp): the entry's
// default world, seed 1, one thread, depth 60, 60 s as a ceiling.
Result selftest_campaign(const Scenario& scenario, const checker::CheckOptions& check) {
  Options o;
  o.world = scenario.defaults;
  o.seed = 1;
  o.jobs = 1;
  o.limits.depth_max = 60;
  o.limits.time_limit_seconds = 60;
  return default_campaign(scenario, o, checker::monitor_factory(scenario, check));
}

class ZooDefaultCampaign : public ::testing::TestWithParam<Entry> {};

// As selftest: if another property sees the bug first, the campaign runs
// again with only the expected one.
TEST_P(ZooDefaultCampaign, CatchesTheEntry) {
  const Scenario& scenario = GetParam().scenario;
  checker::CheckOptions check;
  Result r = selftest_campaign(scenario, check);
  ASSERT_TRUE(r.violation.has_value()) << describe(r);
  if (r.violation->finding.property != scenario.expected_violation) {
    check.properties = {scenario.expected_violation};
    r = selftest_campaign(scenario, check);
    ASSERT_TRUE(r.violation.has_value()) << "expected property only: " << describe(r);
  }
  const Violation& v = *r.violation;
  EXPECT_EQ(v.finding.property, scenario.expected_violation) << describe(r) << " (found by " << v.found_by << ")";
  // What the campaign reports is a counterexample a user can replay.
  const auto replayed = checker::replay(scenario, v.config, v.seed, v.choices, check);
  ASSERT_TRUE(replayed.finding.has_value()) << "the counterexample does not replay: " << describe(r);
  EXPECT_EQ(replayed.finding->property, v.finding.property);
}

INSTANTIATE_TEST_SUITE_P(Zoo, ZooDefaultCampaign, ::testing::ValuesIn(zoo()), param_name);

// ---- 4. --jobs 2 gives the verdicts of --jobs 1 -----------------------------------

class ZooJobs : public ::testing::TestWithParam<Entry> {};

// explore.hpp: work goes to threads in batches whose size does not depend on
// --jobs, merged in order, so not only the verdict but the counterexample
// and every count are those of one thread.
TEST_P(ZooJobs, TwoJobsGiveTheVerdictOfOne) {
  const Scenario& scenario = GetParam().scenario;
  for (const checker::CheckOptions& check : {checker::CheckOptions{}, checker::CheckOptions{{scenario.expected_violation}}}) {
    Options o = exhaustive_options(scenario.defaults, zoo_depth_max);
    o.strategy = Strategy::bfs;
    o.por = Por::sleep;
    const Result one = run(scenario, o, check);
    o.jobs = 2;
    const Result two = run(scenario, o, check);
    SCOPED_TRACE(check.properties.empty() ? std::string("all properties") : check.properties.front());
    expect_conclusive(one, o);
    EXPECT_NE(verdict(one), "holds") << describe(one);
    EXPECT_EQ(verdict(two), verdict(one)) << "jobs 1: " << describe(one) << "\njobs 2: " << describe(two);
    if (one.violation && two.violation) {
      EXPECT_EQ(two.violation->choices, one.violation->choices);
    }
    EXPECT_EQ(two.stats.distinct_states, one.stats.distinct_states);
    EXPECT_EQ(two.stats.transitions, one.stats.transitions);
  }
}

INSTANTIATE_TEST_SUITE_P(Zoo, ZooJobs, ::testing::ValuesIn(zoo()), param_name);

}  // namespace
}  // namespace frsim::sim::explore
