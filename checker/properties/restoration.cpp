#include "checker/properties/restoration.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

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
      for (core::ReactiveId r = 0; r < rt->size(); ++r) {
        d.committed[r] = Reactive{rt->kind(r), rt->label(r), rt->inputs(r), rt->value(r)};
      }
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
  for (core::ReactiveId r = 0; r < d.committed.size(); ++r) {
    const Reactive& before = d.committed[r];
    if (r >= rt->size()) {
      // Lemma 4.22 / Thm. 4.24: what an operator created is created again.
      report(device, before.label,
             fmt::format("d{}: {} {} existed at the last commit before the crash, but the restart did not "
                         "recreate it (only r0..r{} exist)",
                         device, core::to_string(before.kind), before.label.empty() ? fmt::format("r{}", r) : before.label,
                         rt->size() == 0 ? 0 : rt->size() - 1),
             {printed(before.value)});
      return;
    }
    if (const auto difference = differs(*rt, r, before)) {
      report(device, rt->label(r), fmt::format("d{}: {}", device, *difference), {printed(before.value)});
      return;
    }
    if (rt->value(r) == before.value) continue;
    report(device, rt->label(r),
           fmt::format("d{}: after restart {} {} = {}, but it was {} at the last commit before the crash", device,
                       core::to_string(rt->kind(r)), describe(world, device, r), rt->value(r).to_string(),
                       before.value.to_string()),
           {printed(before.value), printed(rt->value(r))});
    return;
  }
}

std::optional<std::string> Restoration::differs(const core::Runtime& rt, core::ReactiveId r,
                                                const Reactive& before) const {
  if (rt.kind(r) == before.kind && rt.label(r) == before.label && rt.inputs(r) == before.inputs) return std::nullopt;
  return fmt::format("r{} after restart is {} \"{}\" with inputs {}, but at the last commit before the crash it "
                     "was {} \"{}\" with inputs {} (created in another order: location(µ) differs)",
                     r, core::to_string(rt.kind(r)), rt.label(r), fmt::join(rt.inputs(r), ","),
                     core::to_string(before.kind), before.label, fmt::join(before.inputs, ","));
}

}  // namespace frsim::checker
