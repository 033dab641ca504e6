// A board of references (paper §3.4, "Sending nested reactives"): the
// distributed map "board" holds, per device, a reference to that device's
// local fold "mine" (how often its user clicked). A device joins the board
// by adding its own entry; the first reference on the board is flattened
// into "first". Every "mine" is promoted by its creator when the board first
// carries it, and a crash of the creator must not undo that (dom(M) is the
// configuration's, §3.4): the replicas keep following the clicks made after
// the restart, and d1's "mine" is never compared with d0's.
// Workload: each device joins, then clicks twice.
// Expected verdict: every property holds.

#include "scenarios/registry.hpp"
#include "scenarios/scaffold.hpp"

namespace frsim::scenarios {

namespace {

using core::Value;

// Union by key: each device writes only its own key, once, with the same
// reference, so the union is a join of the writes.
Value union_by_key(const Value& local, const Value& remote) {
  core::ValueMap out = local.as_map();
  for (const auto& [key, ref] : remote.as_map()) {
    const auto at = std::lower_bound(out.begin(), out.end(), key,
                                     [](const auto& entry, const Value& k) { return entry.first < k; });
    if (at == out.end() || !(at->first == key)) out.emplace(at, key, ref);
  }
  return Value::map(std::move(out));
}

}  // namespace

sim::Scenario ref_board() {
  sim::Scenario s;
  s.name = "ref-board";
  s.description = "a distributed map of references to each device's local click counter (§3.4 promotion, crashes)";
  s.create = [](core::Runtime& rt, const sim::DeviceContext& ctx) {
    // What "first" shows while the board is empty: a reactive every device has.
    const auto none = rt.distributed_source(
        "none", Value::integer(0), [](const Value& a, const Value& b) { return a.as_int() >= b.as_int() ? a : b; });
    const auto click = rt.source(Value::unit(), "click");
    const auto mine = rt.fold(click, Value::integer(0),
                              [](const Value& n, const Value&) { return Value::integer(n.as_int() + 1); }, "mine");
    const auto join = rt.source(Value::unit(), "join");
    const auto me = Value::integer(static_cast<std::int64_t>(ctx.device));
    const auto board = rt.distributed_fold(
        "board", join, Value::map({}),
        [mine, me](const Value& entries, const Value&) {
          return union_by_key(entries, Value::map({{me, Value::ref(mine)}}));
        },
        union_by_key);
    const auto first = rt.map(
        {board},
        [none](core::Inputs in) { return in[0].as_map().empty() ? Value::ref(none) : in[0].as_map().front().second; },
        "first ref");
    rt.flatten(first, "first");
  };
  s.workload = [](std::uint32_t, std::uint32_t) {
    return std::vector<sim::Action>{sim::Action::fire("join", Value::unit()), sim::Action::fire("click", Value::unit()),
                                    sim::Action::fire("click", Value::unit())};
  };
  s.defaults.devices = 2;
  s.defaults.drops = 1;
  s.defaults.dups = 0;
  s.defaults.crashes = 1;
  return s;
}

}  // namespace frsim::scenarios
