#include "checker/properties/convergence.hpp"

#include <fmt/format.h>

#include "core/wire.hpp"

namespace frsim::checker {

namespace {

std::string device_list(const std::vector<std::uint32_t>& devices) {
  std::string out;
  for (auto d : devices) out += fmt::format("{}d{}", out.empty() ? "" : ", ", d);
  return out;
}

struct Diverging {
  std::string name;
  std::uint32_t device = 0;
  std::vector<std::string> values;  // "d0 <value>", per device
};

// The distributed reactive to name in a divergence: the first on which a
// device disagrees with d0 at the end, else the first one there is.
Diverging diverging_reactive(const sim::World& world) {
  std::map<std::string, std::vector<std::string>> values;  // name -> printed value per device
  for (std::uint32_t d = 0; d < world.devices(); ++d) {
    for (const auto& [name, v] : world.device(d).distributed_values()) {
      values[name].push_back(fmt::format("d{} {}", d, printed(v)));
    }
  }
  const auto first = world.device(0).distributed_values();
  for (std::uint32_t d = 1; d < world.devices(); ++d) {
    for (const auto& [other, w] : world.device(d).distributed_values()) {
      for (const auto& [name, v] : first) {
        if (other == name && !(v == w)) return {name, d, values[name]};
      }
    }
  }
  if (values.empty()) return {};
  return {values.begin()->first, 0, values.begin()->second};
}

}  // namespace

void Convergence::on_schedule_end(const sim::World& world) {
  const sim::HealOutcome& heal = world.heal_outcome();
  if (world.healed() && !heal.quiesced()) {
    count_judged();
    report_divergence(world, heal);
    return;
  }
  const sim::Scenario& scenario = world.scenario();
  // identity -> (device, reactive) of every device where it is compared.
  std::map<std::string, std::vector<std::pair<std::uint32_t, core::ReactiveId>>> compared;
  for (std::uint32_t d = 0; d < world.devices(); ++d) {
    const core::Runtime* rt = world.device(d).runtime();
    if (rt == nullptr) continue;  // healing restarts every device; a crashed one has nothing to compare
    const auto replicated = replicated_reactives(*rt);
    for (const auto& [identity, r] : by_identity(*rt, d, replicated, scenario)) {
      compared[identity].emplace_back(d, r);
    }
    note_local_fed(world, d, replicated);
  }
  std::map<std::string, std::vector<std::uint32_t>> alone;
  bool judged = false;
  for (const auto& [identity, places] : compared) {
    if (places.size() < 2) {
      if (world.devices() > 1) alone[identity].push_back(places.front().first);
      continue;
    }
    judged = true;
    const auto [d0, r0] = places.front();
    // References by global name: a reference to a reactive of the device's
    // own store is not one to another device's (core/wire.hpp, §3.4).
    const core::Runtime& first = *world.device(d0).runtime();
    const auto holder = [](const core::Runtime& rt, core::ReactiveId r) {
      return rt.is_distributed(r) ? core::Holder::distributed : core::Holder::local;
    };
    const core::Value reference = core::global_form(first, d0, first.value(r0), holder(first, r0));
    for (std::size_t k = 1; k < places.size(); ++k) {
      const auto [d, r] = places[k];
      const core::Runtime& rt = *world.device(d).runtime();
      const core::Value here = core::global_form(rt, d, rt.value(r), holder(rt, r));
      if (here == reference) continue;
      report(d, rt.label(r).empty() ? identity : rt.label(r),
             fmt::format("after healing d{} and d{} disagree on {} {}: {} vs {}", d0, d, core::to_string(rt.kind(r)),
                         identity, printed(reference), printed(here)),
             {printed(reference), printed(here)});
      count_judged();
      return;
    }
  }
  if (judged) count_judged();
  note_uncompared(world, alone);
}

// What reads a distributed reactive and also a local source is not compared
// (the source may hold something else on each device: a selection, a
// setting); the report names it, so that "holds" says what it covers. (A
// fold there that re-folds received values diverges unseen: paper §4.8.)
void Convergence::note_local_fed(const sim::World& world, std::uint32_t device, const std::vector<bool>& replicated) {
  const core::Runtime& rt = *world.device(device).runtime();
  const auto derived = derived_from_distributed(rt);
  std::vector<bool> local_fed(rt.size(), false);
  bool any = false;
  for (core::ReactiveId r = 0; r < rt.size() && r < replicated.size(); ++r) {
    local_fed[r] = derived[r] && !replicated[r];
    any = any || local_fed[r];
  }
  if (!any) return;
  for (const auto& [identity, r] : by_identity(rt, device, local_fed, world.scenario())) {
    note(fmt::format("convergence: not compared, reads a local source as well as a distributed reactive: {}",
                     identity));
  }
}

// The report lists what was not compared, so that "holds" says what it covers.
void Convergence::note_uncompared(const sim::World& world,
                                  const std::map<std::string, std::vector<std::uint32_t>>& alone) {
  const sim::Scenario& scenario = world.scenario();
  if (!scenario.device_local.empty()) {
    std::string labels;
    for (const auto& l : scenario.device_local) labels += fmt::format("{}{}", labels.empty() ? "" : ", ", l);
    note(fmt::format("convergence: not compared across devices, device-local by the scenario (and what reads "
                     "them): {}",
                     labels));
  }
  if (alone.empty()) return;
  std::string list;
  for (const auto& [identity, devices] : alone) {
    list += fmt::format("{}{} (only on {})", list.empty() ? "" : ", ", identity, device_list(devices));
  }
  note("convergence: not compared, on one device only: " + list);
}

void Convergence::report_divergence(const sim::World& world, const sim::HealOutcome& heal) {
  const auto [name, device, values] = diverging_reactive(world);
  std::string values_text;
  for (const auto& v : values) values_text += fmt::format("{}{}", values_text.empty() ? "" : ", ", v);
  const std::string premise =
      "Lemma 4.16's premise fails: the merge is not a join, or the program keeps producing values";
  if (heal.kind == sim::HealOutcome::Kind::cycle) {
    std::string cycle;
    for (const auto& t : heal.cycle) cycle += fmt::format("{}{}", cycle.empty() ? "" : "; ", t);
    if (heal.cycle_steps > heal.cycle.size()) cycle += "; …";
    report(device, name,
           fmt::format("healing never quiesces: after round {} the world is back in a state it was in before (a "
                       "cycle of {} transitions: {}); {} at the end: {}. {}",
                       heal.rounds, heal.cycle_steps, cycle, name, values_text, premise),
           values);
    return;
  }
  report(device, name,
         fmt::format("healing did not quiesce within its budget ({} rounds, {} transitions; values still {}, "
                     "{} at the end: {}). {}",
                     heal.rounds, heal.steps,
                     heal.outgrown ? fmt::format("grow: the distributed values hold more than {} times what they "
                                                 "held when healing began",
                                                 sim::HealOutcome::outgrown_factor)
                                   : "change",
                     name, values_text, premise),
         values);
}

}  // namespace frsim::checker
