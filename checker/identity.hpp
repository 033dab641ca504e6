#pragma once
// Which reactive on one device is which on another, and which reactives
// replicas must agree on (issue 13: convergence by identity).
//
// A reactive is known by its label, a distributed one by its name (a
// promoted reactive's differs from its label, §3.4); an unlabelled one by its kind and its inputs' identities, numbered
// among the reactives of the same shape by their values ("map(clicks)#0" holds
// the least value in global form). A label the creation code gives several
// reactives numbers the later ones in creation order ("stats#1"); reactives
// created later keep their label, the first one's. Creation order is
// otherwise no identity: a device whose creation code makes extra local reactives
// first shifts every id after them, and comparing by id compares the wrong
// reactives (a false alarm) or misses a diverging one behind them.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/runtime.hpp"
#include "sim/scenario.hpp"

namespace frsim::checker {

// The identity of every reactive of `rt`, device `device`'s store, by id.
std::vector<std::string> identities(const core::Runtime& rt, std::uint32_t device);

// Which reactives replicas must agree on (Theorem 4.17): those whose value
// derives from distributed reactives only. Walking inputs upwards, a
// distributed reactive is a root that counts; a local source whose id is in
// `local_sources_ok` is treated like a constant; any other local source
// makes the reactive device-specific. A local fold downstream of a distributed
// reactive IS compared: the paper's §4.8 warning is exactly what must show.
std::vector<bool> replicated_reactives(const core::Runtime& rt, const std::vector<bool>& local_sources_ok = {});

// Reactives whose value depends on some distributed reactive (the
// distributed ones included), whatever else they read: what the sequential
// specification compares, device by device.
std::vector<bool> derived_from_distributed(const core::Runtime& rt);

// The reactives the scenario marks device-local (Scenario::device_local, by
// label) and every reactive that reads one: device-specific on purpose.
std::vector<bool> device_local(const core::Runtime& rt, const sim::Scenario& scenario);

// identity -> id of the reactives of `rt` selected by `selected` (by id),
// minus the device-local ones.
std::map<std::string, core::ReactiveId> by_identity(const core::Runtime& rt, std::uint32_t device,
                                                     const std::vector<bool>& selected, const sim::Scenario& scenario);

bool is_device_local(const sim::Scenario& scenario, const std::string& label);

}  // namespace frsim::checker
