#pragma once
// Driving a world by hand in tests: fire one device's next action, let the
// network and the Lo workers run until nothing is left to do, read values.

#include <cstdint>
#include <memory>
#include <string_view>

#include "core/value.hpp"
#include "sim/world.hpp"

namespace frsim::scenarios::testing {

// A world of the named built-in scenario with its default configuration
// (devices overridable), no faults unless asked.
std::unique_ptr<sim::World> make_world(std::string_view scenario, std::uint32_t devices = 0,
                                       bool with_fault_budgets = false, std::uint64_t seed = 1);

// Applies device d's next workload action (its `fire` transition).
void fire(sim::World& world, std::uint32_t device);
// Applies the first enabled transition of `kind` on `device`; false if none.
bool apply_first(sim::World& world, sim::TransitionKind kind, std::uint32_t device);
// Reliable exchange without faults: propagation steps, deliveries, Lo steps
// and sends, first enabled first, until none is enabled (sends stop once every
// peer has every value). No workload action is fired.
void settle(sim::World& world);
// µ(r).val of the reactive labelled `label` on device d; fails the test if absent.
core::Value value(const sim::World& world, std::uint32_t device, std::string_view label);

}  // namespace frsim::scenarios::testing
