#include "checker/properties/restoration.hpp"

#include <fmt/format.h>

namespace frsim::checker {

void Restoration::on_event(const sim::Event& e, const sim::World& world) {
  if (e.device == sim::no_device) return;
  Device& d = at_grow(devices_, e.device);
  switch (e.kind) {
    case sim::EventKind::restarted: d.restoring = true; break;
    case sim::EventKind::action_started:
      // The first action after the creation code: the creation prefix is over
      // (a Map's initial evaluation is part of creation).
      if (d.restoring && e.text.rfind("create ", 0) != 0) judge(world, e.device);
      break;
    case sim::EventKind::committed: {
      if (d.restoring) break;  // creation-time commits: compared, not recorded
      const core::Runtime* rt = world.device(e.device).runtime();
      if (rt == nullptr) break;
      d.committed.resize(rt->size());
      for (core::ReactiveId r = 0; r < rt->size(); ++r) d.committed[r] = rt->value(r);
      break;
    }
    default: break;
  }
}

void Restoration::on_transition(const sim::World& world) {
  for (std::uint32_t d = 0; d < devices_.size(); ++d) {
    if (devices_[d].restoring) judge(world, d);
  }
}

void Restoration::on_schedule_end(const sim::World& world) { on_transition(world); }

void Restoration::judge(const sim::World& world, std::uint32_t device) {
  Device& d = devices_[device];
  d.restoring = false;
  const core::Runtime* rt = world.device(device).runtime();
  if (rt == nullptr || d.committed.empty()) return;
  count_judged();
  const auto n = std::min<std::size_t>(rt->size(), d.committed.size());
  for (core::ReactiveId r = 0; r < n; ++r) {
    if (rt->value(r) == d.committed[r]) continue;
    report(device, rt->label(r),
           fmt::format("d{}: after restart {} {} = {}, but it was {} at the last commit before the crash", device,
                       core::to_string(rt->kind(r)), describe(world, device, r), rt->value(r).to_string(),
                       d.committed[r].to_string()),
           {printed(d.committed[r]), printed(rt->value(r))});
    return;
  }
}

}  // namespace frsim::checker
