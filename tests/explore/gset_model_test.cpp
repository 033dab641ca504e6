// gset-replication against an independent explorer (gset_model.hpp): the
// explorer first reproduces the published counts of the reference model, then
// counts the same model with frsim's world's differences, and frsim's
// exhaustive search must find exactly those states and transitions.
#include <gtest/gtest.h>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "checker/checker.hpp"
#include "gset_model.hpp"
#include "scenarios/registry.hpp"
#include "sim/explore/explore.hpp"

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
    const auto c = gset_model::explore(2, p.drops, p.dups, true);
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
  o.end_every_state = false;  // judged at quiescence, as the reference model checks
  return o;
}

TEST(GsetReplication, FrsimFindsExactlyTheStatesAndTransitionsOfItsModel) {
  const auto scenario = scenarios::get("gset-replication");
  const auto monitors = checker::monitor_factory(*scenario);
  for (std::uint32_t drops : {0U, 1U, 2U}) {
    for (std::uint32_t dups : {0U, 1U}) {
      SCOPED_TRACE(fmt::format("N=2 D={} K={}", drops, dups));
      const auto model = gset_model::explore(2, drops, dups, false);
      const Result bfs = explore(*scenario, options(2, drops, dups, Strategy::bfs), monitors);
      EXPECT_TRUE(bfs.complete);
      EXPECT_FALSE(bfs.violation.has_value());
      EXPECT_EQ(bfs.stats.states, model.states);
      EXPECT_EQ(bfs.stats.transitions, model.edges);  // each state expanded once
      EXPECT_GE(bfs.stats.schedules, model.quiescent);
      const Result dfs = explore(*scenario, options(2, drops, dups, Strategy::dfs), monitors);
      EXPECT_EQ(dfs.stats.states, model.states);
      EXPECT_EQ(dfs.stats.transitions, model.edges);
    }
  }
}

// A full memory budget ends the run cleanly (issue 14): the stop says memory,
// the result is incomplete, what was counted stays, the engine's own count
// of its bytes has not run past the budget by more than one batch, and a
// note says what holds them. gset-replication with 3 replicas has millions of
// states: 4 MB run out long before the space does (the checker's per-schedule
// state in every frontier node is most of it).
TEST(GsetReplication, AFullMemoryBudgetStopsTheSearchAndSaysSo) {
  const auto scenario = scenarios::get("gset-replication");
  for (const Strategy strategy : {Strategy::bfs, Strategy::dfs}) {
    SCOPED_TRACE(to_string(strategy));
    Options o = options(3, 0, 0, strategy);
    o.limits.memory_bytes_max = 4ULL << 20;
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

// The differences the scenario's comment lists make frsim's space larger,
// never smaller: every reference state has frsim states standing for it.
TEST(GsetModel, FrsimsWorldHasMoreStatesThanTheReferenceModel) {
  for (const auto& p : published) {
    EXPECT_GT(gset_model::explore(2, p.drops, p.dups, false).states, p.counts.states);
  }
}

}  // namespace
}  // namespace frsim::sim::explore
