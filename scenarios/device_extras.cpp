// Sound: devices whose creation code differs before the shared part. Device 1
// first makes two reactives of its own — a "theme" source and a "greeting"
// map that reads its device number — so every reactive it makes afterwards
// has an id two higher than on the other devices. Then every device makes the
// replicated click counter "clicks" (a G-Counter, replica id = device index),
// its "total", and a "badge" that shows the total with the device's number:
// device-local on purpose, so the scenario marks it (Scenario::device_local)
// and no property compares it across devices. Device 1 ends with "doubled", a
// map of the total that only it has.
//
// Convergence matches reactives by label, not by creation position: "clicks"
// and "total" are compared on every device; "badge" is left out as marked;
// "doubled" exists on d1 only and is listed, not compared. (Compared by id,
// d1's "total" would meet d0's "badge", a false alarm.)
//
// Workload: every device clicks once. Expected verdict: every property holds.

#include <fmt/format.h>

#include "core/crdt/counters.hpp"
#include "scenarios/registry.hpp"

namespace frsim::scenarios {

sim::Scenario device_extras() {
  using core::Value;
  using core::crdt::GCounter;
  sim::Scenario s;
  s.name = "device-extras";
  s.description = "device 1 makes two local reactives before the shared counter; a device-local badge";
  s.create = [](core::Runtime& rt, const sim::DeviceContext& ctx) {
    const std::int64_t me = ctx.device;
    if (me == 1) {
      const auto theme = rt.source(Value::string("dark"), "theme");
      rt.map({theme}, [me](core::Inputs in) {
        return Value::string(fmt::format("hello from d{} ({})", me, in[0].as_string()));
      }, "greeting");
    }
    const auto click = rt.source(Value::integer(0), "click");
    const auto replica = ctx.device;
    const auto clicks = rt.distributed_fold("clicks", click, core::crdt::to_value(GCounter::empty()),
                                            [replica](const Value& state, const Value&) {
                                              return core::crdt::to_value(
                                                  core::crdt::as<GCounter>(state).increment(replica, 1));
                                            });
    const auto total = rt.map({clicks}, [](core::Inputs in) {
      return Value::integer(static_cast<std::int64_t>(core::crdt::as<GCounter>(in[0]).count()));
    }, "total");
    rt.map({total}, [me](core::Inputs in) {
      return Value::string(fmt::format("d{}: {} clicks", me, in[0].as_int()));
    }, "badge");
    if (me == 1) {
      rt.map({total}, [](core::Inputs in) { return Value::integer(2 * in[0].as_int()); }, "doubled");
    }
  };
  s.workload = [](std::uint32_t, std::uint32_t) {
    return std::vector<sim::Action>{sim::Action::fire("click", Value::integer(1))};
  };
  s.device_local = {"badge"};
  s.defaults.devices = 3;
  s.defaults.drops = 1;
  s.defaults.crashes = 1;
  return s;
}

}  // namespace frsim::scenarios
