#include "checker/properties/restoration.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <utility>

#include "core/wire.hpp"

namespace frsim::checker {

std::shared_ptr<const Restoration::Frozen> Restoration::freeze(const core::Runtime& rt, const core::Snapshot& sigma) {
  auto frozen = std::make_shared<Frozen>();
  frozen->sigma = sigma;
  frozen->runtime = std::make_unique<core::Runtime>(rt, frozen->sigma, nullptr);
  return frozen;
}

void Restoration::on_event(const sim::Event& e, const sim::World& world) {
  if (e.device == sim::no_device) return;
  Device& d = at_grow(devices_, e.device);
  switch (e.kind) {
    case sim::EventKind::restarted:
      d.restoring = true;
      d.before_crash.reset();
      break;
    case sim::EventKind::merged:
      if (e.values.size() == 3) d.remote = e.values[1];
      break;
    case sim::EventKind::action_started:
      // A Map's initial evaluation is part of creation, not an action.
      if (e.text.rfind("create ", 0) == 0) break;
      // The first action after the creation code: the creation prefix is over.
      if (d.restoring) judge(world, e.device);
      start_action(e, world, d);
      break;
    case sim::EventKind::committed:
      if (d.restoring) break;  // creation-time commits: compared, not recorded
      d.dirty = true;
      compare_action(e, world, d);
      break;
    case sim::EventKind::created: {
      // Outside a propagation a creation is durable at once (a workload
      // action's, sim::Action::create: Σ has its sources and its record),
      // with or without a commit after it (a Source alone makes none).
      const core::Runtime* rt = world.device(e.device).runtime();
      if (d.restoring || rt == nullptr || rt->propagating()) break;
      d.dirty = true;
      d.before_crash.reset();  // not run on the copy of D: Lemma 4.23 no longer applies
      break;
    }
    case sim::EventKind::aborted:
      if (e.message != 0) break;  // a Lo task's
      d.action.reset();
      // Thm. 4.24: "the creation prefix ... is restored exactly as before a
      // crash". The creation code that built this device's store threw on
      // the store's snapshot (sim::World::start_device).
      if (d.restoring && world.device(e.device).restart_failed()) {
        count_judged();
        report(e.device, "",
               fmt::format("d{}: {}: the creation code, run again on the snapshot, cannot rebuild the store it "
                           "built before the crash (Thm. 4.24); the device stays down",
                           e.device, e.text));
      }
      break;
    case sim::EventKind::crashed:
      d.action.reset();
      d.remote.reset();
      break;
    default: break;
  }
}

void Restoration::start_action(const sim::Event& e, const sim::World& world, Device& d) {
  d.action.reset();
  const core::Runtime* rt = world.device(e.device).runtime();
  const bool fire = e.text.rfind("fire ", 0) == 0;
  const bool receive = e.text.rfind("receive ", 0) == 0 && d.remote.has_value();
  if (d.before_crash && rt != nullptr && (fire || receive) && !e.values.empty()) {
    d.action = Action{receive, e.reactive, receive ? rt->label(e.reactive) : std::string(),
                      receive ? *d.remote : e.values[0]};
  }
  d.remote.reset();
}

// Lemma 4.23: D' just committed its action; D runs the same one.
void Restoration::compare_action(const sim::Event& e, const sim::World& world, Device& d) {
  const auto action = std::exchange(d.action, std::nullopt);
  const core::Runtime* rt = world.device(e.device).runtime();
  if (!action || !d.before_crash || rt == nullptr) return;
  auto next = freeze(*d.before_crash->runtime, d.before_crash->sigma);
  core::Runtime& before = *std::const_pointer_cast<Frozen>(next)->runtime;
  const core::ActionResult result = action->receive ? before.receive(action->name, action->value)
                                                     : before.fire(action->reactive, action->value);
  if (!result.committed) {
    d.before_crash.reset();
    return;
  }
  count_judged();
  const auto common = std::min(rt->size(), before.size());
  for (core::ReactiveId r = 0; r < common; ++r) {
    if (rt->value(r) == before.value(r)) continue;
    report(e.device, rt->label(r),
           fmt::format("d{}: after restart \"{}\" set {} {} to {}, but the same action on the device as it was "
                       "before the crash sets it to {} (Lemma 4.23)",
                       e.device, e.text, core::to_string(rt->kind(r)), describe(world, e.device, r),
                       rt->value(r).to_string(), before.value(r).to_string()),
           {printed(before.value(r)), printed(rt->value(r))});
    return;
  }
  d.before_crash = std::move(next);
}

// The store the creation code built: what a crash before any commit leaves.
void Restoration::on_start(const sim::World& world) {
  for (std::uint32_t device = 0; device < world.devices(); ++device) at_grow(devices_, device).dirty = true;
  on_transition(world);
}

void Restoration::on_transition(const sim::World& world) {
  for (std::uint32_t device = 0; device < devices_.size() && device < world.devices(); ++device) {
    Device& d = devices_[device];
    if (d.restoring) judge(world, device);
    // Between transitions a commit has ended: copy D as a crash would leave it.
    const core::Runtime* rt = world.device(device).runtime();
    if (d.dirty && rt != nullptr && !rt->propagating()) {
      d.committed = freeze(*rt, rt->snapshot());
      d.dirty = false;
    }
  }
}

void Restoration::on_schedule_end(const sim::World& world) { on_transition(world); }

namespace {

// A value as the restoration finding prints it; a reference with what it
// denotes, since a restart may give ids a different meaning ("#3 (source
// widget = 0)").
std::string denoted(const core::Runtime& rt, const core::Value& v) {
  if (v.kind() != core::Kind::ref || v.as_ref() >= rt.size()) return v.to_string();
  const core::ReactiveId target = v.as_ref();
  return fmt::format("{} ({} {} = {})", v.to_string(), core::to_string(rt.kind(target)),
                     rt.label(target).empty() ? fmt::format("r{}", target) : rt.label(target),
                     rt.value(target).to_string());
}

}  // namespace

void Restoration::judge(const sim::World& world, std::uint32_t device) {
  Device& d = devices_[device];
  d.restoring = false;
  const core::Runtime* rt = world.device(device).runtime();
  if (rt == nullptr || !d.committed) return;
  count_judged();
  const core::Runtime& before = *d.committed->runtime;
  d.before_crash = d.committed;
  for (core::ReactiveId r = 0; r < before.size(); ++r) {
    if (r >= rt->size()) {
      // Lemma 4.22 / Thm. 4.24: what an operator created is created again.
      report(device, before.label(r),
             fmt::format("d{}: {} {} existed at the last commit before the crash, but the restart did not "
                         "recreate it (only r0..r{} exist)",
                         device, core::to_string(before.kind(r)),
                         before.label(r).empty() ? fmt::format("r{}", r) : before.label(r),
                         rt->size() == 0 ? 0 : rt->size() - 1),
             {printed(before.value(r))});
      return;
    }
    if (const auto difference = differs(*rt, r, before)) {
      report(device, rt->label(r), fmt::format("d{}: {}", device, *difference), {printed(before.value(r))});
      return;
    }
    if (rt->value(r) == before.value(r)) continue;
    report(device, rt->label(r),
           fmt::format("d{}: after restart {} {} = {}, but it was {} at the last commit before the crash", device,
                       core::to_string(rt->kind(r)), describe(world, device, r), denoted(*rt, rt->value(r)),
                       denoted(before, before.value(r))),
           {printed(before.value(r)), printed(rt->value(r))});
    return;
  }
  // Thm. 4.24 both ways: the restart rebuilds the store the device had, and
  // no more. A creation code that makes a reactive only when something Σ
  // restores says so (a setting read at start) changes the graph at a restart
  // with no action of the user's; the device that did not crash never has it.
  // Not a replica of a promoted remote reactive (§3.4): a receive makes one
  // outside any commit, into Σ at once, so the restart rebuilds it from Σ
  // though the copy taken at the last commit may not have it yet.
  const auto replica = [&](core::ReactiveId r) {
    if (core::is_replicated_value(rt->value(r))) return true;  // the replica's source
    const auto inputs = rt->inputs(r);                           // its view, the Map over it
    return rt->kind(r) == core::ReactiveKind::map && inputs.size() == 1 &&
           core::is_replicated_value(rt->value(inputs[0]));
  };
  for (auto r = static_cast<core::ReactiveId>(before.size()); r < rt->size(); ++r) {
    if (replica(r)) continue;
    report(device, rt->label(r),
           fmt::format("d{}: after restart {} {} exists, but the store at the last commit before the crash had {}: "
                       "the restart built more than the device had (Thm. 4.24)",
                       device, core::to_string(rt->kind(r)), describe(world, device, r),
                       before.size() == 0 ? std::string("no reactive") : fmt::format("only r0..r{}", before.size() - 1)),
           {printed(rt->value(r))});
    return;
  }
}

std::optional<std::string> Restoration::differs(const core::Runtime& rt, core::ReactiveId r,
                                                const core::Runtime& before) const {
  if (rt.kind(r) == before.kind(r) && rt.label(r) == before.label(r) && rt.inputs(r) == before.inputs(r)) {
    return std::nullopt;
  }
  return fmt::format("r{} after restart is {} \"{}\" with inputs {}, but at the last commit before the crash it "
                     "was {} \"{}\" with inputs {} (created in another order: location(µ) differs)",
                     r, core::to_string(rt.kind(r)), rt.label(r), fmt::join(rt.inputs(r), ","),
                     core::to_string(before.kind(r)), before.label(r), fmt::join(before.inputs(r), ","));
}

}  // namespace frsim::checker
