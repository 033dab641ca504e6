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
// What the network's `duplicate` fault does (paper §3.4: S models "reordered,
// duplicated, and lost messages"; Fig. 9 has no rule of its own for it):
//   in_flight (default): a second copy joins S, delivered or lost later;
//   delivered: a copy is received at once (rule (receive) on a copy) and the
//     original stays in S, one transition, as the SPIN reference model of
//     checker benchmarks has it.
enum class Duplicates : std::uint8_t { in_flight, delivered };

std::string_view to_string(Grain grain);
std::string_view to_string(Topology topology);
std::string_view to_string(NestedPolicy policy);
std::string_view to_string(Duplicates duplicates);
// Each throws core::Error naming the accepted values.
Grain grain_from_string(std::string_view name);
Topology topology_from_string(std::string_view name);
NestedPolicy nested_policy_from_string(std::string_view name);
Duplicates duplicates_from_string(std::string_view name);

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
  // How messages are modelled. The defaults are frsim's world; a scenario
  // that follows another model sets the others (scenarios/gset_replication.cpp
  // follows the SPIN reference model exactly). Each stays within Fig. 9:
  //   anonymous_messages: a message is (r, v) to its destination, as S has it
  //     in Fig. 9: equal values in flight to one device from two senders are
  //     two copies of one message (one delivery choice, not two). The sender
  //     is still recorded for traces. A world with a partition budget keeps
  //     senders in a message's identity all the same: a partition blocks by
  //     sender.
  //   inbox_capacity: 0, unbounded; otherwise a (send) to a device that has
  //     that many messages in flight waits (it is not enabled; nothing is
  //     lost). The healing phase is reliable delivery and ignores it.
  //   initial_values_known: a new device's distributed reactives count as
  //     already sent to every peer with their initial values (every replica
  //     starts from the same value, so a peer has it): the first (send) waits
  //     for a change. A restarted device has sent nothing, as before, and the
  //     healing phase sends everything at least once (§3.4) either way.
  bool anonymous_messages = false;
  std::uint32_t inbox_capacity = 0;
  bool initial_values_known = false;
  Duplicates duplicates = Duplicates::in_flight;
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
