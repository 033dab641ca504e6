// `frsim pbt` (issue 5): generated programs are well formed and hold every
// property on the real engine; with a mutant of the bug zoo the campaign finds
// the bug and RapidCheck shrinks it to a small program that still fails.

#include <algorithm>
#include <string>

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "checker/pbt/generators.hpp"
#include "checker/pbt/program.hpp"
#include "checker/pbt/run.hpp"
#include "core/crdt/counters.hpp"
#include "core/error.hpp"
#include "sim/world.hpp"

namespace frsim::checker::pbt {
namespace {

using core::Value;

Node node(NodeKind kind, std::vector<std::uint32_t> inputs = {}, std::int64_t initial = 0) {
  Node n;
  n.kind = kind;
  n.inputs = std::move(inputs);
  n.initial = initial;
  return n;
}

ProgramSpec one_device(std::vector<Node> nodes, std::vector<Fire> fires = {}) {
  ProgramSpec spec;
  spec.nodes = std::move(nodes);
  spec.world.devices = 1;
  spec.workloads = {std::move(fires)};
  return spec;
}

// ---- generators and normalisation ------------------------------------------

RC_GTEST_PROP(PbtGenerators, NormalizedGenesAreAlwaysWellFormed, ()) {
  const auto genes = *program_genes();
  const auto spec = normalize(genes);
  validate(spec);  // throws (and fails the property) on any broken rule
  RC_ASSERT(spec.nodes.size() == std::max<std::size_t>(1, genes.nodes.size()));
  RC_ASSERT(spec.workloads.size() == spec.world.devices);
  RC_ASSERT(spec.schedule == genes.schedule);
}

RC_GTEST_PROP(PbtGenerators, FoldsNeverReadDistributedValues, (const ProgramSpec& spec)) {
  const auto taint = distributed_taint(spec.nodes);
  for (const Node& n : spec.nodes) {
    if (n.kind == NodeKind::fold || n.kind == NodeKind::distributed_fold) RC_ASSERT(!taint[n.inputs.at(0)]);
  }
}

RC_GTEST_PROP(PbtGenerators, JsonRoundTrips, (const ProgramSpec& spec)) {
  const auto text = to_json(spec).dump();
  const bool same = spec_from_json(nlohmann::json::parse(text)) == spec;
  RC_ASSERT(same);
}

TEST(PbtGenerators, NormalizeRepairsWhatShrinkingBreaks) {
  ProgramGenes genes;
  // node 0 asks to be a map (nothing to read: becomes a source); node 1 a
  // distributed source; node 2 a fold, whose only clean input is node 0.
  genes.nodes = {NodeGene{1, 5, 5, 0, 2}, NodeGene{3, 0, 0, 0, 4}, NodeGene{2, 1, 0, 0, 0}};
  genes.workloads = {{FireGene{1, 7}, FireGene{0, 3}}};
  genes.world.devices = 1;
  const auto spec = normalize(genes);
  EXPECT_EQ(spec.nodes[0].kind, NodeKind::source);
  EXPECT_EQ(spec.nodes[1].kind, NodeKind::distributed_source);
  ASSERT_EQ(spec.nodes[2].kind, NodeKind::fold);
  EXPECT_EQ(spec.nodes[2].inputs, std::vector<std::uint32_t>{0});
  // Fires pick among the fireable nodes: node 0 only.
  EXPECT_EQ(spec.workloads[0], (std::vector<Fire>{{0, 7}, {0, 3}}));
}

// ---- validation ------------------------------------------------------------

TEST(PbtProgram, ValidateRejectsEveryIllFormedProgram) {
  EXPECT_THROW(validate(one_device({})), core::Error);
  EXPECT_THROW(validate(one_device({node(NodeKind::map, {0})})), core::Error);  // reads itself
  EXPECT_THROW(validate(one_device({node(NodeKind::source), node(NodeKind::map, {})})), core::Error);
  EXPECT_THROW(validate(one_device({node(NodeKind::distributed_source), node(NodeKind::fold, {0})})), core::Error);
  EXPECT_THROW(validate(one_device({node(NodeKind::source), node(NodeKind::map, {0})}, {{1, 3}})), core::Error);
  EXPECT_THROW(validate(one_device({node(NodeKind::source), node(NodeKind::flatten, {0})}, {{1, 1}})), core::Error);
  auto wrong_devices = one_device({node(NodeKind::source)});
  wrong_devices.world.devices = 2;
  EXPECT_THROW(validate(wrong_devices), core::Error);
  EXPECT_NO_THROW(validate(one_device({node(NodeKind::source), node(NodeKind::flatten, {0})}, {{1, 0}})));
  // flatten_select: a condition and two targets, all earlier; its outer is
  // derived, so the workload cannot fire it.
  EXPECT_THROW(validate(one_device({node(NodeKind::source), node(NodeKind::flatten_select, {0, 0})})), core::Error);
  EXPECT_THROW(validate(one_device({node(NodeKind::source), node(NodeKind::flatten_select, {0, 0, 1})})),
               core::Error);
  EXPECT_THROW(validate(one_device({node(NodeKind::source), node(NodeKind::flatten_select, {0, 0, 0})}, {{1, 0}})),
               core::Error);
  EXPECT_NO_THROW(validate(one_device({node(NodeKind::source), node(NodeKind::flatten_select, {0, 0, 0})})));
  // A fold over a flatten that a distributed value steers (condition) or
  // feeds (target) folds per-replica receives (paper §4.8).
  EXPECT_THROW(validate(one_device({node(NodeKind::distributed_source), node(NodeKind::source),
                                    node(NodeKind::flatten_select, {0, 1, 1}), node(NodeKind::fold, {2})})),
               core::Error);
  EXPECT_THROW(validate(one_device({node(NodeKind::distributed_source), node(NodeKind::source),
                                    node(NodeKind::flatten_select, {1, 1, 0}), node(NodeKind::fold, {2})})),
               core::Error);
  EXPECT_NO_THROW(validate(one_device({node(NodeKind::distributed_source), node(NodeKind::source),
                                       node(NodeKind::flatten_select, {1, 1, 1}), node(NodeKind::fold, {2})})));
}

TEST(PbtProgram, MalformedJsonIsAnError) {
  EXPECT_THROW(spec_from_json(nlohmann::json::parse(R"({"nodes": 3})")), core::Error);
  EXPECT_THROW(spec_from_json(nlohmann::json::parse(
                   R"({"nodes":[{"kind":"teleport","inputs":[]}],"workloads":[[]],"world":{},"world_seed":0,"schedule":[]})")),
               core::Error);
  EXPECT_THROW(case_from_json(nlohmann::json::parse(R"({"format":"frsim-pbt","version":1,"mutant":"mutant-nope"})")),
               core::Error);
  EXPECT_THROW(case_from_json(nlohmann::json::parse(R"({"format":"frsim-pbt","version":"1"})")), core::Error);
  auto with_hash = case_to_json(one_device({node(NodeKind::source)}), nullptr, 0xabcdef0123456789);
  EXPECT_EQ(case_from_json(with_hash).event_hash, 0xabcdef0123456789U);
  for (const auto* bad : {"abcdef012345678", "abcdef012345678g", "-bcdef0123456789"}) {
    with_hash["event_hash"] = bad;
    EXPECT_THROW(case_from_json(with_hash), core::Error) << bad;
  }
  with_hash["event_hash"] = 7;
  EXPECT_THROW(case_from_json(with_hash), core::Error);
}

// ---- meaning ---------------------------------------------------------------

TEST(PbtProgram, ScenarioComputesTheMenuOperators) {
  // n0 = 3, n1 = 4, n2 = n0 - n1, n3 = fold sum over n2, n4 = flatten -> n2
  auto spec = one_device({node(NodeKind::source, {}, 3), node(NodeKind::source, {}, 4), node(NodeKind::map, {0, 1}),
                          node(NodeKind::fold, {2}, 10), node(NodeKind::flatten, {2})},
                         {{0, 9}, {4, 0}});
  spec.nodes[2].map_op = MapOp::difference;
  spec.schedule = {0, 0, 0, 0};
  const auto scenario = to_scenario(spec);
  sim::World world(scenario, spec.world, 0);
  world.apply_index(0);  // n0 = 9
  world.apply_index(0);  // o4 = ref n0
  world.heal();
  const auto& d = world.device(0);
  EXPECT_EQ(d.value("n2"), Value::integer(5));
  EXPECT_EQ(d.value("n3"), Value::integer(10 + 5));  // (fold): creation takes the initial state only
  EXPECT_EQ(d.value("n4"), Value::integer(9));
}

TEST(PbtProgram, FlattenSelectFollowsTheTargetItsConditionPicks) {
  // n3 = n0 > 0 ? n1 : n2
  auto spec = one_device({node(NodeKind::source, {}, 1), node(NodeKind::source, {}, 10), node(NodeKind::source, {}, 20),
                          node(NodeKind::flatten_select, {0, 1, 2})},
                         {{0, -1}, {1, 11}, {0, 3}});
  const auto scenario = to_scenario(spec);
  sim::World world(scenario, spec.world, 0);
  const auto& d = world.device(0);
  EXPECT_EQ(d.value("n3"), Value::integer(10));
  const auto fire_and_read = [&] {
    world.apply_index(0);
    return d.value("n3");
  };
  EXPECT_EQ(fire_and_read(), Value::integer(20));  // n0 = -1: the else target
  EXPECT_EQ(fire_and_read(), Value::integer(20));  // n1 = 11 is not selected
  EXPECT_EQ(fire_and_read(), Value::integer(11));  // n0 = 3: back to n1, now 11
  EXPECT_EQ(d.value("o3"), Value::ref(reactive_ids(spec.nodes)[1]));
}

// The shape mutant-flatten-early needs: one fire changes both the outer (a
// map of n0) and the selected inner (two maps deeper). The engine waits for
// both (paper §3.3: "Flatten reactives are ready when the outer and the inner
// inputs are processed"); the mutant reads the inner before it is written.
TEST(PbtProgram, FlattenSelectOverADeeperTargetCatchesFlattenEarly) {
  auto spec = one_device({node(NodeKind::source, {}, 1), node(NodeKind::map, {0}), node(NodeKind::map, {1}),
                          node(NodeKind::flatten_select, {0, 2, 1})},
                         {{0, 5}});
  spec.schedule = {0};
  const auto engine = run_case(spec);
  EXPECT_FALSE(engine.finding.has_value()) << engine.finding->message;
  const auto mutant = run_case(spec, find_mutant("mutant-flatten-early"));
  ASSERT_TRUE(mutant.finding.has_value());
  EXPECT_EQ(mutant.finding->property, "glitch-freedom");
  EXPECT_NE(mutant.finding->message.find("n2"), std::string::npos) << mutant.finding->message;
}

TEST(PbtProgram, DistributedNodesJoinEveryDevicesContribution) {
  ProgramSpec spec;
  spec.nodes = {node(NodeKind::distributed_source, {}, 2), node(NodeKind::map, {0})};
  spec.world.devices = 3;
  spec.workloads = {{}, {}, {}};
  for (int i = 0; i < 40; ++i) spec.schedule.push_back(static_cast<std::uint32_t>(i * 7));
  const auto scenario = to_scenario(spec);
  sim::World world(scenario, spec.world, 0);
  for (const auto c : spec.schedule) {
    const auto enabled = world.enabled();
    if (enabled.empty()) break;
    world.apply_index(c % enabled.size());
  }
  world.heal();
  for (std::uint32_t d = 0; d < 3; ++d) EXPECT_EQ(world.device(d).value("n1"), Value::integer(6)) << d;
}

// The code to_cpp printed for the spec below, pasted as a user would.
// clang-format off
frsim::sim::Scenario pasted_case() {
  using namespace frsim;
  using core::Value;
  namespace pbt = checker::pbt;
  sim::Scenario s;
  s.name = "pasted_case";
  s.create = [](core::Runtime& rt, [[maybe_unused]] const sim::DeviceContext& ctx) {
    const auto n0 = rt.source(Value::integer(1), "n0");
    const auto n1 = rt.distributed_fold("n1", n0, pbt::bottom(pbt::CrdtKind::gcounter), [d = ctx.device](const Value& s, const Value& v) { return pbt::apply(pbt::CrdtKind::gcounter, d, s, v); });
    const auto n2 = rt.map({n1, n0}, [](std::span<const Value> in) { return pbt::apply(pbt::MapOp::max, in); }, "n2");
    const auto o3 = rt.source(Value::ref(1) /* n1 */, "o3");
    rt.flatten(o3, "n3");
    const auto o4 = rt.map({n0}, [t = n2, e = n1](std::span<const Value> in) { return pbt::select(in[0], t, e); }, "o4");
    rt.flatten(o4, "n4");
  };
  s.workload = [](std::uint32_t device, std::uint32_t) {
    std::vector<sim::Action> actions;
    if (device == 1) {
      actions.push_back(sim::Action::fire("n0", Value::integer(5)));
      actions.push_back(sim::Action::fire("o3", Value::ref(0) /* n0 */));
    }
    return actions;
  };
  s.defaults.devices = 2;
  s.defaults.drops = 0;
  s.defaults.dups = 1;
  s.defaults.crashes = 0;
  s.defaults.partitions = 0;
  s.defaults.grain = sim::Grain::coarse;
  return s;
}
// clang-format on

TEST(PbtProgram, PastedCppBehavesLikeTheSpec) {
  ProgramSpec spec;
  spec.nodes = {node(NodeKind::source, {}, 1), node(NodeKind::distributed_fold, {0}), node(NodeKind::map, {1, 0}),
                node(NodeKind::flatten, {1}), node(NodeKind::flatten_select, {0, 2, 1})};
  spec.nodes[2].map_op = MapOp::max;
  spec.world.devices = 2;
  spec.world.dups = 1;
  spec.workloads = {{}, {{0, 5}, {3, 0}}};
  for (std::uint32_t i = 0; i < 30; ++i) spec.schedule.push_back(i * 5 + 1);
  // The printed code is what was pasted above (modulo the function name).
  auto printed = to_cpp(spec, "pasted_case");
  EXPECT_NE(printed.find("rt.distributed_fold(\"n1\", n0, pbt::bottom(pbt::CrdtKind::gcounter)"), std::string::npos);
  EXPECT_NE(printed.find("sim::Action::fire(\"o3\", Value::ref(0) /* n0 */)"), std::string::npos);
  EXPECT_NE(printed.find("const auto o4 = rt.map({n0}, [t = n2, e = n1](std::span<const Value> in) { return "
                         "pbt::select(in[0], t, e); }, \"o4\");\n    rt.flatten(o4, \"n4\");"),
            std::string::npos)
      << printed;
  // Same schedule on both scenarios: the same events, bit for bit.
  const auto generated = run_case(spec);
  ASSERT_FALSE(generated.finding.has_value()) << generated.finding->message;
  const auto pasted = checker::replay(pasted_case(), spec.world, spec.world_seed, generated.choices);
  EXPECT_EQ(pasted.applied, generated.choices);
  EXPECT_EQ(pasted.event_hash, generated.event_hash);
}

// ---- campaigns ----------------------------------------------------------------

TEST(PbtCampaign, EveryPropertyHoldsOnGeneratedProgramsWithoutAMutant) {
  PbtOptions options;
  options.cases = 1000;
  options.size_max = 24;
  options.seed = 11;
  const auto result = run_pbt(options);
  EXPECT_FALSE(result.failure.has_value()) << result.failure->finding.property << ": "
                                           << result.failure->finding.message << "\n"
                                           << describe(result.failure->minimal);
  EXPECT_EQ(result.cases_passed, 1000);
}

TEST(PbtCampaign, SameSeedSameCases) {
  PbtOptions options;
  options.cases = 300;
  options.size_max = 12;
  options.seed = 5;
  options.mutant = find_mutant("mutant-double-fold");
  const auto a = run_pbt(options);
  const auto b = run_pbt(options);
  ASSERT_TRUE(a.failure && b.failure);
  EXPECT_EQ(a.cases_passed, b.cases_passed);
  EXPECT_EQ(a.failure->minimal, b.failure->minimal);
  EXPECT_EQ(a.failure->original, b.failure->original);
}

class PbtFindsMutant : public ::testing::TestWithParam<std::string> {};

TEST_P(PbtFindsMutant, AndShrinksItToASmallProgramThatStillFails) {
  const Mutant* mutant = find_mutant(GetParam());
  ASSERT_NE(mutant, nullptr);
  PbtOptions options;
  options.cases = 1000;
  options.size_max = 16;
  options.seed = 2;
  options.mutant = mutant;
  const auto result = run_pbt(options);
  ASSERT_TRUE(result.failure.has_value()) << GetParam() << " not found in " << result.cases_passed << " cases";
  const auto& f = *result.failure;
  // The property that catches it first may be a stricter one than the zoo's
  // (e.g. proper-snapshot sees a fold missing from Σ before restoration does).
  EXPECT_FALSE(f.finding.property.empty()) << f.finding.message;
  EXPECT_LE(f.minimal.nodes.size(), 4U) << describe(f.minimal);
  EXPECT_LE(f.minimal.nodes.size(), f.original.nodes.size());
  EXPECT_LE(f.minimal.schedule.size(), f.original.schedule.size());
  // Re-run on its own (and through its case file): the minimal case still fails ...
  const auto file =
      case_from_json(nlohmann::json::parse(case_to_json(f.minimal, mutant, f.minimal_run.event_hash).dump()));
  ASSERT_EQ(file.mutant, mutant);
  const auto again = run_case(file.spec, file.mutant);
  ASSERT_TRUE(again.finding.has_value());
  EXPECT_EQ(again.finding->property, f.finding.property);
  EXPECT_EQ(file.event_hash, again.event_hash);
  // ... and only because of the mutant.
  EXPECT_FALSE(run_case(file.spec).finding.has_value());
}

INSTANTIATE_TEST_SUITE_P(Zoo, PbtFindsMutant,
                         ::testing::Values("mutant-double-fold", "mutant-snapshot-no-folds",
                                           "mutant-merge-not-idempotent", "mutant-breadth-first",
                                           "mutant-receive-no-propagate", "mutant-nonatomic-commit",
                                           "mutant-flatten-early"),
                         [](const auto& info) {
                           std::string name = info.param;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

}  // namespace
}  // namespace frsim::checker::pbt
