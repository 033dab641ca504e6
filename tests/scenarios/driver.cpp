#include <algorithm>
#include "driver.hpp"

#include <gtest/gtest.h>

#include "scenarios/registry.hpp"

namespace frsim::scenarios::testing {

std::unique_ptr<sim::World> make_world(std::string_view scenario, std::uint32_t devices, bool with_fault_budgets,
                                       std::uint64_t seed) {
  auto s = get(scenario);
  sim::WorldConfig config = s->defaults;
  if (devices != 0) config.devices = devices;
  if (!with_fault_budgets) config.drops = config.dups = config.crashes = config.partitions = 0;
  return std::make_unique<sim::World>(s, config, seed);
}

bool apply_first(sim::World& world, sim::TransitionKind kind, std::uint32_t device) {
  for (const auto& t : world.enabled()) {
    if (t.kind == kind && t.device == device) {
      world.apply(t);
      return true;
    }
  }
  return false;
}

void fire(sim::World& world, std::uint32_t device) {
  ASSERT_TRUE(apply_first(world, sim::TransitionKind::fire, device)) << "d" << device << " has no action left";
}

void settle(sim::World& world) {
  auto exchange = [](sim::TransitionKind k) {
    return k == sim::TransitionKind::step || k == sim::TransitionKind::deliver || k == sim::TransitionKind::lo ||
           k == sim::TransitionKind::send;
  };
  // Deliveries before sends: a value a receiver cannot take yet (its reactive
  // is created later, World::resend_later) is sent again, and taking that send
  // first forever would starve the message that creates it.
  for (bool progress = true; progress;) {
    progress = false;
    const auto enabled = world.enabled();
    auto pick = std::find_if(enabled.begin(), enabled.end(),
                             [&](const sim::Transition& t) { return exchange(t.kind) && t.kind != sim::TransitionKind::send; });
    if (pick == enabled.end()) {
      pick = std::find_if(enabled.begin(), enabled.end(), [&](const sim::Transition& t) { return exchange(t.kind); });
    }
    if (pick != enabled.end()) {
      world.apply(*pick);
      progress = true;
    }
  }
}

core::Value value(const sim::World& world, std::uint32_t device, std::string_view label) {
  auto v = world.device(device).value(label);
  EXPECT_TRUE(v.has_value()) << "d" << device << " has no reactive labelled " << label;
  return v.value_or(core::Value());
}

}  // namespace frsim::scenarios::testing
