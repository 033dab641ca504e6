// Exploration strategies against small scenarios written here, with a monitor
// written here, so that the expected numbers come from this file alone.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <functional>
#include <set>

#include <fmt/format.h>

#include "core/error.hpp"
#include "sim/explore/explore.hpp"
#include "sim/explore/scheduler.hpp"
#include "sim/explore/run.hpp"
#include "sim/world.hpp"

#include "fixtures.hpp"

namespace frsim::sim::explore {
namespace {

using namespace fixtures;  // NOLINT: the small scenarios of this folder

TEST(Explore, ExhaustiveSearchCountsExactlyTheReachableStates) {
  const Scenario scenario = max_register(false);
  for (std::uint32_t devices : {1u, 2u}) {
    for (std::uint32_t dups : {0u, 1u}) {
      Options o = options_for(Strategy::bfs, devices);
      o.world.dups = dups;
      const std::uint64_t expected = brute_force_states(scenario, o.world);
      for (Strategy strategy : {Strategy::bfs, Strategy::dfs}) {
        o.strategy = strategy;
        const Result r = explore(scenario, o, agreement());
        SCOPED_TRACE(fmt::format("{} devices={} dups={}", to_string(strategy), devices, dups));
        EXPECT_TRUE(r.complete);
        EXPECT_EQ(r.budget_hit, BudgetHit::none);
        EXPECT_FALSE(r.violation.has_value());
        EXPECT_EQ(r.stats.distinct_states, expected);
        EXPECT_GT(r.stats.schedules, 0u);
      }
    }
  }
}

// Without end_every_state, exhaustive search ends a schedule (heals and
// judges it) only where nothing is enabled any more. With two devices that is
// at the earliest after fire d0, fire d1, one send each way and both
// deliveries: 6 transitions (a device may also send its initial 0 first, which
// only makes a schedule longer); under keep-local every such end disagrees.
// With end_every_state (the default) one fire is enough: healing then sends
// the fired value over, the other side keeps its 0. BFS must report exactly
// these lengths; DFS never less.
TEST(Explore, BfsFindsAShortestCounterexample) {
  const Scenario scenario = max_register(true);
  for (bool every : {false, true}) {
    Options o = options_for(Strategy::bfs, 2);
    o.end_every_state = every;
    const Result bfs = explore(scenario, o, agreement());
    ASSERT_TRUE(bfs.violation.has_value());
    EXPECT_EQ(bfs.violation->finding.property, "agreement");
    EXPECT_FALSE(bfs.complete);
    EXPECT_EQ(bfs.violation->choices.size(), every ? 1u : 6u);
    o.strategy = Strategy::dfs;
    const Result dfs = explore(scenario, o, agreement());
    ASSERT_TRUE(dfs.violation.has_value());
    EXPECT_GE(dfs.violation->choices.size(), bfs.violation->choices.size());
  }
}

TEST(Explore, AViolationReplaysFromItsChoices) {
  const Scenario scenario = max_register(true);
  for (Strategy strategy : {Strategy::bfs, Strategy::dfs, Strategy::random, Strategy::pct, Strategy::swarm}) {
    const Result r = explore(scenario, options_for(strategy, exhaustive(strategy) ? 2 : 3), agreement());
    ASSERT_TRUE(r.violation.has_value()) << to_string(strategy);
    std::vector<std::uint32_t> indices;
    for (const auto& [index, text] : r.violation->choices) indices.push_back(static_cast<std::uint32_t>(index));
    auto shared = std::make_shared<const Scenario>(scenario);
    auto run = Run::replay(shared, r.violation->config, r.violation->seed, agreement(), indices);
    for (std::size_t i = 0; i < indices.size(); ++i) {
      EXPECT_EQ(run->world().choices()[i].second, r.violation->choices[i].second);
    }
    run->finish();
    ASSERT_TRUE(run->finding().has_value()) << to_string(strategy);
    EXPECT_EQ(run->finding()->property, "agreement");
  }
}

TEST(Explore, ReductionsKeepTheVerdictAndNeverAddStates) {
  for (const Scenario& scenario : {max_register(false), max_register(true), same_everywhere()}) {
    for (std::uint32_t crashes : {0u, 1u}) {
      Options plain = options_for(Strategy::bfs, 2);
      plain.world.crashes = crashes;
      const Result base = explore(scenario, plain, agreement());
      for (Por por : {Por::none, Por::sleep}) {
        for (bool symmetry : {false, true}) {
          for (Strategy strategy : {Strategy::bfs, Strategy::dfs}) {
            Options o = plain;
            o.strategy = strategy;
            o.por = por;
            o.symmetry = symmetry;
            const Result r = explore(scenario, o, agreement());
            SCOPED_TRACE(fmt::format("{} crashes={} {} por={} symmetry={}", scenario.name, crashes,
                                     to_string(strategy), to_string(por), symmetry));
            EXPECT_EQ(r.violation.has_value(), base.violation.has_value());
            EXPECT_EQ(r.complete, base.complete);
            if (!base.violation) {
              EXPECT_LE(r.stats.distinct_states, base.stats.distinct_states);
              EXPECT_LE(r.stats.transitions, base.stats.transitions);
            }
          }
        }
      }
    }
  }
}

TEST(Explore, ReductionsReduce) {
  const Scenario scenario = same_everywhere();
  Options o = options_for(Strategy::bfs, 2);
  const Result plain = explore(scenario, o, agreement());
  o.por = Por::sleep;
  const Result sleep = explore(scenario, o, agreement());
  o.por = Por::none;
  o.symmetry = true;
  const Result symmetric = explore(scenario, o, agreement());
  ASSERT_TRUE(plain.complete && sleep.complete && symmetric.complete);
  EXPECT_LT(sleep.stats.transitions, plain.stats.transitions);
  EXPECT_LT(symmetric.stats.distinct_states, plain.stats.distinct_states);
}

// A monitor of either kind the search distinguishes: whether it watches
// events, and whether it keeps per-schedule state (a copy per child) or is
// shared by every child. `on_step`: it judges each transition too (device 0
// has learnt the value 2), not only the healed ends (agreement).
class ModeMonitor final : public Monitor {
 public:
  ModeMonitor(bool events, bool keeps, bool on_step) : events_(events), keeps_(keeps), on_step_(on_step) {}
  void on_event(const Event&, const World&) override { ++events_seen_; }
  void on_transition(const World& world) override {
    if (!on_step_ || finding_) return;
    for (const auto& [name, value] : world.device(0).distributed_values()) {
      if (value.kind() == core::Kind::integer && value.as_int() == 2) finding_ = Finding{"learnt", "device 0 has 2", 0, name, {}};
    }
  }
  void on_schedule_end(const World& world) override {
    if (!finding_) finding_ = disagreement(world);
  }
  std::optional<Finding> finding() const override { return finding_; }
  std::unique_ptr<Monitor> clone() const override { return std::make_unique<ModeMonitor>(*this); }
  std::uint64_t memory_bytes() const override { return sizeof(*this); }
  std::vector<std::string> properties() const override { return {"agreement", "learnt"}; }
  bool wants_events() const override { return events_; }
  bool keeps_schedule_state() const override { return keeps_; }

 private:
  bool events_, keeps_, on_step_;
  std::uint64_t events_seen_ = 0;
  std::optional<Finding> finding_;
};

// Search::expand applies a node's next children while earlier ones wait for
// the visited set (and, with symmetry, the memo): pipelined when each child
// has its own monitor or the shared one watches no events, one child at a
// time otherwise. Both must give the same counts, verdicts and
// counterexamples, with every reduction and strategy.
TEST(Explore, ChildrenInFlightChangeNothing) {
  for (const Scenario& scenario : {max_register(false), max_register(true), same_everywhere()}) {
    for (bool on_step : {false, true}) {
      for (Strategy strategy : {Strategy::bfs, Strategy::dfs}) {
        for (Por por : {Por::none, Por::sleep}) {
          for (bool symmetry : {false, true}) {
            for (bool every : {false, true}) {
              Options o = options_for(strategy, 2);
              o.world.dups = 1;
              o.por = por;
              o.symmetry = symmetry;
              o.end_every_state = every;
              const auto run = [&](bool events, bool keeps) {
                return explore(scenario, o, [=] { return std::make_unique<ModeMonitor>(events, keeps, on_step); });
              };
              const Result one_at_a_time = run(true, false);
              if (!one_at_a_time.violation) {
                ASSERT_TRUE(one_at_a_time.complete);
                ASSERT_GT(one_at_a_time.stats.transitions, 20u);
              }
              for (const auto& [events, keeps] : {std::pair{false, false}, {true, true}, {false, true}}) {
                const Result r = run(events, keeps);
                SCOPED_TRACE(fmt::format("{} on_step={} {} por={} symmetry={} every={} events={} keeps={}",
                                         scenario.name, on_step, to_string(strategy), to_string(por), symmetry,
                                         every, events, keeps));
                ASSERT_EQ(r.violation.has_value(), one_at_a_time.violation.has_value());
                if (r.violation) {
                  EXPECT_EQ(r.violation->finding.property, one_at_a_time.violation->finding.property);
                  EXPECT_EQ(r.violation->choices, one_at_a_time.violation->choices);
                }
                // After a violation the batch goes on, and a shared monitor's
                // finding stays for the children after it (a copy's does not):
                // counts compare with the shared monitor's only when both share.
                if (r.violation && keeps) continue;
                EXPECT_EQ(r.complete, one_at_a_time.complete);
                EXPECT_EQ(r.stats.distinct_states, one_at_a_time.stats.distinct_states);
                EXPECT_EQ(r.stats.transitions, one_at_a_time.stats.transitions);
                EXPECT_EQ(r.stats.revisits, one_at_a_time.stats.revisits);
                EXPECT_EQ(r.stats.schedules, one_at_a_time.stats.schedules);
                EXPECT_EQ(r.stats.max_depth, one_at_a_time.stats.max_depth);
              }
            }
          }
        }
      }
    }
  }
}

TEST(Explore, SymmetryIsOffForDevicesThatDiffer) {
  // Each device fires its own number: no two are interchangeable.
  Options o = options_for(Strategy::bfs, 2);
  const Result plain = explore(max_register(false), o, agreement());
  o.symmetry = true;
  const Result symmetric = explore(max_register(false), o, agreement());
  EXPECT_EQ(symmetric.stats.distinct_states, plain.stats.distinct_states);
}

TEST(Explore, TwoJobsGiveTheSameResultAsOne) {
  for (const Scenario& scenario : {max_register(false), max_register(true)}) {
    for (Strategy strategy : {Strategy::bfs, Strategy::dfs, Strategy::random, Strategy::swarm}) {
      Options o = options_for(strategy, exhaustive(strategy) ? 2 : 3);
      o.world.dups = 1;
      o.limits.schedules_max = 64;
      o.por = Por::sleep;
      const Result one = explore(scenario, o, agreement());
      o.jobs = 2;
      const Result two = explore(scenario, o, agreement());
      SCOPED_TRACE(fmt::format("{} {}", scenario.name, to_string(strategy)));
      ASSERT_EQ(one.violation.has_value(), two.violation.has_value());
      if (one.violation) {
        EXPECT_EQ(one.violation->choices, two.violation->choices);
      }
      EXPECT_EQ(one.stats.distinct_states, two.stats.distinct_states);
      EXPECT_EQ(one.stats.transitions, two.stats.transitions);
      EXPECT_EQ(one.stats.schedules, two.stats.schedules);
    }
  }
}

TEST(Explore, BudgetsStopCleanlyAndSayWhich) {
  const Scenario scenario = max_register(false);
  Options o = options_for(Strategy::bfs, 2);
  o.world.dups = 1;

  Options states = o;
  states.limits.states_max = 10;
  Result r = explore(scenario, states, agreement());
  EXPECT_FALSE(r.complete);
  EXPECT_EQ(r.budget_hit, BudgetHit::states);
  // Exact in one process: no new state is stored past the budget.
  EXPECT_EQ(r.stats.distinct_states, 10u);
  states.strategy = Strategy::dfs;
  r = explore(scenario, states, agreement());
  EXPECT_EQ(r.budget_hit, BudgetHit::states);
  EXPECT_EQ(r.stats.distinct_states, 10u);

  Options depth = o;
  depth.limits.depth_max = 2;
  r = explore(scenario, depth, agreement());
  EXPECT_FALSE(r.complete);
  EXPECT_EQ(r.budget_hit, BudgetHit::depth);
  EXPECT_EQ(r.stats.max_depth, 2u);

  Options memory = o;
  memory.limits.memory_bytes_max = 1 << 10;
  r = explore(scenario, memory, agreement());
  EXPECT_FALSE(r.complete);
  EXPECT_EQ(r.budget_hit, BudgetHit::memory);

  Options schedules = options_for(Strategy::random, 3);
  schedules.limits.schedules_max = 5;
  r = explore(scenario, schedules, agreement());
  EXPECT_FALSE(r.complete);
  EXPECT_EQ(r.budget_hit, BudgetHit::schedules);
  EXPECT_EQ(r.stats.schedules, 5u);

  std::atomic<bool> stop{true};
  Control control;
  control.interrupt = &stop;
  r = explore(scenario, o, agreement(), control);
  EXPECT_FALSE(r.complete);
  EXPECT_EQ(r.budget_hit, BudgetHit::interrupted);
}

TEST(Explore, EveryScheduleEndsWithHealingAndTheMonitor) {
  auto ends = std::make_shared<std::atomic<std::uint64_t>>(0);
  Options o = options_for(Strategy::random, 3);
  o.limits.schedules_max = 20;
  o.determinism_every = 0;
  const Result r = explore(max_register(false), o, agreement(ends));
  EXPECT_EQ(r.stats.schedules, 20u);
  EXPECT_EQ(ends->load(), 20u);
}

TEST(Explore, AResumedCampaignContinuesWithoutRepeatingSchedules) {
  const Scenario scenario = max_register(false);
  Options o = options_for(Strategy::swarm, 3);
  o.limits.schedules_max = 32;
  const Result whole = explore(scenario, o, agreement());
  o.limits.schedules_max = 16;
  const Result first = explore(scenario, o, agreement());
  EXPECT_EQ(first.next_schedule, 16u);
  o.first_schedule = first.next_schedule;
  const Result rest = explore(scenario, o, agreement());
  EXPECT_EQ(rest.next_schedule, 32u);
  EXPECT_EQ(first.stats.transitions + rest.stats.transitions, whole.stats.transitions);
}

TEST(Explore, SameSeedSameCampaignOtherSeedOtherCampaign) {
  const Scenario scenario = max_register(false);
  Options o = options_for(Strategy::pct, 3);
  o.world.drops = 1;
  o.limits.schedules_max = 40;
  const Result a = explore(scenario, o, agreement());
  const Result b = explore(scenario, o, agreement());
  EXPECT_EQ(a.stats.transitions, b.stats.transitions);
  EXPECT_EQ(a.stats.distinct_states, b.stats.distinct_states);
  o.seed = 8;
  const Result c = explore(scenario, o, agreement());
  EXPECT_NE(a.stats.transitions, c.stats.transitions);
}

TEST(Explore, DefaultCampaignIsExhaustiveWhenTheSpaceFits) {
  Options o = options_for(Strategy::random, 2);
  o.limits.time_limit_seconds = 30;
  const Result ok = default_campaign(max_register(false), o, agreement());
  EXPECT_TRUE(ok.complete);
  const Result bad = default_campaign(max_register(true), o, agreement());
  ASSERT_TRUE(bad.violation.has_value());
}

// Sampling counts the states its walks pass through, revisits included, and
// stops before a walk that would take it past the budget: never beyond it.
TEST(Explore, SamplingStopsWithinItsStatesBudget) {
  for (const Strategy strategy : {Strategy::random, Strategy::swarm, Strategy::pct}) {
    SCOPED_TRACE(std::string(to_string(strategy)));
    Options o = options_for(strategy, 3);
    o.world.dups = 2;
    o.world.drops = 2;
    o.limits.depth_max = 60;
    o.limits.states_max = 1'000;
    o.limits.schedules_max = 1'000'000;
    const Result r = explore(max_register(false), o, agreement());
    EXPECT_EQ(r.budget_hit, BudgetHit::states);
    EXPECT_LE(r.stats.transitions + r.stats.schedules, 1'000u);
    EXPECT_GT(r.stats.transitions + r.stats.schedules, 900u) << "it stopped well before the budget";
    EXPECT_LE(r.stats.states, 1'000u);
  }
}

TEST(Explore, DefaultCampaignSamplesWhenTheSpaceDoesNotFit) {
  Options o = options_for(Strategy::random, 3);
  o.world.dups = 2;
  o.world.drops = 2;
  o.limits.states_max = 50;
  o.limits.depth_max = 60;
  o.limits.schedules_max = 16;
  const Result r = default_campaign(max_register(false), o, agreement());
  EXPECT_FALSE(r.complete);
  // The states budget stopped stage 1, then stage 2 ran into what it left.
  EXPECT_EQ(r.budget_hit, BudgetHit::states);
  EXPECT_LE(r.stats.states, 50u) << "the campaign's states are its stages' sum, within the budget";
  EXPECT_NE(std::find(r.notes.begin(), r.notes.end(), "stage 1 stopped at the states budget; stage 2: swarm"),
            r.notes.end());
  EXPECT_GE(r.stats.schedules, 1u);
}

TEST(Explore, BadOptionsAreErrors) {
  Options o = options_for(Strategy::bfs, 3);
  o.jobs = 0;
  EXPECT_THROW(explore(max_register(false), o, agreement()), core::Error);
  EXPECT_THROW(strategy_from_string("sideways"), core::Error);
  EXPECT_THROW(por_from_string("partial"), core::Error);
  EXPECT_EQ(por_from_string("dpor"), Por::dpor);
  EXPECT_EQ(strategy_from_string("swarm"), Strategy::swarm);
  o = options_for(Strategy::bfs, 3);
  o.por = Por::dpor;  // source-set DPOR is depth-first only
  EXPECT_THROW(explore(max_register(false), o, agreement()), core::Error);
}

}  // namespace
}  // namespace frsim::sim::explore

namespace frsim::sim::explore {
namespace {

// Swarm draws each schedule's fault mix: up to the world's budget, or up to
// a few where that is 0 — unless the user fixed it (`--crashes 0`), and
// never a partition on one device (it has no two sides: sim::validate).
TEST(Swarm, DrawsNoFaultTheUserFixedAtZeroAndNoPartitionOnOneDevice) {
  WorldConfig base;
  base.devices = 1;
  const auto loose = make_swarm_scheduler();
  const auto fixed = make_swarm_scheduler(FixedBudgets{false, false, true, false});
  bool crashed = false;
  for (std::uint64_t seed = 1; seed <= 200; ++seed) {
    const WorldConfig a = loose->start(seed, base);
    EXPECT_EQ(a.partitions, 0U) << "seed " << seed;
    EXPECT_NO_THROW(validate(a)) << "seed " << seed;
    crashed = crashed || a.crashes > 0;
    const WorldConfig b = fixed->start(seed, base);
    EXPECT_EQ(b.crashes, 0U) << "seed " << seed;
    EXPECT_EQ(b.drops, a.drops) << "seed " << seed;  // the others are drawn as before
  }
  EXPECT_TRUE(crashed) << "no seed drew a crash where the budget was left to swarm";
}

}  // namespace
}  // namespace frsim::sim::explore
