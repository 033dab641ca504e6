// Deliberately broken (paper §4.8): "fold reactives derived from a distributed
// reactive must be distributed themselves to make the application eventually
// consistent." Here a plain, local fold counts the updates of a replicated
// G-Counter; every receive re-folds, so replicas that saw different numbers of
// receives disagree after healing. Expected verdict: convergence.

#include "core/crdt/counters.hpp"
#include "core/crdt/rename.hpp"
#include "scenarios/registry.hpp"

namespace frsim::scenarios {

sim::Scenario bug_local_fold() {
  sim::Scenario s;
  s.name = "bug-local-fold";
  s.description = "a non-distributed fold downstream of a distributed counter (paper §4.8's warning)";
  s.create = [](core::Runtime& rt, const sim::DeviceContext& ctx) {
    using core::crdt::GCounter;
    const auto click = rt.source(core::Value::integer(0), "click");
    const auto replica = ctx.device;
    const auto clicks = rt.distributed_fold(
        "clicks", click, core::crdt::to_value(GCounter::empty()),
        [replica](const core::Value& state, const core::Value&) {
          return core::crdt::to_value(core::crdt::as<GCounter>(state).increment(replica, 1));
        });
    // The bug: counts activations of `clicks`, which differ per replica.
    rt.fold(clicks, core::Value::integer(0),
            [](const core::Value& seen, const core::Value&) { return core::Value::integer(seen.as_int() + 1); },
            "updates_seen");
  };
  s.workload = [](std::uint32_t, std::uint32_t) {
    return std::vector<sim::Action>{sim::Action::fire("click", core::Value::integer(1))};
  };
  // The replica id is the device number (the G-Counter's entries).
  s.rename_devices = core::crdt::rename_replicas;
  s.defaults.devices = 3;
  s.expected_violation = "convergence";
  return s;
}

}  // namespace frsim::scenarios
