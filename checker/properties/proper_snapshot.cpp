#include "checker/properties/proper_snapshot.hpp"

#include <fmt/format.h>

namespace frsim::checker {

void ProperSnapshot::on_event(const sim::Event& e, const sim::World& world) {
  if (e.kind != sim::EventKind::committed || e.device == sim::no_device) return;
  const core::Runtime* rt = world.device(e.device).runtime();
  if (rt == nullptr) return;
  count_judged();
  const auto& sigma = world.device(e.device).snapshot().values;
  for (core::ReactiveId r = 0; r < rt->size(); ++r) {
    const auto kind = rt->kind(r);
    if (kind != core::ReactiveKind::source && kind != core::ReactiveKind::fold) continue;
    auto it = sigma.find(r);
    if (it == sigma.end()) {
      report(e.device, rt->label(r),
             fmt::format("d{}: {} {} is not in the snapshot after commit", e.device, core::to_string(kind),
                         describe(world, e.device, r)),
             {printed(rt->value(r))});
      return;
    }
    if (it->second != rt->value(r)) {
      report(e.device, rt->label(r),
             fmt::format("d{}: after commit Σ({}) = {} but µ({}).val = {}", e.device, describe(world, e.device, r),
                         it->second.to_string(), rt->label(r), rt->value(r).to_string()),
             {printed(it->second), printed(rt->value(r))});
      return;
    }
  }
}

}  // namespace frsim::checker
