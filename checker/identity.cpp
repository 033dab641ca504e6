#include "checker/identity.hpp"

#include <algorithm>
#include <tuple>

#include <fmt/format.h>

#include "core/wire.hpp"

namespace frsim::checker {

namespace {

enum class Mark : std::uint8_t { unknown, visiting, replicated, local, constant };

Mark classify(const core::Runtime& rt, core::ReactiveId r, const std::vector<bool>& ok, std::vector<Mark>& marks) {
  Mark& m = marks[r];
  if (m != Mark::unknown && m != Mark::visiting) return m;
  if (m == Mark::visiting) return Mark::constant;  // no cycles in a valid store; be safe
  m = Mark::visiting;
  Mark result = Mark::constant;
  if (rt.is_distributed(r)) {
    result = Mark::replicated;
  } else if (rt.kind(r) == core::ReactiveKind::source) {
    result = r < ok.size() && ok[r] ? Mark::constant : Mark::local;
  } else {
    for (core::ReactiveId i : rt.inputs(r)) {
      if (i == r || i >= rt.size()) continue;  // a fold's own state; a restored constant
      const Mark im = classify(rt, i, ok, marks);
      if (im == Mark::local) {
        result = Mark::local;
        break;
      }
      if (im == Mark::replicated) result = Mark::replicated;
    }
  }
  marks[r] = result;
  return result;
}

// The inputs that name a reactive's place in the graph: a fold's own state
// and a flatten's current inner reactive (a dynamic edge) do not.
std::vector<core::ReactiveId> shape_inputs(const core::Runtime& rt, core::ReactiveId r) {
  const auto inputs = rt.inputs(r);
  const bool flatten = rt.kind(r) == core::ReactiveKind::flatten;
  std::vector<core::ReactiveId> out;
  for (std::size_t k = 0; k < inputs.size() && !(flatten && k > 0); ++k) {
    if (inputs[k] != r && inputs[k] < rt.size()) out.push_back(inputs[k]);
  }
  return out;
}

}  // namespace

std::vector<std::string> identities(const core::Runtime& rt, std::uint32_t device) {
  std::vector<std::string> out(rt.size());
  // A distributed reactive is known by its name, which is its label unless
  // it was promoted (§3.4): then two devices' reactives of one label are
  // two reactives ("d0/r1", "d1/r1"), and the creator's is the one its
  // replicas hold (core/wire.hpp).
  for (const auto& d : rt.distributed_reactives()) {
    if (d.id < out.size()) out[d.id] = d.name;
  }
  // Unlabelled reactives in waves: a reactive's wave is one more than its
  // inputs' (labelled ones are wave 0). Inputs are created before the
  // reactives that read them (ids ascend along every static edge), so one
  // pass in id order finds every wave.
  std::vector<std::vector<core::ReactiveId>> waves(1);  // waves[w]: the unlabelled reactives of wave w
  std::vector<std::uint32_t> wave(rt.size(), 0);
  // One label on several reactives of the creation code (a copy-paste
  // mistake, or a pattern): the second is "label#1", and so on, in creation
  // order, which is the code's on every device; before, only the first was
  // compared and the others were silently left out. Reactives created later
  // (by operators and workload actions, recorded in Σ) may be made in other
  // orders on other devices: their label stays theirs, the first one's.
  const auto& records = rt.snapshot().creations;
  const core::ReactiveId code_end = records.empty() ? static_cast<core::ReactiveId>(rt.size()) : records.front().first;
  std::map<std::string, std::uint32_t> labelled;
  for (core::ReactiveId r = 0; r < rt.size(); ++r) {
    if (!out[r].empty()) continue;
    if (!rt.label(r).empty()) {
      const std::uint32_t k = r < code_end ? labelled[rt.label(r)]++ : 0;
      out[r] = k == 0 ? rt.label(r) : fmt::format("{}#{}", rt.label(r), k);
      continue;
    }
    std::uint32_t w = 1;
    for (core::ReactiveId i : shape_inputs(rt, r)) {
      if (i < r) w = std::max(w, wave[i] + 1);
    }
    wave[r] = w;
    if (waves.size() <= w) waves.resize(w + 1);
    waves[w].push_back(r);
  }
  // Within a wave, Maps and Flattens of one shape (kind and inputs'
  // identities) are numbered by their values, not by their ids: their value
  // is a function of the inputs they share, so on one device the values tell
  // their operators apart, and two devices that make `2 * total` and
  // `total + 1` in opposite orders have the same two reactives. Values in
  // global form (core/wire.hpp), so the order does not depend on ids; a
  // shape with one reactive needs no value.
  // A Fold's or a Source's value is its history, not a function of its
  // inputs: two of one shape whose values swapped between devices are two
  // reactives that diverged (ranked by value, a multiset comparison would
  // see nothing). Those the creation code made are numbered in creation
  // order, which is the code's on every device, as labels are; those made
  // later (operators, workload actions) may be made in other orders on
  // other devices, and keep the value ranking.
  for (const auto& members : waves) {
    std::map<std::string, std::vector<core::ReactiveId>> shapes;
    for (const core::ReactiveId r : members) {
      std::string shape = fmt::format("{}(", core::to_string(rt.kind(r)));
      bool first = true;
      for (core::ReactiveId i : shape_inputs(rt, r)) {
        if (!first) shape += ", ";
        first = false;
        shape += i < r ? out[i] : fmt::format("r{}", i);
      }
      shape += ")";
      shapes[shape].push_back(r);
    }
    for (auto& [shape, ids] : shapes) {
      if (ids.size() > 1) {
        const core::ReactiveKind kind = rt.kind(ids.front());
        const bool history = kind == core::ReactiveKind::fold || kind == core::ReactiveKind::source;
        // (0, "", id) in creation order first, then (1, value, id).
        std::vector<std::tuple<int, std::string, core::ReactiveId>> ranked;
        for (const core::ReactiveId r : ids) {
          if (history && r < code_end) {
            ranked.emplace_back(0, std::string(), r);
            continue;
          }
          const auto bytes = core::global_form(rt, device, rt.value(r), core::Holder::distributed).encode();
          ranked.emplace_back(1, std::string(bytes.begin(), bytes.end()), r);
        }
        std::sort(ranked.begin(), ranked.end());
        for (std::size_t k = 0; k < ranked.size(); ++k) ids[k] = std::get<2>(ranked[k]);
      }
      for (std::size_t k = 0; k < ids.size(); ++k) out[ids[k]] = fmt::format("{}#{}", shape, k);
    }
  }
  return out;
}

std::vector<bool> replicated_reactives(const core::Runtime& rt, const std::vector<bool>& local_sources_ok) {
  std::vector<Mark> marks(rt.size(), Mark::unknown);
  std::vector<bool> out(rt.size(), false);
  for (core::ReactiveId r = 0; r < rt.size(); ++r) {
    out[r] = classify(rt, r, local_sources_ok, marks) == Mark::replicated;
  }
  return out;
}

namespace {

// The reactives that are `root` or read one, transitively. Ids ascend along
// static edges; a flatten's dynamic inner reactive may be younger, so the
// passes repeat until nothing changes (a few at most).
template <class Root>
std::vector<bool> downstream(const core::Runtime& rt, Root&& root) {
  std::vector<bool> out(rt.size(), false);
  for (bool changed = true; changed;) {
    changed = false;
    for (core::ReactiveId r = 0; r < rt.size(); ++r) {
      if (out[r]) continue;
      const auto inputs = rt.inputs(r);
      const bool reads = std::any_of(inputs.begin(), inputs.end(),
                                     [&](core::ReactiveId i) { return i != r && i < out.size() && out[i]; });
      if (!root(r) && !reads) continue;
      out[r] = true;
      changed = true;
    }
  }
  return out;
}

}  // namespace

std::vector<bool> derived_from_distributed(const core::Runtime& rt) {
  return downstream(rt, [&](core::ReactiveId r) { return rt.is_distributed(r); });
}

std::vector<bool> device_local(const core::Runtime& rt, const sim::Scenario& scenario) {
  if (scenario.device_local.empty()) return std::vector<bool>(rt.size(), false);
  return downstream(rt, [&](core::ReactiveId r) { return is_device_local(scenario, rt.label(r)); });
}

bool is_device_local(const sim::Scenario& scenario, const std::string& label) {
  return std::find(scenario.device_local.begin(), scenario.device_local.end(), label) != scenario.device_local.end();
}

std::map<std::string, core::ReactiveId> by_identity(const core::Runtime& rt, std::uint32_t device,
                                                     const std::vector<bool>& selected, const sim::Scenario& scenario) {
  const auto names = identities(rt, device);
  const auto local = device_local(rt, scenario);
  std::map<std::string, core::ReactiveId> out;
  for (core::ReactiveId r = 0; r < rt.size() && r < selected.size(); ++r) {
    if (!selected[r] || local[r]) continue;
    out.emplace(names[r], r);
  }
  return out;
}

}  // namespace frsim::checker
