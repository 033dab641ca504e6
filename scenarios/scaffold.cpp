#include "scenarios/scaffold.hpp"

#include <algorithm>

#include "core/crdt/counters.hpp"

namespace frsim::scenarios {

sim::Scenario broken_scenario(std::string name, std::string description, std::uint32_t devices,
                              std::string property) {
  sim::Scenario s;
  s.name = std::move(name);
  s.description = std::move(description);
  s.defaults.devices = devices;
  s.expected_violation = std::move(property);
  return s;
}

sim::Scenario broken_lo_application(std::string name, std::string description, std::vector<sim::LoService> services,
                                    std::string property) {
  auto s = broken_scenario(std::move(name), std::move(description), 2, std::move(property));
  s.create = [](core::Runtime&, const sim::DeviceContext&) {};
  s.services = std::move(services);
  return s;
}

core::ReactiveId create(core::Runtime& rt, const UserMergedFold& fold) {
  const auto source = rt.source(fold.source_initial, fold.source);
  return rt.distributed_fold(fold.name, source, fold.initial, fold.step, fold.merge);
}

sim::Scenario broken_merge(std::string name, std::string description, UserMergedFold fold, std::uint32_t devices,
                           std::string property) {
  auto s = broken_scenario(std::move(name), std::move(description), devices, std::move(property));
  s.create = [fold = std::move(fold)](core::Runtime& rt, const sim::DeviceContext&) { create(rt, fold); };
  return s;
}

core::ReactiveId replicated_clicks(core::Runtime& rt, const sim::DeviceContext& ctx) {
  using core::crdt::GCounter;
  const auto click = rt.source(core::Value::integer(0), "click");
  const auto replica = ctx.device;
  return rt.distributed_fold("clicks", click, core::crdt::to_value(GCounter::empty()),
                             [replica](const core::Value& state, const core::Value& by) {
                               const auto amount = static_cast<std::uint64_t>(std::max<std::int64_t>(by.as_int(), 0));
                               return core::crdt::to_value(core::crdt::as<GCounter>(state).increment(replica, amount));
                             });
}

Workload only_on(std::uint32_t device, std::vector<sim::Action> actions) {
  return [device, actions = std::move(actions)](std::uint32_t d, std::uint32_t) {
    return d == device ? actions : std::vector<sim::Action>{};
  };
}

}  // namespace frsim::scenarios
