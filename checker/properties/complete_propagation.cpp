#include "checker/properties/complete_propagation.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "core/wire.hpp"

namespace frsim::checker {

void CompletePropagation::on_event(const sim::Event& e, const sim::World& world) {
  if (e.device == sim::no_device) return;
  Device& d = at_grow(devices_, e.device);
  if (orders_) {
    d.probe.keeps_sends = false;  // only its run is read here
    d.probe.on_event(e, world, *orders_);
    if (e.kind == sim::EventKind::action_started) check_rebuilt(e, world, d);
    if (e.kind == sim::EventKind::committed || e.kind == sim::EventKind::aborted) d.probe.close();
  }
  switch (e.kind) {
    case sim::EventKind::action_started:
      if (d.open && joined_running_propagation(world, e.device)) {
        // An action started inside the running propagation: Lemma 4.13
        // (isolation) is broken, which is that property's finding. This
        // propagation goes on and is judged at its commit.
        break;
      }
      if (d.open) report_unfinished(e.device, d);
      d.open = true;
      d.action = e.text;
      // A Map's initial evaluation (rule (map)) sets no value: only fire and receive do.
      d.target = e.text.rfind("create ", 0) == 0 ? sim::no_reactive : e.reactive;
      d.target_value = e.values.empty() ? core::Value() : e.values.front();
      d.written.begin();
      d.read.clear();
      break;
    case sim::EventKind::reevaluated: d.read[e.reactive] = e.values; break;
    case sim::EventKind::written: d.written.test_and_set(e.reactive); break;
    case sim::EventKind::committed:
      d.open = false;
      check_commit(e, world, d);
      d.end();
      break;
    case sim::EventKind::aborted:
      if (e.message == 0) d.end();  // a propagation's abort, not a Lo task's
      break;
    case sim::EventKind::crashed: d.end(); break;
    default: break;
  }
}

// Lemma 4.7: a propagation runs until P = dom(µ) and ends with (commit); one
// that stops earlier leaves the reactives derived from its action stale.
void CompletePropagation::on_transition(const sim::World& world) {
  for (std::uint32_t device = 0; device < devices_.size(); ++device) {
    const Device& d = devices_[device];
    if (d.open && device < world.devices() && world.device(device).up() && !world.device(device).propagating()) {
      report_unfinished(device, d);
    }
  }
}

// Def. 4.9 against operators made afresh: where the creation code run again
// over the device's Σ (the ready orders' rebuild of this action's pre-state)
// gives a Map the same input values and another value, the device's operator
// is not a function of its inputs (a memo keyed by part of them, a counter of
// its calls, something it reads besides them). The checker's own re-run
// (check_value) cannot see it: its bench keeps one operator for the whole
// campaign, which remembers alike. A restart now would show the other value.
void CompletePropagation::check_rebuilt(const sim::Event& e, const sim::World& world, const Device& d) {
  if (!d.probe.run || d.probe.run->reproduced || d.probe.run->rebuilt.empty()) return;
  compare_rebuilt(world, e.device, d.probe.run->rebuilt);
}

// The same at the end of a schedule (healed, nothing propagating): the last
// action of a device starts no other whose pre-state would be rebuilt, so
// what that action made stale is looked for here, on the store as a restart
// would build it now.
void CompletePropagation::on_schedule_end(const sim::World& world) {
  on_transition(world);
  if (!orders_ || orders_->orders() == 0) return;  // --ready-orders 0: no rebuild, as at an action's start
  for (std::uint32_t device = 0; device < world.devices(); ++device) {
    const sim::Device& dev = world.device(device);
    const core::Runtime* rt = dev.runtime();
    if (!dev.up() || rt == nullptr || rt->propagating()) continue;
    const auto rebuilt =
        orders_->rebuilt(world.scenario(), device, world.devices(), rt->snapshot(), store_hash(*rt), labels_hash(*rt));
    if (!rebuilt->empty() && compare_rebuilt(world, device, *rebuilt)) return;
  }
}

bool CompletePropagation::compare_rebuilt(const sim::World& world, std::uint32_t device, const Rebuilt& again) {
  const core::Runtime* rt = world.device(device).runtime();
  if (rt == nullptr) return false;
  const std::vector<core::Value>& rebuilt = again.values;
  const auto named = [&](const std::vector<core::ReactiveId>& ids) {
    std::string out;
    for (core::ReactiveId i : ids) out += fmt::format("{}{}", out.empty() ? "" : ", ", describe(world, device, i));
    return out.empty() ? std::string("none") : out;
  };
  for (core::ReactiveId r = 0; r < rt->size() && r < rebuilt.size(); ++r) {
    if (rt->kind(r) != core::ReactiveKind::map || rt->creates_reactives(r) || rt->provenance(r) != 0) continue;
    if (rt->value(r) == rebuilt[r]) continue;
    const auto inputs = rt->inputs(r);
    if (r < again.inputs.size() && again.inputs[r] != inputs) {
      // Not the operator: the creation code wires the Map to other inputs
      // now than when the device ran it (it chose them from what it read
      // then: Σ's values at that time, or something else).
      report(device, rt->label(r),
             fmt::format("d{}: {} holds {}, but the creation code run again over the device's snapshot wires it to "
                         "other inputs ({}, where the device's reads {}) and it gives {} there: the graph depends on "
                         "when the creation code ran, and a restart now would show {}",
                         device, describe(world, device, r), rt->value(r).to_string(), named(again.inputs[r]),
                         named(inputs), rebuilt[r].to_string(), rebuilt[r].to_string()),
             {printed(rt->value(r)), printed(rebuilt[r])});
      return true;
    }
    const bool same_inputs = std::all_of(inputs.begin(), inputs.end(), [&](core::ReactiveId i) {
      return i < rebuilt.size() && rt->value(i) == rebuilt[i];
    });
    if (!same_inputs) continue;
    std::string read;
    for (core::ReactiveId i : inputs) read += fmt::format("{}{}", read.empty() ? "" : ", ", rt->value(i).to_string());
    report(device, rt->label(r),
           fmt::format("d{}: {} holds {}, but its operator as the creation code makes it again over the device's "
                       "snapshot gives {} on the same inputs ({}): the operator is not a function of its inputs (it "
                       "remembers what it saw, or reads something besides them), and a restart now would show {}",
                       device, describe(world, device, r), rt->value(r).to_string(), rebuilt[r].to_string(),
                       read, rebuilt[r].to_string()),
           {printed(rt->value(r)), printed(rebuilt[r])});
    return true;
  }
  return false;
}

void CompletePropagation::report_unfinished(std::uint32_t device, const Device& d) {
  report(device, {}, fmt::format("d{}: the propagation of \"{}\" ended without (commit)", device, d.action));
}

void CompletePropagation::check_commit(const sim::Event& e, const sim::World& world, Device& d) {
  const core::Runtime* rt = world.device(e.device).runtime();
  if (rt == nullptr) return;
  count_judged();
  std::vector<bool> active(rt->size(), false);
  for (const auto& id : e.values) {
    const auto r = static_cast<std::size_t>(id.as_int());
    if (r < active.size()) active[r] = true;
  }
  // "the action changes the correct reactive µ'(r).val = v"
  if (d.target < rt->size() && rt->value(d.target) != d.target_value) {
    report(e.device, rt->label(d.target),
           fmt::format("d{}: the action set {} to {}, but it is {} at commit", e.device,
                       describe(world, e.device, d.target), d.target_value.to_string(),
                       rt->value(d.target).to_string()),
           {printed(d.target_value), printed(rt->value(d.target))});
    return;
  }
  for (core::ReactiveId r = 0; r < rt->size(); ++r) {
    if (rt->kind(r) == core::ReactiveKind::source) {
      if (d.written.test(r) && !active[r]) {
        report(e.device, rt->label(r), fmt::format("d{}: inactive source {} was written", e.device,
                                                  describe(world, e.device, r)));
        return;
      }
      continue;
    }
    const auto inputs = rt->inputs(r);
    // Lemma 4.8: the active set is exactly the reactives derived from the action.
    const bool derived_from_active =
        std::any_of(inputs.begin(), inputs.end(), [&](core::ReactiveId i) { return i != r && active[i]; });
    if (derived_from_active && !active[r]) {
      report(e.device, rt->label(r),
             fmt::format("d{}: {} is derived from an active reactive but was not reevaluated before commit",
                         e.device, describe(world, e.device, r)),
             {printed(rt->value(r))});
      return;
    }
    if (!active[r]) {
      if (d.written.test(r)) {
        report(e.device, rt->label(r), fmt::format("d{}: inactive {} was written", e.device,
                                                  describe(world, e.device, r)));
        return;
      }
      continue;
    }
    auto it = d.read.find(r);
    if (it == d.read.end()) continue;  // active without reevaluation: the action's own target
    // Def. 4.9: complete iff reevaluating r on the final inputs gives µ'(r). A
    // fold reads its own old state, so only its input r1 is compared.
    const std::size_t first = rt->kind(r) == core::ReactiveKind::fold ? 1 : 0;
    for (std::size_t k = first; k < inputs.size() && k < it->second.size(); ++k) {
      if (it->second[k] != rt->value(inputs[k])) {
        report(e.device, rt->label(r),
               fmt::format("d{}: {} was reevaluated with {} = {}, but {} is {} at commit", e.device,
                           describe(world, e.device, r), describe(world, e.device, inputs[k]),
                           it->second[k].to_string(), describe(world, e.device, inputs[k]),
                           rt->value(inputs[k]).to_string()),
               {printed(it->second[k]), printed(rt->value(inputs[k]))});
        return;
      }
    }
    if (!check_value(world, e.device, r, it->second, active)) return;
  }
}

bool CompletePropagation::check_value(const sim::World& world, std::uint32_t device, core::ReactiveId r,
                                      const std::vector<core::Value>& read, const std::vector<bool>& active) {
  const core::Runtime& rt = *world.device(device).runtime();
  const auto inputs = rt.inputs(r);
  std::vector<core::Value> committed;
  for (auto i : inputs) committed.push_back(rt.value(i));
  if (rt.kind(r) == core::ReactiveKind::fold) {
    // Fig. 8: a fold is outdated when r1 ∈ A (or r, which only this
    // reevaluation puts there).
    if (!active[inputs[1]]) {
      report(device, rt.label(r),
             fmt::format("d{}: fold {} was reevaluated, but its input {} is not active", device,
                         describe(world, device, r), describe(world, device, inputs[1])),
             {printed(rt.value(r))});
      return false;
    }
    if (read.empty()) return true;
    committed[0] = read[0];  // the state it folded from
  }
  if (rt.creates_reactives(r) || rt.provenance(r) != 0) {
    // Its operator creates reactives (applied again on a copy it would create
    // them at other locations), or an operator created it (a copy rebuilt
    // from Σ has it only from the last commit on): its value is not recomputed.
    note("complete-propagation: operators that create reactives, or that an operator created, are checked on their "
         "inputs only");
    return true;
  }
  std::optional<core::Value> expected;
  try {
    expected = reevaluated_by_checker(world, device, r, committed);
  } catch (const std::exception& error) {
    report(device, rt.label(r),
           fmt::format("d{}: {} holds {}, but its operator on its inputs' committed values fails: {}", device,
                       describe(world, device, r), rt.value(r).to_string(), error.what()),
           {printed(rt.value(r))});
    return false;
  }
  if (!expected || *expected == rt.value(r)) return true;
  // The device may run the operator of its first start, which the creation
  // code does not make again over today's Σ: one that reads Σ, or an
  // operator whose result depends on what it saw first (a memo). The engine
  // is then right, and the program's operators depend on when they were
  // made: a restart would change what r computes (Thm. 4.24).
  std::optional<core::Value> as_started;
  try {
    as_started = reevaluated_by_checker(world, device, r, committed, true);
  } catch (const std::exception&) {
    // That operator fails here; the one over Σ gave another value: reported below.
  }
  if (as_started && *as_started == rt.value(r)) {
    report(device, rt.label(r),
           fmt::format("d{}: {} holds {}, what its operator as the device made it gives on its inputs' committed "
                       "values, but the creation code run again over the device's snapshot makes one that gives {}: "
                       "the operator depends on when it was made (it reads the snapshot, or remembers what it saw "
                       "first), so a restart would change what it computes (Thm. 4.24)",
                       device, describe(world, device, r), rt.value(r).to_string(), expected->to_string()),
           {printed(*expected), printed(rt.value(r))});
    return false;
  }
  report(device, rt.label(r),
         fmt::format("d{}: {} holds {} at commit, but its operator on its inputs' committed values gives {} (the "
                     "engine wrote what the operator did not compute, or the operator is not a function of its "
                     "inputs)",
                     device, describe(world, device, r), rt.value(r).to_string(), expected->to_string()),
         {printed(*expected), printed(rt.value(r))});
  return false;
}

std::optional<core::Value> CompletePropagation::reevaluated_by_checker(const sim::World& world,
                                                                       std::uint32_t device, core::ReactiveId r,
                                                                       std::span<const core::Value> inputs,
                                                                       bool as_started) {
  auto value = benches_->apply(world, device, r, inputs, as_started);
  if (!value) note("complete-propagation: reactives the creation code does not rebuild are checked on their inputs only");
  return value;
}

std::shared_ptr<OperatorBenches::Bench> OperatorBenches::bench(std::uint32_t device, bool as_started) {
  std::lock_guard lock(mutex_);
  auto& slot = at_grow(benches_, 2 * device + (as_started ? 1 : 0));
  if (!slot) slot = std::make_shared<Bench>();
  return slot;
}

std::optional<core::Value> OperatorBenches::apply(const sim::World& world, std::uint32_t device, core::ReactiveId r,
                                                  std::span<const core::Value> inputs, bool as_started) {
  const core::Runtime& real = *world.device(device).runtime();
  const auto held = bench(device, as_started);
  Bench& bench = *held;
  std::lock_guard lock(bench.mutex);
  const auto same = [&] {
    const core::Runtime* b = bench.runtime.get();
    return b != nullptr && bench.scenario.get() == &world.scenario() && bench.devices == world.devices() &&
           r < b->size() && b->kind(r) == real.kind(r) && b->label(r) == real.label(r) &&
           b->inputs(r).size() == real.inputs(r).size() && b->provenance(r) == real.provenance(r);
  };
  if (!same()) {
    // The graph as the device has it now: its creation code over its Σ.
    bench.runtime.reset();
    bench.scenario = world.scenario_ptr();
    bench.devices = world.devices();
    bench.sigma = world.device(device).snapshot();
    if (as_started) {
      // The initial store's Σ, with what was created since: the records
      // replay with the values they read.
      core::Snapshot started;
      started.creations = bench.sigma.creations;
      bench.sigma = std::move(started);
    }
    try {
      bench.runtime = std::make_unique<core::Runtime>(bench.sigma);
      world.scenario().create(*bench.runtime, sim::DeviceContext{device, world.devices()});
      core::restore_after_creation_code(*bench.runtime, device);  // as sim::World's restart does
    } catch (const std::exception&) {
      bench.runtime.reset();
    }
    if (!same()) return std::nullopt;
  }
  return bench.runtime->apply_operator(r, inputs);
}

}  // namespace frsim::checker
