// A replicated click counter: each device counts its own clicks in a G-Counter
// that is a distributed fold ("clicks"); every device derives the total and a
// flag that is raised once the total reaches a threshold only the devices
// together can reach.

#include <fmt/format.h>

#include "core/crdt/counters.hpp"
#include "core/crdt/rename.hpp"
#include "scenarios/registry.hpp"
#include "scenarios/scaffold.hpp"

namespace frsim::scenarios {

namespace {
constexpr std::int64_t threshold = 4;
}

sim::Scenario counter() {
  sim::Scenario s;
  s.name = "counter";
  s.description = "replicated G-Counter of clicks, a derived total and a threshold flag";
  s.create = [](core::Runtime& rt, const sim::DeviceContext& ctx) {
    using core::crdt::GCounter;
    // Each click increments this device's own entry (a G-Counter update inflates).
    const auto clicks = replicated_clicks(rt, ctx);
    const auto total = rt.map(
        {clicks},
        [](core::Inputs in) {
          return core::Value::integer(static_cast<std::int64_t>(core::crdt::as<GCounter>(in[0]).count()));
        },
        "total");
    rt.map({total}, [](core::Inputs in) { return core::Value::boolean(in[0].as_int() >= threshold); },
           "reached");
  };
  // Device d clicks twice; with 2+ devices only the merged total reaches the threshold.
  s.workload = [](std::uint32_t, std::uint32_t) {
    return std::vector<sim::Action>{sim::Action::fire("click", core::Value::integer(1)),
                                    sim::Action::fire("click", core::Value::integer(1))};
  };
  // The replica id is the device number: a permutation of devices renames
  // the G-Counter's entries, so the devices (same code, same clicks) are
  // interchangeable under symmetry reduction.
  s.rename_devices = core::crdt::rename_replicas;
  s.defaults.devices = 3;
  s.defaults.drops = 1;
  s.defaults.dups = 1;
  s.defaults.partitions = 1;
  return s;
}

}  // namespace frsim::scenarios
