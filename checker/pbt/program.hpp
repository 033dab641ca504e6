#pragma once
// ProgramSpec: a generated FR program as plain data (issue 5, `frsim pbt`).
//
// A spec is a list of nodes in creation order — sources, distributed sources,
// maps, folds, distributed folds and flattens (over a source the workload
// switches, or over a map that selects one of two reactives) — whose operators all come from
// small fixed menus, plus one workload per device, the world it runs in and
// the schedule that drives it. Because it is data, a spec prints as C++ code
// a user can paste into a scenario (to_cpp), round-trips through JSON, and
// becomes a sim::Scenario (to_scenario) that the world runs and the checker
// judges.
//
// Well-formedness (validate) is what keeps a correct engine passing every
// property, so that a finding is the engine's fault, never the program's:
//   - inputs refer to earlier nodes only (acyclic by construction, paper §3.1:
//     "location(µ)" is the next fresh location, so inputs already exist);
//   - a flatten's outer source holds a ref to an earlier node; a
//     flatten_select's outer map refers to one of two earlier nodes, chosen
//     by the value of a third (so refs only ever name existing reactives);
//   - a fold or distributed fold never reads anything derived from a
//     distributed reactive (paper §4.8: "fold reactives derived from a
//     distributed reactive must be distributed themselves to make the
//     application eventually consistent"; a local fold over one counts
//     receives, which differ per replica — the bug-local-fold scenario);
//   - workloads fire only local sources and flatten outers (a fire replaces a
//     value; on a distributed source that can deflate the replica, a program
//     bug, not the engine's). Distributed sources start from a per-device
//     contribution instead, which the replicas must join.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/value.hpp"
#include "sim/config.hpp"
#include "sim/scenario.hpp"

namespace frsim::checker::pbt {

// flatten: Flatten over a Source "o<i>" holding a ref, switched by fires.
// flatten_select: Flatten over a Map "o<i>" = select(condition, then, else)
// (a derived outer: in one propagation the outer and the inner reactive may
// both change; paper §3.3: "Flatten reactives are ready when the outer and
// the inner inputs are processed", inputs(r, µ) = {r0, µ(r0).val}).
enum class NodeKind : std::uint8_t { source, distributed_source, map, fold, distributed_fold, flatten, flatten_select };
// The lattice of a distributed reactive; its join is the merge (Value::join).
enum class CrdtKind : std::uint8_t { gcounter, maxint, gset };
// Map operators over the inputs' numbers (number() below), in input order.
enum class MapOp : std::uint8_t { sum, difference, max, min };
// Local fold operators: state' = op(state, number(input)).
enum class FoldOp : std::uint8_t { sum, count, max };

std::string_view to_string(NodeKind kind);
std::string_view to_string(CrdtKind kind);
std::string_view to_string(MapOp op);
std::string_view to_string(FoldOp op);

struct Node {
  NodeKind kind = NodeKind::source;
  // source: the initial integer; distributed_source: each device's contribution
  // (contribution()); fold: the initial state. Unused otherwise.
  std::int64_t initial = 0;
  CrdtKind crdt = CrdtKind::gcounter;  // distributed_source, distributed_fold
  MapOp map_op = MapOp::sum;           // map
  FoldOp fold_op = FoldOp::sum;        // fold
  // map: 1..map_inputs_max earlier nodes; fold, distributed_fold: one;
  // flatten: the node its outer source refers to initially;
  // flatten_select: {condition, then, else}, the outer map's one input and
  // the two nodes it may refer to.
  std::vector<std::uint32_t> inputs;

  friend bool operator==(const Node&, const Node&) = default;
};

// One workload action: fire the node's source. On a source the value is the
// new integer; on a flatten it is the index of the earlier node its outer
// source is switched to.
struct Fire {
  std::uint32_t node = 0;
  std::int64_t value = 0;
  friend bool operator==(const Fire&, const Fire&) = default;
};

struct ProgramSpec {
  std::vector<Node> nodes;
  std::vector<std::vector<Fire>> workloads;  // one per device: world.devices == workloads.size()
  sim::WorldConfig world;
  std::uint64_t world_seed = 0;
  // The schedule: at the i-th state the world applies enabled()[schedule[i] %
  // |enabled()|]; after the last choice (or when nothing is enabled) it heals.
  std::vector<std::uint32_t> schedule;

  friend bool operator==(const ProgramSpec&, const ProgramSpec&) = default;
};

inline constexpr std::size_t map_inputs_max = 3;
inline constexpr std::size_t nodes_max = 1000;

// ---- the operator menus (used by to_scenario and by the code to_cpp prints) --
// The number a value stands for: an integer itself; a G-Counter its count; a
// max-int its maximum (0 at bottom); a G-Set its size (Lasp's set size); 0 for
// anything else. Arithmetic wraps (two's complement) instead of overflowing.
std::int64_t number(const core::Value& v);
core::Value apply(MapOp op, core::Inputs inputs);
core::Value apply(FoldOp op, const core::Value& state, const core::Value& input);
// A distributed fold's inflation: device `replica` adds number(input) to its
// G-Counter entry (negative counts as 0), raises the max-int, or adds the
// number to the G-Set.
core::Value apply(CrdtKind kind, std::uint32_t replica, const core::Value& state, const core::Value& input);
core::Value bottom(CrdtKind kind);
// Device `replica`'s initial value of a distributed source: its G-Counter
// entry `amount`, max-int amount + replica, or the G-Set {amount + replica}.
core::Value contribution(CrdtKind kind, std::uint32_t replica, std::int64_t amount);
// A flatten_select's outer operator: a ref to `then_id` if number(condition)
// > 0, else to `else_id`.
core::Value select(const core::Value& condition, core::ReactiveId then_id, core::ReactiveId else_id);

// ---- meaning ---------------------------------------------------------------
// Throws core::Error naming the first rule a spec breaks (see the top).
void validate(const ProgramSpec& spec);
// Whether node i reads (transitively, through any flatten target it may get)
// a distributed reactive. Precondition: inputs refer to earlier nodes.
std::vector<bool> distributed_taint(const std::vector<Node>& nodes);
// Whether the workload may fire node i (a local source or a flatten).
bool fireable(NodeKind kind);
// The reactive id node i gets on every device (a flatten creates its outer
// first, "o<i>" — a source, or a map for flatten_select — then itself, "n<i>").
std::vector<core::ReactiveId> reactive_ids(const std::vector<Node>& nodes);
// The scenario "pbt": node i is labelled "n<i>"; defaults = spec.world.
// Validates first.
sim::Scenario to_scenario(const ProgramSpec& spec);

// ---- printing ----------------------------------------------------------------
// A C++ function returning the scenario, using core::Runtime calls and the
// menus above; paste it into a file that includes this header.
std::string to_cpp(const ProgramSpec& spec, std::string_view function_name = "pbt_case");
// One line per node, per device's workload, the world and the schedule.
std::string describe(const ProgramSpec& spec);

nlohmann::json to_json(const ProgramSpec& spec);
// Throws core::Error for a missing or mistyped field or an unknown name; the
// result is validated.
ProgramSpec spec_from_json(const nlohmann::json& j);

}  // namespace frsim::checker::pbt
