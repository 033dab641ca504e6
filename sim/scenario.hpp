#pragma once
// A scenario: an application, its users' workloads, the world it runs in by
// default, and the verdict the checker should reach. Built-in scenarios live
// in scenarios/ and are listed by scenarios::all().

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/runtime.hpp"
#include "core/value.hpp"
#include "sim/config.hpp"
#include "sim/lo/system.hpp"

namespace frsim::sim {

// What the application code knows about where it runs.
struct DeviceContext {
  std::uint32_t device = 0;
  std::uint32_t devices = 1;
};

// One user action of a workload.
struct Action {
  enum class Kind : std::uint8_t {
    fire,     // `target.fire(value)` on the source labelled `target`
    request,  // a Lo request from the device's user to its service `target`
  };
  Kind kind = Kind::fire;
  std::string target;
  core::Value value;

  static Action fire(std::string label, core::Value value) {
    return Action{Kind::fire, std::move(label), std::move(value)};
  }
  static Action request(std::string service, core::Value payload) {
    return Action{Kind::request, std::move(service), std::move(payload)};
  }
  // "fire text=\"hi\"", "request echo 3"
  std::string description() const;
};

// A plain Lo service, installed on every device under `name`.
struct LoService {
  std::string name;
  lo::Procedure procedure;
};

struct Scenario {
  std::string name;
  std::string description;  // one line
  // The application code: the creation function, re-run on every restart
  // (paper §2.4: Source/Fold creation then takes the snapshot's value).
  std::function<void(core::Runtime&, const DeviceContext&)> create;
  // Per-device workload: a finite list of actions, performed in order.
  std::function<std::vector<Action>(std::uint32_t device, std::uint32_t devices)> workload;
  WorldConfig defaults;
  // Empty: every property holds. Otherwise the property that this deliberately
  // broken scenario violates, e.g. "convergence".
  std::string expected_violation;
  std::vector<LoService> services;
  // Engine customisation of each device's runtime, for self-tests only
  // (checker::with_mutant installs a broken policy, snapshot writer or
  // receiver here); empty for every real scenario.
  std::function<void(std::uint32_t device, core::RuntimeOptions&)> customize_runtime;
};

}  // namespace frsim::sim
