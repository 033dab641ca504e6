#include "checker/pbt/program.hpp"

#include <algorithm>
#include <array>
#include <memory>

#include <fmt/format.h>

#include "core/crdt/counters.hpp"
#include "core/crdt/sets.hpp"
#include "core/error.hpp"

namespace frsim::checker::pbt {

namespace {

using core::Value;
namespace crdt = core::crdt;

constexpr std::array<std::string_view, 7> node_kind_names = {"source",  "distributed_source", "map",
                                                             "fold",    "distributed_fold",   "flatten",
                                                             "flatten_select"};
constexpr std::array<std::string_view, 3> crdt_kind_names = {"gcounter", "maxint", "gset"};
constexpr std::array<std::string_view, 4> map_op_names = {"sum", "difference", "max", "min"};
constexpr std::array<std::string_view, 3> fold_op_names = {"sum", "count", "max"};

// A distributed fold adds at most this much per activation, so a G-Counter
// entry cannot overflow on any schedule of a generated program.
constexpr std::int64_t increment_max = 1000;

template <class Enum, std::size_t N>
Enum enum_from(const std::array<std::string_view, N>& names, std::string_view name, std::string_view what) {
  for (std::size_t i = 0; i < N; ++i) {
    if (names[i] == name) return static_cast<Enum>(i);
  }
  std::string message = "unknown ";
  message += what;
  message += fmt::format(" '{}' (known: {})", name, fmt::join(names, ", "));
  throw core::Error(message);
}

std::int64_t wrap_add(std::int64_t a, std::int64_t b) {
  return static_cast<std::int64_t>(static_cast<std::uint64_t>(a) + static_cast<std::uint64_t>(b));
}
std::int64_t wrap_sub(std::int64_t a, std::int64_t b) {
  return static_cast<std::int64_t>(static_cast<std::uint64_t>(a) - static_cast<std::uint64_t>(b));
}

std::string label(std::size_t i) { return fmt::format("n{}", i); }
std::string outer_label(std::size_t i) { return fmt::format("o{}", i); }

bool has_outer(NodeKind kind) { return kind == NodeKind::flatten || kind == NodeKind::flatten_select; }

std::string node_error(std::size_t i, std::string_view why) {
  std::string message = fmt::format("pbt program: node {} ", i);
  message += why;
  return message;
}

void validate_node(const std::vector<Node>& nodes, std::size_t i, const std::vector<bool>& taint) {
  const Node& n = nodes[i];
  for (const auto input : n.inputs) {
    if (input >= i) throw core::Error(node_error(i, fmt::format("reads node {}, which is not an earlier node", input)));
  }
  switch (n.kind) {
    case NodeKind::source:
    case NodeKind::distributed_source:
      if (!n.inputs.empty()) throw core::Error(node_error(i, "is a source and must have no inputs"));
      break;
    case NodeKind::map:
      if (n.inputs.empty() || n.inputs.size() > map_inputs_max) {
        throw core::Error(node_error(i, fmt::format("is a map and needs 1 to {} inputs", map_inputs_max)));
      }
      break;
    case NodeKind::fold:
    case NodeKind::distributed_fold:
      if (n.inputs.size() != 1) throw core::Error(node_error(i, "is a fold and needs exactly one input"));
      if (taint[n.inputs[0]]) {
        throw core::Error(node_error(i, "folds a value derived from a distributed reactive (paper §4.8)"));
      }
      break;
    case NodeKind::flatten:
      if (n.inputs.size() != 1) throw core::Error(node_error(i, "is a flatten and needs exactly one target"));
      break;
    case NodeKind::flatten_select:
      if (n.inputs.size() != 3) {
        throw core::Error(node_error(i, "is a flatten_select and needs a condition and two targets"));
      }
      break;
  }
  if (n.kind == NodeKind::distributed_source && n.initial < 0) {
    throw core::Error(node_error(i, "is a distributed source and needs a contribution >= 0"));
  }
}

void validate_fire(const ProgramSpec& spec, std::size_t device, const Fire& f) {
  if (f.node >= spec.nodes.size() || !fireable(spec.nodes[f.node].kind)) {
    throw core::Error(fmt::format("pbt program: device {} fires node {}, which is not a local source or flatten",
                                  device, f.node));
  }
  if (spec.nodes[f.node].kind == NodeKind::flatten && (f.value < 0 || f.value >= static_cast<std::int64_t>(f.node))) {
    throw core::Error(
        fmt::format("pbt program: device {} switches flatten {} to {}, which is not an earlier node", device, f.node,
                    f.value));
  }
}

}  // namespace

std::string_view to_string(NodeKind kind) { return node_kind_names.at(static_cast<std::size_t>(kind)); }
std::string_view to_string(CrdtKind kind) { return crdt_kind_names.at(static_cast<std::size_t>(kind)); }
std::string_view to_string(MapOp op) { return map_op_names.at(static_cast<std::size_t>(op)); }
std::string_view to_string(FoldOp op) { return fold_op_names.at(static_cast<std::size_t>(op)); }

// ---- the menus ---------------------------------------------------------------

std::int64_t number(const Value& v) {
  switch (v.kind()) {
    case core::Kind::integer:
      return v.as_int();
    case core::Kind::boolean:
      return v.as_bool() ? 1 : 0;
    case core::Kind::crdt: {
      const auto type = v.as_crdt().type_name();
      if (type == crdt::GCounter::type_name_v) return static_cast<std::int64_t>(crdt::as<crdt::GCounter>(v).count());
      if (type == crdt::MaxInt::type_name_v) {
        const auto& m = crdt::as<crdt::MaxInt>(v);
        return m.is_bottom() ? 0 : m.get();
      }
      if (type == crdt::GSet::type_name_v) return static_cast<std::int64_t>(crdt::as<crdt::GSet>(v).elements().size());
      return 0;
    }
    default:
      return 0;
  }
}

Value apply(MapOp op, core::Inputs inputs) {
  std::int64_t result = inputs.empty() ? 0 : number(inputs[0]);
  for (std::size_t i = 1; i < inputs.size(); ++i) {
    const std::int64_t n = number(inputs[i]);
    switch (op) {
      case MapOp::sum: result = wrap_add(result, n); break;
      case MapOp::difference: result = wrap_sub(result, n); break;
      case MapOp::max: result = std::max(result, n); break;
      case MapOp::min: result = std::min(result, n); break;
    }
  }
  return Value::integer(result);
}

Value apply(FoldOp op, const Value& state, const Value& input) {
  const std::int64_t s = number(state);
  switch (op) {
    case FoldOp::sum: return Value::integer(wrap_add(s, number(input)));
    case FoldOp::count: return Value::integer(wrap_add(s, 1));
    case FoldOp::max: return Value::integer(std::max(s, number(input)));
  }
  return state;
}

Value apply(CrdtKind kind, std::uint32_t replica, const Value& state, const Value& input) {
  const std::int64_t n = number(input);
  switch (kind) {
    case CrdtKind::gcounter: {
      const auto by = static_cast<std::uint64_t>(std::clamp<std::int64_t>(n, 0, increment_max));
      return crdt::to_value(crdt::as<crdt::GCounter>(state).increment(replica, by));
    }
    case CrdtKind::maxint: return crdt::to_value(crdt::as<crdt::MaxInt>(state).raise_to(n));
    case CrdtKind::gset: return crdt::to_value(crdt::as<crdt::GSet>(state).add(Value::integer(n)));
  }
  return state;
}

Value bottom(CrdtKind kind) {
  switch (kind) {
    case CrdtKind::gcounter: return crdt::to_value(crdt::GCounter::empty());
    case CrdtKind::maxint: return crdt::to_value(crdt::MaxInt::empty());
    case CrdtKind::gset: return crdt::to_value(crdt::GSet::empty());
  }
  return Value();
}

Value contribution(CrdtKind kind, std::uint32_t replica, std::int64_t amount) {
  switch (kind) {
    case CrdtKind::gcounter:
      return crdt::to_value(crdt::GCounter::empty()->increment(
          replica, static_cast<std::uint64_t>(std::clamp<std::int64_t>(amount, 0, increment_max))));
    case CrdtKind::maxint: return crdt::to_value(crdt::MaxInt::of(wrap_add(amount, replica)));
    case CrdtKind::gset: return crdt::to_value(crdt::GSet::empty()->add(Value::integer(wrap_add(amount, replica))));
  }
  return Value();
}

Value select(const Value& condition, core::ReactiveId then_id, core::ReactiveId else_id) {
  return Value::ref(number(condition) > 0 ? then_id : else_id);
}

// ---- meaning -------------------------------------------------------------------

bool fireable(NodeKind kind) { return kind == NodeKind::source || kind == NodeKind::flatten; }

std::vector<bool> distributed_taint(const std::vector<Node>& nodes) {
  std::vector<bool> taint(nodes.size(), false);
  bool any_earlier = false;  // a flatten may be switched to any earlier node
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    const Node& n = nodes[i];
    switch (n.kind) {
      case NodeKind::distributed_source:
      case NodeKind::distributed_fold: taint[i] = true; break;
      case NodeKind::flatten: taint[i] = any_earlier; break;
      default:  // maps, folds; a flatten_select reads its condition and either target
        for (const auto input : n.inputs) taint[i] = taint[i] || (input < i && taint[input]);
    }
    any_earlier = any_earlier || taint[i];
  }
  return taint;
}

std::vector<core::ReactiveId> reactive_ids(const std::vector<Node>& nodes) {
  std::vector<core::ReactiveId> ids;
  ids.reserve(nodes.size());
  core::ReactiveId next = 0;
  for (const Node& n : nodes) {
    if (has_outer(n.kind)) ++next;  // its outer
    ids.push_back(next++);
  }
  return ids;
}

void validate(const ProgramSpec& spec) {
  if (spec.nodes.empty()) throw core::Error("pbt program: needs at least one node");
  if (spec.nodes.size() > nodes_max) throw core::Error(fmt::format("pbt program: more than {} nodes", nodes_max));
  const auto taint = distributed_taint(spec.nodes);
  for (std::size_t i = 0; i < spec.nodes.size(); ++i) validate_node(spec.nodes, i, taint);
  sim::validate(spec.world);
  if (spec.workloads.size() != spec.world.devices) {
    throw core::Error(fmt::format("pbt program: {} workloads for {} devices", spec.workloads.size(),
                                  spec.world.devices));
  }
  for (std::size_t d = 0; d < spec.workloads.size(); ++d) {
    for (const Fire& f : spec.workloads[d]) validate_fire(spec, d, f);
  }
}

namespace {

void create_node(core::Runtime& rt, const sim::DeviceContext& ctx, const std::vector<Node>& nodes, std::size_t i,
                 const std::vector<core::ReactiveId>& ids) {
  const Node& n = nodes[i];
  std::vector<core::ReactiveId> inputs;
  for (const auto input : n.inputs) inputs.push_back(ids[input]);
  switch (n.kind) {
    case NodeKind::source: rt.source(Value::integer(n.initial), label(i)); return;
    case NodeKind::distributed_source:
      rt.distributed_source(label(i), contribution(n.crdt, ctx.device, n.initial));
      return;
    case NodeKind::map:
      rt.map(inputs, [op = n.map_op](core::Inputs in) { return apply(op, in); }, label(i));
      return;
    case NodeKind::fold:
      rt.fold(inputs[0], Value::integer(n.initial),
              [op = n.fold_op](const Value& state, const Value& v) { return apply(op, state, v); }, label(i));
      return;
    case NodeKind::distributed_fold:
      rt.distributed_fold(label(i), inputs[0], bottom(n.crdt),
                          [kind = n.crdt, replica = ctx.device](const Value& state, const Value& v) {
                            return apply(kind, replica, state, v);
                          });
      return;
    case NodeKind::flatten: {
      const auto outer = rt.source(Value::ref(inputs[0]), outer_label(i));
      rt.flatten(outer, label(i));
      return;
    }
    case NodeKind::flatten_select: {
      const auto outer = rt.map(
          {inputs[0]},
          [then_id = inputs[1], else_id = inputs[2]](core::Inputs in) {
            return select(in[0], then_id, else_id);
          },
          outer_label(i));
      rt.flatten(outer, label(i));
      return;
    }
  }
}

}  // namespace

sim::Scenario to_scenario(const ProgramSpec& spec) {
  validate(spec);
  auto shared = std::make_shared<const ProgramSpec>(spec);
  sim::Scenario s;
  s.name = "pbt";
  s.description = fmt::format("a generated program of {} nodes", spec.nodes.size());
  s.create = [shared](core::Runtime& rt, const sim::DeviceContext& ctx) {
    const auto ids = reactive_ids(shared->nodes);
    for (std::size_t i = 0; i < shared->nodes.size(); ++i) create_node(rt, ctx, shared->nodes, i, ids);
  };
  s.workload = [shared](std::uint32_t device, std::uint32_t) {
    std::vector<sim::Action> actions;
    if (device >= shared->workloads.size()) return actions;
    const auto ids = reactive_ids(shared->nodes);
    for (const Fire& f : shared->workloads[device]) {
      if (shared->nodes[f.node].kind == NodeKind::flatten) {
        actions.push_back(sim::Action::fire(outer_label(f.node), Value::ref(ids[static_cast<std::size_t>(f.value)])));
      } else {
        actions.push_back(sim::Action::fire(label(f.node), Value::integer(f.value)));
      }
    }
    return actions;
  };
  s.defaults = spec.world;
  return s;
}

// ---- printing ----------------------------------------------------------------

namespace {

std::string cpp_crdt(CrdtKind kind) { return fmt::format("pbt::CrdtKind::{}", to_string(kind)); }

std::string cpp_inputs(const Node& n) {
  std::vector<std::string> names;
  for (const auto input : n.inputs) names.push_back(label(input));
  return fmt::format("{}", fmt::join(names, ", "));
}

std::string cpp_node(const Node& n, std::size_t i) {
  switch (n.kind) {
    case NodeKind::source: return fmt::format("rt.source(Value::integer({}), \"{}\")", n.initial, label(i));
    case NodeKind::distributed_source:
      return fmt::format("rt.distributed_source(\"{}\", pbt::contribution({}, ctx.device, {}))", label(i),
                         cpp_crdt(n.crdt), n.initial);
    case NodeKind::map:
      return fmt::format(
          "rt.map({{{}}}, [](std::span<const Value> in) {{ return pbt::apply(pbt::MapOp::{}, in); }}, \"{}\")",
          cpp_inputs(n), to_string(n.map_op), label(i));
    case NodeKind::fold:
      return fmt::format(
          "rt.fold({}, Value::integer({}), [](const Value& s, const Value& v) {{ return pbt::apply(pbt::FoldOp::{}, "
          "s, v); }}, \"{}\")",
          cpp_inputs(n), n.initial, to_string(n.fold_op), label(i));
    case NodeKind::distributed_fold:
      return fmt::format(
          "rt.distributed_fold(\"{}\", {}, pbt::bottom({}), [d = ctx.device](const Value& s, const Value& v) {{ "
          "return pbt::apply({}, d, s, v); }})",
          label(i), cpp_inputs(n), cpp_crdt(n.crdt), cpp_crdt(n.crdt));
    case NodeKind::flatten:
    case NodeKind::flatten_select: return fmt::format("rt.flatten({}, \"{}\")", outer_label(i), label(i));
  }
  return {};
}

std::string cpp_fire(const ProgramSpec& spec, const Fire& f, const std::vector<core::ReactiveId>& ids) {
  if (spec.nodes[f.node].kind == NodeKind::flatten) {
    return fmt::format("sim::Action::fire(\"{}\", Value::ref({}) /* {} */)", outer_label(f.node),
                       ids[static_cast<std::size_t>(f.value)], label(static_cast<std::size_t>(f.value)));
  }
  return fmt::format("sim::Action::fire(\"{}\", Value::integer({}))", label(f.node), f.value);
}

// Which nodes later code names (their variables must exist, and only those,
// so that the pasted code compiles under -Wunused-variable).
std::vector<bool> named_later(const ProgramSpec& spec) {
  std::vector<bool> used(spec.nodes.size(), false);
  for (const Node& n : spec.nodes) {
    if (n.kind == NodeKind::flatten) continue;  // its target is a ref value, by id
    for (const auto input : n.inputs) used[input] = true;
  }
  return used;
}

}  // namespace

std::string to_cpp(const ProgramSpec& spec, std::string_view function_name) {
  const auto ids = reactive_ids(spec.nodes);
  const auto used = named_later(spec);
  std::string out;
  out += "// #include \"checker/pbt/program.hpp\"\n";
  out += fmt::format("frsim::sim::Scenario {}() {{\n", function_name);
  out += "  using namespace frsim;\n  using core::Value;\n  namespace pbt = checker::pbt;\n";
  out += "  sim::Scenario s;\n  s.name = \"";
  out += function_name;
  out += "\";\n  s.create = [](core::Runtime& rt, [[maybe_unused]] const sim::DeviceContext& ctx) {\n";
  for (std::size_t i = 0; i < spec.nodes.size(); ++i) {
    const Node& n = spec.nodes[i];
    if (n.kind == NodeKind::flatten) {
      out += fmt::format("    const auto {} = rt.source(Value::ref({}) /* {} */, \"{}\");\n", outer_label(i),
                         ids[n.inputs[0]], label(n.inputs[0]), outer_label(i));
    }
    if (n.kind == NodeKind::flatten_select) {
      out += fmt::format(
          "    const auto {} = rt.map({{{}}}, [t = {}, e = {}](std::span<const Value> in) {{ return pbt::select(in[0], "
          "t, e); }}, \"{}\");\n",
          outer_label(i), label(n.inputs[0]), label(n.inputs[1]), label(n.inputs[2]), outer_label(i));
    }
    out += "    ";
    if (used[i]) out += fmt::format("const auto {} = ", label(i));
    out += cpp_node(n, i);
    out += ";\n";
  }
  out += "  };\n  s.workload = [](std::uint32_t device, std::uint32_t) {\n";
  out += "    std::vector<sim::Action> actions;\n";
  for (std::size_t d = 0; d < spec.workloads.size(); ++d) {
    if (spec.workloads[d].empty()) continue;
    out += fmt::format("    if (device == {}) {{\n", d);
    for (const Fire& f : spec.workloads[d]) out += fmt::format("      actions.push_back({});\n", cpp_fire(spec, f, ids));
    out += "    }\n";
  }
  out += "    return actions;\n  };\n";
  const auto& w = spec.world;
  out += fmt::format("  s.defaults.devices = {};\n", w.devices);
  out += fmt::format("  s.defaults.drops = {};\n  s.defaults.dups = {};\n", w.drops, w.dups);
  out += fmt::format("  s.defaults.crashes = {};\n  s.defaults.partitions = {};\n", w.crashes, w.partitions);
  out += fmt::format("  s.defaults.grain = sim::Grain::{};\n", sim::to_string(w.grain));
  out += "  return s;\n}\n";
  return out;
}

std::string describe(const ProgramSpec& spec) {
  std::string out;
  for (std::size_t i = 0; i < spec.nodes.size(); ++i) {
    const Node& n = spec.nodes[i];
    out += fmt::format("  n{} = {}", i, to_string(n.kind));
    switch (n.kind) {
      case NodeKind::source: out += fmt::format(" {}", n.initial); break;
      case NodeKind::distributed_source: out += fmt::format(" {} {}", to_string(n.crdt), n.initial); break;
      case NodeKind::map: out += fmt::format(" {}({})", to_string(n.map_op), cpp_inputs(n)); break;
      case NodeKind::fold: out += fmt::format(" {}({}) from {}", to_string(n.fold_op), cpp_inputs(n), n.initial); break;
      case NodeKind::distributed_fold: out += fmt::format(" {}({})", to_string(n.crdt), cpp_inputs(n)); break;
      case NodeKind::flatten: out += fmt::format(" -> {}", cpp_inputs(n)); break;
      case NodeKind::flatten_select:
        out += fmt::format(" n{} > 0 ? n{} : n{}", n.inputs[0], n.inputs[1], n.inputs[2]);
        break;
    }
    out += "\n";
  }
  for (std::size_t d = 0; d < spec.workloads.size(); ++d) {
    std::vector<std::string> fires;
    for (const Fire& f : spec.workloads[d]) fires.push_back(fmt::format("n{}:{}", f.node, f.value));
    out += fmt::format("  d{} fires [{}]\n", d, fmt::join(fires, ", "));
  }
  out += fmt::format("  world {} (seed {})\n  schedule [{}]\n", to_json(spec.world).dump(), spec.world_seed,
                     fmt::join(spec.schedule, ", "));
  return out;
}

// ---- JSON ----------------------------------------------------------------------

nlohmann::json to_json(const ProgramSpec& spec) {
  nlohmann::json nodes = nlohmann::json::array();
  for (const Node& n : spec.nodes) {
    nlohmann::json j = {{"kind", to_string(n.kind)}, {"inputs", n.inputs}};
    switch (n.kind) {
      case NodeKind::source: j["initial"] = n.initial; break;
      case NodeKind::distributed_source: j["initial"] = n.initial; j["crdt"] = to_string(n.crdt); break;
      case NodeKind::map: j["op"] = to_string(n.map_op); break;
      case NodeKind::fold: j["initial"] = n.initial; j["op"] = to_string(n.fold_op); break;
      case NodeKind::distributed_fold: j["crdt"] = to_string(n.crdt); break;
      case NodeKind::flatten:
      case NodeKind::flatten_select: break;
    }
    nodes.push_back(std::move(j));
  }
  nlohmann::json workloads = nlohmann::json::array();
  for (const auto& fires : spec.workloads) {
    nlohmann::json list = nlohmann::json::array();
    for (const Fire& f : fires) list.push_back({{"node", f.node}, {"value", f.value}});
    workloads.push_back(std::move(list));
  }
  return {{"nodes", std::move(nodes)},
          {"workloads", std::move(workloads)},
          {"world", sim::to_json(spec.world)},
          {"world_seed", spec.world_seed},
          {"schedule", spec.schedule}};
}

ProgramSpec spec_from_json(const nlohmann::json& j) {
  ProgramSpec spec;
  try {
    for (const auto& jn : j.at("nodes")) {
      Node n;
      n.kind = enum_from<NodeKind>(node_kind_names, jn.at("kind").get<std::string>(), "node kind");
      n.inputs = jn.at("inputs").get<std::vector<std::uint32_t>>();
      n.initial = jn.value("initial", std::int64_t{0});
      if (jn.contains("crdt")) n.crdt = enum_from<CrdtKind>(crdt_kind_names, jn.at("crdt").get<std::string>(), "crdt");
      if (jn.contains("op")) {
        const auto op = jn.at("op").get<std::string>();
        if (n.kind == NodeKind::map) n.map_op = enum_from<MapOp>(map_op_names, op, "map op");
        if (n.kind == NodeKind::fold) n.fold_op = enum_from<FoldOp>(fold_op_names, op, "fold op");
      }
      spec.nodes.push_back(std::move(n));
    }
    for (const auto& jw : j.at("workloads")) {
      std::vector<Fire> fires;
      for (const auto& jf : jw) fires.push_back({jf.at("node").get<std::uint32_t>(), jf.at("value").get<std::int64_t>()});
      spec.workloads.push_back(std::move(fires));
    }
    spec.world = sim::config_from_json(j.at("world"));
    spec.world_seed = j.at("world_seed").get<std::uint64_t>();
    spec.schedule = j.at("schedule").get<std::vector<std::uint32_t>>();
  } catch (const nlohmann::json::exception& e) {
    std::string message = "pbt program: malformed JSON: ";
    message += e.what();
    throw core::Error(message);
  }
  validate(spec);
  return spec;
}

}  // namespace frsim::checker::pbt
