#pragma once
// RapidCheck generators over frsim programs, workloads, worlds and schedules
// (issue 5), public so that users can write their own properties:
//
//   RC_GTEST_PROP(MyEngine, NeverLosesAnUpdate, ()) {
//     const auto spec = *frsim::checker::pbt::program_spec();
//     const auto result = frsim::checker::pbt::run_case(spec);  // checker/pbt/run.hpp
//     RC_ASSERT(!result.finding);
//   }
//
// Every generator draws *genes* (small unsigned numbers) and turns them into a
// well-formed ProgramSpec with normalize(): a node gene's kind number picks
// from the menu with 0 = source, its selectors pick earlier nodes modulo the
// node's index, a fold that would read a distributed value picks an
// undistributed input instead (or becomes a source), a fire picks among the
// nodes that can be fired (none: it is left out). So whatever RapidCheck's shrinking does to the
// genes — remove nodes, fires or choices, move numbers toward 0 — the result
// is still well formed, and shrinking means "fewer nodes, simpler nodes,
// fewer fires, fewer faults, a shorter schedule".

#include <cstdint>
#include <ostream>
#include <vector>

#include <rapidcheck.h>

#include "checker/pbt/program.hpp"

namespace frsim::checker::pbt {

struct GenOptions {
  std::uint32_t devices_max = 3;
  // Each fault budget (drops, dups, crashes, partitions) is drawn in [0, budget_max].
  std::uint32_t budget_max = 1;
  bool fine_grain = true;  // may draw Grain::fine as well as coarse
  // Schedules are up to schedule_scale x the size parameter long.
  double schedule_scale = 3.0;
};

// ---- genes -------------------------------------------------------------------
struct NodeGene {
  // % 7: source, map, fold, distributed_source, distributed_fold, flatten, flatten_select
  std::uint32_t kind = 0;
  std::uint32_t x = 0;     // selectors: inputs, CRDT kind
  std::uint32_t y = 0;
  std::uint32_t op = 0;    // operator from the menu; map arity; flatten_select's second target
  std::int64_t value = 0;  // initial value
};
struct FireGene {
  std::uint32_t node = 0;  // % the number of fireable nodes
  std::int64_t value = 0;
};
struct ProgramGenes {
  std::vector<NodeGene> nodes;
  std::vector<std::vector<FireGene>> workloads;  // devices_max lists; the first `devices` are used
  sim::WorldConfig world;
  std::uint64_t world_seed = 0;
  std::vector<std::uint32_t> schedule;
};

// The well-formed spec the genes mean (see the top); validate() accepts it.
ProgramSpec normalize(const ProgramGenes& genes);

// ---- generators ------------------------------------------------------------
rc::Gen<NodeGene> node_gene();
rc::Gen<FireGene> fire_gene();
rc::Gen<sim::WorldConfig> world_config(const GenOptions& options = {});
// Choice numbers: the i-th picks enabled()[n % |enabled()|].
rc::Gen<std::vector<std::uint32_t>> schedule(const GenOptions& options = {});
rc::Gen<ProgramGenes> program_genes(const GenOptions& options = {});
// Programs of up to `size` nodes (RapidCheck's size parameter), with
// workloads, a world and a schedule.
rc::Gen<ProgramSpec> program_spec(const GenOptions& options = {});

// How RapidCheck prints a counterexample: describe(spec).
void showValue(const ProgramSpec& spec, std::ostream& os);

}  // namespace frsim::checker::pbt

namespace rc {
template <>
struct Arbitrary<frsim::checker::pbt::ProgramSpec> {
  static Gen<frsim::checker::pbt::ProgramSpec> arbitrary() { return frsim::checker::pbt::program_spec(); }
};
}  // namespace rc
