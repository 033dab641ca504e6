#include "checker/properties/confluence.hpp"

#include <fmt/format.h>

#include "core/error.hpp"
#include "sim/prng.hpp"

namespace frsim::checker {

ConfluenceTable::Outcome ConfluenceTable::record(std::uint32_t device, std::uint64_t before,
                                                 const std::string& action, Outcome outcome) {
  std::lock_guard lock(mutex_);
  auto key = std::make_tuple(device, before, action);
  auto it = outcomes_.find(key);
  if (it != outcomes_.end()) return it->second;
  if (outcomes_.size() < entries_max) outcomes_.emplace(std::move(key), outcome);
  return outcome;
}

std::size_t ConfluenceTable::size() const {
  std::lock_guard lock(mutex_);
  return outcomes_.size();
}

void Confluence::on_event(const sim::Event& e, const sim::World& world) {
  if (e.device == sim::no_device) return;
  Device& d = at_grow(devices_, e.device);
  switch (e.kind) {
    case sim::EventKind::action_started: {
      const core::Runtime* rt = world.device(e.device).runtime();
      // At (fire)/(receive) the store is still µ: A and P are empty.
      d.running = rt != nullptr;
      d.orders = false;
      if (rt != nullptr) d.before = rt->fingerprint();
      d.action = e.text;
      // The same action means the same value too: a printed form may hide a
      // CRDT's metadata (an OR-Map prints only its present keys).
      for (const auto& v : e.values) d.action += fmt::format(" #{}", sim::hex16(v.hash()));
      break;
    }
    case sim::EventKind::committed: {
      if (!d.running) break;
      d.running = false;
      const core::Runtime* rt = world.device(e.device).runtime();
      if (rt == nullptr) break;
      const ConfluenceTable::Outcome now{rt->fingerprint(), e.step};
      // Judged where the ready order was a choice: other schedules take the
      // other orders from the same key, and the table compares them.
      if (d.orders) count_judged();
      const auto first = table_->record(e.device, d.before, d.action, now);
      if (first.after != now.after) {
        report(e.device, e.reactive_label,
               fmt::format("d{}: the same store and action \"{}\" committed to different stores ({} at step {} "
                           "of an earlier schedule, {} now)",
                           e.device, d.action, sim::hex16(first.after), first.first_seen_step, sim::hex16(now.after)),
               {sim::hex16(first.after), sim::hex16(now.after)});
      }
      break;
    }
    case sim::EventKind::aborted:
    case sim::EventKind::crashed: d.running = false; break;
    default: break;
  }
}

// Fine grain: the world offers a step per outdated ready reactive, so two or
// more of them at once is a point where schedules order the propagation
// differently. Coarse grain runs each propagation in one transition, with
// one order: nothing for this property to compare.
void Confluence::on_transition(const sim::World& world) {
  for (std::uint32_t device = 0; device < devices_.size() && device < world.devices(); ++device) {
    Device& d = devices_[device];
    if (!d.running || d.orders || !world.device(device).propagating()) continue;
    d.orders = world.device(device).runtime()->ready(true).size() > 1;
  }
}

namespace {

std::unique_ptr<core::Runtime> build(const sim::Scenario& scenario, core::Snapshot& sigma, std::uint32_t device,
                                     std::uint32_t devices, const std::vector<sim::Action>& prefix) {
  core::RuntimeOptions options;
  if (scenario.customize_runtime) scenario.customize_runtime(device, options);
  auto rt = std::make_unique<core::Runtime>(sigma, std::move(options));
  scenario.create(*rt, sim::DeviceContext{device, devices});
  for (const auto& a : prefix) {
    auto r = rt->find(a.target);
    if (a.kind != sim::Action::Kind::fire || !r) throw core::Error("check_confluence: prefix fires sources only");
    rt->fire(*r, a.value);
  }
  return rt;
}

}  // namespace

std::optional<sim::Finding> check_confluence(const sim::Scenario& scenario, std::uint32_t device,
                                             std::uint32_t devices, const std::vector<sim::Action>& prefix,
                                             const sim::Action& action, std::uint32_t orders, std::uint64_t seed) {
  sim::Prng prng(seed);
  std::optional<std::uint64_t> first;
  for (std::uint32_t k = 0; k < orders; ++k) {
    core::Snapshot sigma;
    auto rt = build(scenario, sigma, device, devices, prefix);
    auto r = rt->find(action.target);
    if (!r) throw core::Error(fmt::format("check_confluence: no reactive labelled '{}'", action.target));
    auto result = rt->begin_fire(*r, action.value);
    while (rt->propagating()) {
      const auto ready = rt->ready();
      result = rt->step(ready.at(prng.below(ready.size())));
    }
    if (!result.committed) return std::nullopt;  // an aborted action commits nothing in any order
    const std::uint64_t after = rt->fingerprint();
    if (!first) first = after;
    if (*first != after) {
      return sim::Finding{"confluence",
                          fmt::format("d{}: action \"{}\" committed to store {} in one ready order and {} in another",
                                      device, action.description(), sim::hex16(*first), sim::hex16(after)),
                          device, action.target, {sim::hex16(*first), sim::hex16(after)}};
    }
  }
  return std::nullopt;
}

}  // namespace frsim::checker
