// gset-replication against an independent explorer (gset_model.hpp): the
// explorer first reproduces the published counts of the reference model;
// frsim's exhaustive search must then find exactly the states and transitions
// the explorer counts, in the reference model the scenario follows and with
// each of the world's message-model switches set either way.
#include <gtest/gtest.h>

#include <utility>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "checker/checker.hpp"
#include "gset_model.hpp"
#include "scenarios/registry.hpp"
#include "sim/explore/explore.hpp"
#include "sim/world.hpp"

namespace frsim::sim::explore {
namespace {

// N = 2 (states, edges without SPIN's +1, quiescent states), as SPIN 6.5.2
// and an independent explorer count the reference model (C = 2).
struct Published {
  unsigned drops, dups;
  gset_model::Counts counts;
};
constexpr Published published[] = {
    {0, 0, {50, 83, 1}},   {0, 1, {140, 322, 2}}, {1, 0, {79, 156, 4}},
    {1, 1, {241, 662, 8}}, {2, 0, {83, 174, 8}},  {2, 1, {270, 783, 15}},
};

TEST(GsetModel, TheIndependentExplorerReproducesTheReferenceModel) {
  for (const auto& p : published) {
    SCOPED_TRACE(fmt::format("D={} K={}", p.drops, p.dups));
    const auto c = gset_model::explore(2, p.drops, p.dups, gset_model::Semantics::reference());
    EXPECT_EQ(c.states, p.counts.states);
    EXPECT_EQ(c.edges, p.counts.edges);
    EXPECT_EQ(c.quiescent, p.counts.quiescent);
  }
}

Options options(std::uint32_t replicas, std::uint32_t drops, std::uint32_t dups, Strategy strategy) {
  Options o;
  o.strategy = strategy;
  o.world = scenarios::get("gset-replication")->defaults;
  o.world.devices = replicas;
  o.world.drops = drops;
  o.world.dups = dups;
  o.limits.depth_max = 1000;
  o.limits.schedules_max = 1'000'000;
  o.limits.states_max = 10'000'000;
  o.end_every_state = false;  // judged at quiescence, as the reference model checks
  return o;
}

// The world's switches set as the explorer's semantics say.
WorldConfig with(WorldConfig world, const gset_model::Semantics& sem) {
  world.anonymous_messages = !sem.senders;
  world.inbox_capacity = sem.capacity;
  world.initial_values_known = sem.initial_sent;
  world.duplicates = sem.dup_delivered ? Duplicates::delivered : Duplicates::in_flight;
  return world;
}

// frsim has no CHECK self-loop: its transitions are the model's edges
// without one per quiescent state.
void expect_counts(const Result& r, const gset_model::Counts& model, bool check_edge) {
  EXPECT_TRUE(r.complete);
  EXPECT_FALSE(r.violation.has_value());
  EXPECT_EQ(r.stats.states, model.states);
  EXPECT_EQ(r.stats.transitions, model.edges - (check_edge ? model.quiescent : 0));  // each state expanded once
  EXPECT_GE(r.stats.schedules, model.quiescent);
}

// The scenario is the reference model: the published counts themselves.
TEST(GsetReplication, FrsimFindsExactlyTheStatesAndTransitionsOfTheReferenceModel) {
  const auto scenario = scenarios::get("gset-replication");
  const auto monitors = checker::monitor_factory(*scenario);
  for (const auto& p : published) {
    SCOPED_TRACE(fmt::format("N=2 D={} K={}", p.drops, p.dups));
    for (const Strategy strategy : {Strategy::bfs, Strategy::dfs}) {
      expect_counts(explore(*scenario, options(2, p.drops, p.dups, strategy), monitors), p.counts, true);
    }
  }
}

// Each switch of the world's message model, on and off, against the explorer
// with the same semantics (all 16 combinations, N = 2): the default world is
// the one with every switch off.
TEST(GsetReplication, EveryMessageModelSwitchCountsWhatTheExplorerCounts) {
  const auto scenario = scenarios::get("gset-replication");
  const auto monitors = checker::monitor_factory(*scenario);
  for (unsigned bits = 0; bits < 16; ++bits) {
    gset_model::Semantics sem;
    sem.senders = (bits & 1) == 0;
    sem.capacity = (bits & 2) != 0 ? 2 : 0;
    sem.initial_sent = (bits & 4) != 0;
    sem.dup_delivered = (bits & 8) != 0;
    for (const auto& [drops, dups] : {std::pair{0U, 1U}, std::pair{1U, 1U}}) {
      SCOPED_TRACE(fmt::format("N=2 D={} K={} senders={} capacity={} initial_sent={} dup_delivered={}", drops, dups,
                               sem.senders, sem.capacity, sem.initial_sent, sem.dup_delivered));
      Options o = options(2, drops, dups, Strategy::bfs);
      o.world = with(o.world, sem);
      expect_counts(explore(*scenario, o, monitors), gset_model::explore(2, drops, dups, sem), false);
    }
  }
}

// Senders matter from N = 3 on (with two replicas a message has one possible
// sender). The whole N = 3 space is millions of states (bench/), so these
// compare every state within 7 steps, both ways of naming messages.
TEST(GsetReplication, ThreeReplicasWithinSevenStepsCountWhatTheExplorerCounts) {
  const auto scenario = scenarios::get("gset-replication");
  const auto monitors = checker::monitor_factory(*scenario);
  constexpr std::uint64_t depth = 7;
  for (const bool senders : {false, true}) {
    gset_model::Semantics sem = gset_model::Semantics::reference();
    sem.senders = senders;
    SCOPED_TRACE(fmt::format("N=3 D=1 K=1 senders={}", senders));
    Options o = options(3, 1, 1, Strategy::bfs);
    o.world = with(o.world, sem);
    o.limits.depth_max = depth;
    const Result r = explore(*scenario, o, monitors);
    const auto model = gset_model::explore(3, 1, 1, sem, depth);
    EXPECT_EQ(r.stats.states, model.states);
  }
}

// A partition blocks by sender, so a world that may be partitioned keeps
// senders in a message's identity even when the scenario leaves them out;
// the search then runs (and holds) instead of refusing the configuration.
TEST(GsetReplication, APartitionBudgetKeepsSendersInMessages) {
  const auto scenario = scenarios::get("gset-replication");
  WorldConfig config = scenario->defaults;
  config.devices = 2;
  config.drops = config.dups = 0;
  EXPECT_TRUE(World(*scenario, config, 1).network().anonymous());
  config.partitions = 1;
  EXPECT_FALSE(World(*scenario, config, 1).network().anonymous());
  Options o = options(2, 0, 0, Strategy::bfs);
  o.world.partitions = 1;
  const Result r = explore(*scenario, o, checker::monitor_factory(*scenario));
  EXPECT_TRUE(r.complete);
  EXPECT_FALSE(r.violation.has_value());
  EXPECT_GT(r.stats.states, 50u);
}

// Symmetry reduction renames replicas inside values too (the scenario's
// rename_devices: element i is replica i's), so it finds one state per orbit
// of the reference model's states under permutations of the replicas, and
// the transitions out of one state of each: exactly what the explorer counts
// by canonicalising its states.
TEST(GsetReplication, SymmetryFindsExactlyOneStatePerOrbit) {
  const auto scenario = scenarios::get("gset-replication");
  const auto monitors = checker::monitor_factory(*scenario);
  for (const auto& p : published) {
    SCOPED_TRACE(fmt::format("N=2 D={} K={}", p.drops, p.dups));
    const auto model = gset_model::orbits(2, p.drops, p.dups, gset_model::Semantics::reference());
    EXPECT_LT(model.states, p.counts.states);
    for (const Strategy strategy : {Strategy::bfs, Strategy::dfs}) {
      Options o = options(2, p.drops, p.dups, strategy);
      o.symmetry = true;
      expect_counts(explore(*scenario, o, monitors), model, false);
    }
  }
  for (const bool senders : {false, true}) {
    SCOPED_TRACE(fmt::format("N=3 D=1 K=1 within 7 steps, senders={}", senders));
    gset_model::Semantics sem = gset_model::Semantics::reference();
    sem.senders = senders;
    Options o = options(3, 1, 1, Strategy::bfs);
    o.world = with(o.world, sem);
    o.limits.depth_max = 7;
    o.symmetry = true;
    const Result r = explore(*scenario, o, monitors);
    EXPECT_EQ(r.stats.states, gset_model::orbits(3, 1, 1, sem, 7).states);
  }
}

// The same program with a merge that is not idempotent (exclusive or, the
// reference model's seeded bug): symmetry keeps the verdict.
TEST(GsetReplication, SymmetryKeepsTheVerdictOnABrokenMerge) {
  Scenario broken = *scenarios::get("gset-replication");
  broken.name = "gset-replication-xor";
  broken.create = [](core::Runtime& rt, const DeviceContext&) {
    using core::Value;
    auto join = [](const Value& a, const Value& b) { return Value::integer(a.as_int() ^ b.as_int()); };
    const auto add = rt.source(Value::integer(0), "add");
    rt.distributed_fold("set", add, Value::integer(0), join, join);
  };
  const auto monitors = checker::monitor_factory(broken);
  std::vector<std::string> found;
  for (const bool symmetry : {false, true}) {
    SCOPED_TRACE(fmt::format("symmetry={}", symmetry));
    Options o = options(3, 0, 1, Strategy::bfs);
    o.symmetry = symmetry;
    const Result r = explore(broken, o, monitors);
    ASSERT_TRUE(r.violation.has_value());
    found.push_back(r.violation->finding.property);
  }
  EXPECT_EQ(found[0], found[1]);
}

// A full memory budget ends the run cleanly (issue 14): the stop says memory,
// the result is incomplete, what was counted stays, the engine's own count
// of its bytes has not run past the budget by more than one batch, and a
// note says what holds them. gset-replication with 3 replicas has millions of
// states: 8 MB run out long before the space does (the checker's per-schedule
// state in every frontier node is most of it).
TEST(GsetReplication, AFullMemoryBudgetStopsTheSearchAndSaysSo) {
  const auto scenario = scenarios::get("gset-replication");
  for (const Strategy strategy : {Strategy::bfs, Strategy::dfs}) {
    SCOPED_TRACE(to_string(strategy));
    Options o = options(3, 0, 0, strategy);
    o.limits.memory_bytes_max = 8ULL << 20;
    o.limits.states_max = 100'000'000;
    const Result r = explore(*scenario, o, checker::monitor_factory(*scenario));
    EXPECT_FALSE(r.complete);
    EXPECT_EQ(r.budget_hit, BudgetHit::memory);
    EXPECT_FALSE(r.violation.has_value());
    EXPECT_GT(r.stats.states, 100u);
    EXPECT_LT(r.stats.memory_bytes, o.limits.memory_bytes_max * 5 / 4);
    bool said = false;
    for (const auto& note : r.notes) said = said || note.rfind("memory: visited set and parent links", 0) == 0;
    EXPECT_TRUE(said) << fmt::format("{}", fmt::join(r.notes, "; "));
  }
}

// The reference model is the smallest of the 16: each switch of frsim's
// default world adds states (N = 2: 236 states with no faults against 50).
TEST(GsetModel, FrsimsDefaultWorldHasMoreStatesThanTheReferenceModel) {
  for (const auto& p : published) {
    EXPECT_GT(gset_model::explore(2, p.drops, p.dups, gset_model::Semantics::frsim_default()).states,
              p.counts.states);
  }
}

}  // namespace
}  // namespace frsim::sim::explore
