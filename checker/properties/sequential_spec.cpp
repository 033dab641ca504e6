#include "checker/properties/sequential_spec.hpp"

#include <set>

#include <fmt/format.h>

#include "checker/properties/convergence.hpp"

namespace frsim::checker {

std::vector<core::Value> sequential_oracle(const sim::Scenario& scenario, std::uint32_t devices,
                                           const std::vector<std::pair<std::string, core::Value>>& updates) {
  core::Snapshot sigma;
  core::Runtime rt(sigma);  // the plain engine: mutants are what the oracle judges
  scenario.create(rt, sim::DeviceContext{0, devices});
  for (const auto& [name, value] : updates) rt.receive(name, value);
  std::vector<core::Value> out;
  out.reserve(rt.size());
  for (core::ReactiveId r = 0; r < rt.size(); ++r) out.push_back(rt.value(r));
  return out;
}

void SequentialSpec::on_event(const sim::Event& e, const sim::World& /*world*/) {
  if (e.kind == sim::EventKind::action_started && e.reactive != sim::no_reactive && e.text.rfind("fire ", 0) == 0) {
    if (e.reactive >= fired_.size()) fired_.resize(e.reactive + 1, false);
    fired_[e.reactive] = true;
  }
}

namespace {

// Distributed reactives computed from another replicated reactive (e.g. a
// distributed fold over a distributed set): their values are not users'
// updates, so the oracle recomputes them instead of being fed them — fed, it
// would echo whatever the replicas computed, right or wrong.
std::set<std::string> derived_replicas(const core::Runtime& rt) {
  const auto replicated = replicated_reactives(rt);
  std::set<std::string> out;
  for (const auto& [name, r] : rt.distributed()) {
    for (core::ReactiveId i : rt.inputs(r)) {
      if (i != r && i < replicated.size() && replicated[i]) out.insert(name);
    }
  }
  return out;
}

}  // namespace

void SequentialSpec::on_schedule_end(const sim::World& world) {
  std::vector<std::pair<std::string, core::Value>> updates;
  const core::Runtime* shape = nullptr;
  std::set<std::string> derived;
  for (std::uint32_t d = 0; d < world.devices(); ++d) {
    const core::Runtime* rt = world.device(d).runtime();
    if (rt == nullptr) continue;
    if (shape == nullptr) {
      shape = rt;
      derived = derived_replicas(*rt);
    }
    for (auto& update : world.device(d).distributed_values()) {
      if (!derived.contains(update.first)) updates.push_back(std::move(update));
    }
  }
  if (shape == nullptr) return;
  std::vector<bool> never_fired(shape->size(), true);
  for (std::size_t r = 0; r < fired_.size() && r < never_fired.size(); ++r) never_fired[r] = !fired_[r];
  const auto compared = replicated_reactives(*shape, never_fired);
  const auto oracle = sequential_oracle(world.scenario(), world.devices(), updates);
  for (std::uint32_t d = 0; d < world.devices(); ++d) {
    const core::Runtime* rt = world.device(d).runtime();
    if (rt == nullptr) continue;
    const auto n = std::min({rt->size(), oracle.size(), compared.size()});
    for (core::ReactiveId r = 0; r < n; ++r) {
      if (!compared[r] || rt->value(r) == oracle[r]) continue;
      report(d, rt->label(r),
             fmt::format("d{}: {} {} = {}, but the sequential specification (one device, the join of all "
                         "updates) computes {}",
                         d, core::to_string(rt->kind(r)), describe(world, d, r), rt->value(r).to_string(),
                         oracle[r].to_string()),
             {printed(oracle[r]), printed(rt->value(r))});
      return;
    }
  }
}

}  // namespace frsim::checker
