// Deliberately broken (paper §4.8): "fold reactives derived from a distributed
// reactive must be distributed themselves to make the application eventually
// consistent." Here a plain, local fold counts the updates of a replicated
// G-Counter; every receive re-folds, so replicas that saw different numbers of
// receives disagree after healing. Expected verdict: convergence.

#include "core/crdt/rename.hpp"
#include "scenarios/registry.hpp"
#include "scenarios/scaffold.hpp"

namespace frsim::scenarios {

sim::Scenario bug_local_fold() {
  auto s = broken_scenario("bug-local-fold",
                           "a non-distributed fold downstream of a distributed counter (paper §4.8's warning)", 3,
                           "convergence");
  s.create = [](core::Runtime& rt, const sim::DeviceContext& ctx) {
    const auto clicks = replicated_clicks(rt, ctx);
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
  return s;
}

}  // namespace frsim::scenarios
