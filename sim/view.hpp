#pragma once
// What a user-defined property sees (UserProperty in sim/scenario.hpp): a
// read-only view of one state of a world — every device's values by label,
// the replication messages in flight, the fault budgets left. It holds a
// reference only, and nothing in it can change the world (properties
// observe, they never steer).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/value.hpp"
#include "sim/world.hpp"

namespace frsim::sim {

// A replication message in flight: (r, v) on its way from one device to another.
struct InFlight {
  std::uint32_t from = 0;
  std::uint32_t to = 0;
  std::string name;  // the distributed reactive's name
  core::Value value;
};

class View {
 public:
  explicit View(const World& world) : world_(world) {}

  std::uint32_t devices() const { return world_.devices(); }
  // False while the device is crashed (its volatile values are gone).
  bool up(std::uint32_t device) const;
  // µ(r).val of the reactive labelled `label` on `device`; nullopt while the
  // device is crashed, or if it has no reactive of that label.
  std::optional<core::Value> value(std::uint32_t device, std::string_view label) const;
  // The same for every device, by device index.
  std::vector<std::optional<core::Value>> values(std::string_view label) const;
  // Every replication message in flight, ordered by (to, from, name, value):
  // message ids are not part of a state, so neither is their order.
  std::vector<InFlight> in_flight() const;
  const Budgets& budgets_left() const { return world_.budgets_left(); }
  // The state is the end of the healing phase (for `always` properties,
  // which are judged there too).
  bool healed() const { return world_.healed(); }
  // Everything else, read-only.
  const World& world() const { return world_; }

 private:
  const World& world_;
};

}  // namespace frsim::sim
