#pragma once
// What the small programs share, the bug zoo's above all, so that each bug's
// file holds only what makes it a bug: the broken rule, with its comment.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "sim/scenario.hpp"

namespace frsim::scenarios {

using Workload = std::function<std::vector<sim::Action>(std::uint32_t device, std::uint32_t devices)>;

// A world of `devices` devices with no fault budget, in which the scenario is
// expected to violate `property`; the caller adds the program and workload.
sim::Scenario broken_scenario(std::string name, std::string description, std::uint32_t devices,
                              std::string property);

// A Lo-only application (seed 001) on two devices: no reactives, only
// `services`; the caller adds the workload.
sim::Scenario broken_lo_application(std::string name, std::string description, std::vector<sim::LoService> services,
                                    std::string property);

// A register or counter replicated with the user's own merge M(r): the
// Source `source`, folded by `step` into the distributed reactive `name`,
// which the replicas merge by `merge`. Paper §4.8: M(r) must be commutative,
// associative and idempotent; the zoo's broken merges each break one of these.
struct UserMergedFold {
  std::string source;
  core::Value source_initial;
  std::string name;
  core::Value initial;
  core::FoldOperator step;
  core::MergeFunction merge;
};

// Creates `fold`'s source and its distributed fold on `rt`; returns the fold.
core::ReactiveId create(core::Runtime& rt, const UserMergedFold& fold);

// broken_scenario() whose program is `fold` alone, on every device.
sim::Scenario broken_merge(std::string name, std::string description, UserMergedFold fold, std::uint32_t devices,
                           std::string property);

// The replicated G-Counter "clicks" over the Source "click" (the counter
// scenario's, and the programs built on it): each click adds its amount to
// this device's own entry, so every update inflates.
core::ReactiveId replicated_clicks(core::Runtime& rt, const sim::DeviceContext& ctx);

// The workload in which `device` performs `actions` and the others only replicate.
Workload only_on(std::uint32_t device, std::vector<sim::Action> actions);

}  // namespace frsim::scenarios
