#pragma once
// A scenario: an application, its users' workloads, the world it runs in by
// default, and the verdict the checker should reach. Built-in scenarios live
// in scenarios/ and are listed by scenarios::all().

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
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
    // Creation after the creation prefix (Fig. 6): the creation procedure
    // `target` (core::Runtime::define_creation in the scenario's creation
    // code) run on `value`; recorded in Σ, replayed at restart (Thm. 4.24).
    create,
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
  static Action create(std::string procedure, core::Value argument) {
    return Action{Kind::create, std::move(procedure), std::move(argument)};
  }
  // "fire text=\"hi\"", "request echo 3", "create task \"milk\""
  std::string description() const;
};

class View;

// A property of the user's own, as Stateright has them: a named predicate over
// a read-only view of the world (sim/view.hpp). It is listed, selected
// (`frsim explore --properties`), reported, shrunk and replayed like the
// checker's built-in properties.
struct UserProperty {
  enum class Kind : std::uint8_t {
    always,      // holds in every state: the initial one, after every transition, the healed end
                 // (not amid a propagation in fine grain: an uncommitted store is not observed)
    sometimes,   // holds in some state of some schedule: reachability; never reached is reported
    eventually,  // holds at the converged end of every schedule (after healing quiesced)
  };
  Kind kind = Kind::always;
  std::string name;         // unique, not one of the built-in properties' names
  std::string description;  // one line: when it holds
  // A predicate that throws core::Error is a violation of an `always` or
  // `eventually` property (the program broke what it promised), never an error.
  std::function<bool(const View&)> predicate;

  static UserProperty always(std::string name, std::string description, std::function<bool(const View&)> p) {
    return UserProperty{Kind::always, std::move(name), std::move(description), std::move(p)};
  }
  static UserProperty sometimes(std::string name, std::string description, std::function<bool(const View&)> p) {
    return UserProperty{Kind::sometimes, std::move(name), std::move(description), std::move(p)};
  }
  static UserProperty eventually(std::string name, std::string description, std::function<bool(const View&)> p) {
    return UserProperty{Kind::eventually, std::move(name), std::move(description), std::move(p)};
  }
};
std::string_view to_string(UserProperty::Kind kind);

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
  // Labels of reactives that are device-local on purpose (an operator reads
  // the device's identity, or counts what this device saw): convergence and
  // the sequential specification do not compare them across devices, and
  // reports list them.
  std::vector<std::string> device_local;
  // What a user sees of a reactive whose plain value carries metadata of the
  // program's own (a timestamp, a replica id: a register written by hand),
  // by label. The sequential specification compares this part of its value,
  // since a sequential schedule stamps a concurrent write differently (a
  // library CRDT's metadata is left out already). Convergence still compares
  // whole values: replicas must agree on the metadata too.
  std::map<std::string, std::function<core::Value(const core::Value&)>> observe;
  // The user's own properties, checked with the built-in ones.
  std::vector<UserProperty> properties;
  // How a permutation of devices acts on this program's values, for symmetry
  // reduction (explore::Symmetry, issue 14): `to_new[d]` is device d's new
  // number, and the result is `value` with every device number inside it
  // renamed (a set of device numbers, a replica id, a timestamp's tie
  // breaker), or nullopt where no renaming keeps the value's meaning (a
  // timestamp whose tie-break orders replica ids). The program must treat
  // devices alike up to this renaming. A program whose replica ids are its
  // device numbers and whose values are library CRDTs declares
  // `rename_devices = core::crdt::rename_replicas` (core/crdt/rename.hpp).
  // Empty: symmetry renames device numbers outside values only, so devices
  // whose values hold their numbers are not interchangeable.
  std::function<std::optional<core::Value>(const core::Value& value, std::span<const std::uint32_t> to_new)>
      rename_devices;
  // Engine customisation of each device's runtime, for self-tests only
  // (checker::with_mutant installs a broken policy, snapshot writer or
  // receiver here); empty for every real scenario.
  std::function<void(std::uint32_t device, core::RuntimeOptions&)> customize_runtime;
};

}  // namespace frsim::sim
