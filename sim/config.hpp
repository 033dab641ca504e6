#pragma once
// WorldConfig: the size of a world and the faults it may suffer. Used by
// `frsim run` and `frsim explore`; the field names are part of the trace format.

#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace frsim::sim {

// How much one transition does: a whole propagation (coarse) or one rule of
// Fig. 8 (fine: the chooser picks among ready reactives, so confluence is
// explorable and crashes can hit a running propagation).
enum class Grain : std::uint8_t { coarse, fine };
// Who may send to whom (anti-entropy only along these edges).
enum class Topology : std::uint8_t { mesh, ring, star, random };
// Lo's nested services (seed 001): "a worker will complete an outer task before
// picking up a new task for an inner service, but there is one exception". The
// model never states the exception; frsim makes it a policy:
//   outer_first: messages for a nested service wait until its outer task ends;
//   inner_while_outer_waits (default): they may run while the outer task is
//     blocked waiting for responses to its subrequests (the exception, read as
//     "a task waiting for a reply lets its own callbacks run"; without it a
//     task whose subrequest answers through a nested service deadlocks).
enum class NestedPolicy : std::uint8_t { outer_first, inner_while_outer_waits };

std::string_view to_string(Grain grain);
std::string_view to_string(Topology topology);
std::string_view to_string(NestedPolicy policy);
// Each throws core::Error naming the accepted values.
Grain grain_from_string(std::string_view name);
Topology topology_from_string(std::string_view name);
NestedPolicy nested_policy_from_string(std::string_view name);

struct WorldConfig {
  std::uint32_t devices = 3;
  // Fault budgets: how many of each fault a schedule may inject.
  std::uint32_t drops = 0;
  std::uint32_t dups = 0;
  std::uint32_t crashes = 0;
  std::uint32_t partitions = 0;
  // Fig. 9 (send): any device may send (r, µ(r).val) at any time. A send of a
  // value that changed since the last send to that peer is always offered;
  // this many more sends of the same, unchanged value to that peer are (per
  // distributed reactive and peer, counted since the value last changed), so
  // that a dropped value can be sent again before healing while the state
  // space stays finite. 0: only changed values are sent.
  std::uint32_t resends = 0;
  Grain grain = Grain::coarse;
  Topology topology = Topology::mesh;
  NestedPolicy nested = NestedPolicy::inner_while_outer_waits;
  // Limit on a random schedule's length before the healing phase.
  std::uint64_t steps_max = 100000;

  friend bool operator==(const WorldConfig&, const WorldConfig&) = default;
};

inline constexpr std::uint32_t devices_max = 64;
inline constexpr std::uint32_t budget_max = 1000;

// Throws core::Error with a clear message for an impossible configuration.
void validate(const WorldConfig& config);

nlohmann::json to_json(const WorldConfig& config);
// Missing fields keep the defaults of `base`; wrong types or unknown names
// throw core::Error. The result is validated.
WorldConfig config_from_json(const nlohmann::json& j, const WorldConfig& base = {});

}  // namespace frsim::sim
