// Source-set DPOR (sim/explore/dpor.cpp) against brute force over the small
// scenarios of fixtures.hpp. DPOR judges a schedule end at every state through
// its virtual `stop` transition, so it must reach every reachable state,
// state for state, although it never prunes by the visited set; and without
// end_every_state it must reach every state where nothing is enabled.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include <fmt/format.h>

#include "core/error.hpp"
#include "sim/explore/explore.hpp"
#include "sim/explore/run.hpp"
#include "sim/world.hpp"

#include "fixtures.hpp"

namespace frsim::sim::explore {
namespace {

using namespace fixtures;  // NOLINT: the small scenarios of this folder

struct Shape {
  std::uint64_t states = 0;      // distinct
  std::uint64_t terminal = 0;    // distinct states with nothing enabled
  std::uint64_t tree_edges = 0;  // transitions of the execution tree (no state caching)
};

// Depth-first over World::enabled() and clone(); the tree is counted through
// a memo, since the subtree below a state depends on the state alone.
std::uint64_t walk(const World& world, Shape& shape, std::map<std::uint64_t, std::uint64_t>& tree,
                   std::set<std::uint64_t>& seen) {
  const std::uint64_t fp = world.fingerprint();
  if (auto it = tree.find(fp); it != tree.end()) return it->second;
  seen.insert(fp);
  const auto enabled = world.enabled();
  if (enabled.empty()) ++shape.terminal;
  std::uint64_t edges = 0;
  for (std::size_t i = 0; i < enabled.size(); ++i) {
    auto next = world.clone();
    next->apply_index(i);
    edges += 1 + walk(*next, shape, tree, seen);
  }
  tree[fp] = edges;
  return edges;
}

Shape brute_force(const Scenario& scenario, const WorldConfig& config) {
  Shape shape;
  std::map<std::uint64_t, std::uint64_t> tree;
  std::set<std::uint64_t> seen;
  World world(scenario, config, 7);
  shape.tree_edges = walk(world, shape, tree, seen);
  shape.states = seen.size();
  return shape;
}

struct Case {
  std::string name;
  Scenario scenario;
  WorldConfig world;
};

// Each kind of fault once (budgets make faults of one kind disable each
// other, which DPOR must not lose), both grains, two and three devices; kept
// to cases that brute force and DPOR finish in about a second each.
std::vector<Case> cases() {
  struct Faults {
    std::uint32_t dups, drops, crashes;
  };
  struct Row {
    std::uint32_t devices;
    Grain grain;
    Faults faults;
    bool distinct;  // max-register (every device differs) or same-everywhere
  };
  const std::vector<Row> rows = {
      {2, Grain::coarse, {0, 0, 0}, true},  {2, Grain::coarse, {0, 0, 0}, false},
      {2, Grain::coarse, {1, 0, 0}, false}, {2, Grain::coarse, {0, 1, 0}, true},
      {2, Grain::coarse, {0, 1, 0}, false}, {2, Grain::coarse, {0, 0, 1}, false},
      {2, Grain::fine, {0, 0, 0}, true},    {2, Grain::fine, {0, 0, 0}, false},
      {2, Grain::fine, {0, 1, 0}, false},
  };
  std::vector<Case> out;
  for (const Row& row : rows) {
    WorldConfig w;
    w.devices = row.devices;
    w.grain = row.grain;
    w.dups = row.faults.dups;
    w.drops = row.faults.drops;
    w.crashes = row.faults.crashes;
    const std::string name = fmt::format("{} devices={} grain={} dups={} drops={} crashes={}",
                                         row.distinct ? "max-register" : "same-everywhere", w.devices,
                                         to_string(w.grain), w.dups, w.drops, w.crashes);
    out.push_back({name, row.distinct ? max_register(false) : same_everywhere(), w});
  }
  return out;
}

Options dpor_options(const WorldConfig& world) {
  Options o = options_for(Strategy::dfs, world.devices);
  o.world = world;
  o.por = Por::dpor;
  return o;
}

TEST(Dpor, ReachesEveryReachableStateAndPrunesTheTree) {
  std::uint64_t dpor_transitions = 0;
  std::uint64_t tree_transitions = 0;
  for (const Case& c : cases()) {
    SCOPED_TRACE(c.name);
    const Shape expected = brute_force(c.scenario, c.world);
    const Result r = explore(c.scenario, dpor_options(c.world), agreement());
    EXPECT_TRUE(r.complete);
    EXPECT_EQ(r.budget_hit, BudgetHit::none);
    EXPECT_FALSE(r.violation.has_value());
    EXPECT_EQ(r.stats.distinct_states, expected.states);
    // Every state is judged once (a healed copy of it), and only once; the
    // initial state, as in bfs and dfs, only when nothing is enabled there.
    EXPECT_EQ(r.stats.schedules, expected.states - 1);
    EXPECT_LE(r.stats.transitions, expected.tree_edges);
    dpor_transitions += r.stats.transitions;
    tree_transitions += expected.tree_edges;
  }
  // Over the whole set the reduction is real, not a coincidence of one case.
  EXPECT_LT(dpor_transitions * 2, tree_transitions);
}

TEST(Dpor, WithoutEndEveryStateReachesEveryFinalState) {
  for (const Case& c : cases()) {
    SCOPED_TRACE(c.name);
    const Shape expected = brute_force(c.scenario, c.world);
    Options o = dpor_options(c.world);
    o.end_every_state = false;
    const Result r = explore(c.scenario, o, agreement());
    EXPECT_TRUE(r.complete);
    EXPECT_FALSE(r.violation.has_value());
    // A final state is judged when first reached, so schedules counts them.
    EXPECT_EQ(r.stats.schedules, expected.terminal);
  }
}

TEST(Dpor, FindsTheViolationAndItReplays) {
  const Scenario scenario = max_register(true);
  for (bool every : {false, true}) {
    Options o = dpor_options(options_for(Strategy::dfs, 3).world);
    o.end_every_state = every;
    const Result r = explore(scenario, o, agreement());
    ASSERT_TRUE(r.violation.has_value());
    EXPECT_FALSE(r.complete);
    std::vector<std::uint32_t> indices;
    for (const auto& [index, text] : r.violation->choices) indices.push_back(static_cast<std::uint32_t>(index));
    auto run = Run::replay(std::make_shared<const Scenario>(scenario), r.violation->config, r.violation->seed,
                           agreement(), indices);
    run->finish();
    ASSERT_TRUE(run->finding().has_value());
    EXPECT_EQ(run->finding()->property, "agreement");
  }
}

// Under the depth budget, what is cut off cannot race; DPOR analyses each
// transition enabled at a cut as if taken, so it still reaches every state
// bfs reaches within the same depth (bfs counts the states at distance <= D).
TEST(Dpor, ReachesEveryStateWithinTheDepthBudget) {
  for (const Case& c : cases()) {
    for (std::uint64_t depth : {1u, 2u, 3u, 5u, 8u}) {
      SCOPED_TRACE(fmt::format("{} depth={}", c.name, depth));
      Options bfs = dpor_options(c.world);
      bfs.strategy = Strategy::bfs;
      bfs.por = Por::none;
      bfs.limits.depth_max = depth;
      const Result expected = explore(c.scenario, bfs, agreement());
      Options o = dpor_options(c.world);
      o.limits.depth_max = depth;
      const Result r = explore(c.scenario, o, agreement());
      EXPECT_EQ(r.budget_hit, expected.budget_hit);
      EXPECT_EQ(r.stats.distinct_states, expected.stats.distinct_states);
    }
  }
}

TEST(Dpor, TheDepthBudgetMakesItIncomplete) {
  Options o = dpor_options(options_for(Strategy::dfs, 2).world);
  o.limits.depth_max = 3;
  const Result r = explore(max_register(false), o, agreement());
  EXPECT_FALSE(r.complete);
  EXPECT_EQ(r.budget_hit, BudgetHit::depth);
  EXPECT_EQ(r.stats.max_depth, 3u);
}

TEST(Dpor, BreadthFirstIsRefused) {
  Options o = dpor_options(options_for(Strategy::bfs, 2).world);
  o.strategy = Strategy::bfs;
  EXPECT_THROW(explore(max_register(false), o, agreement()), core::Error);
}

}  // namespace
}  // namespace frsim::sim::explore
