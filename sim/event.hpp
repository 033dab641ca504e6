#pragma once
// The event stream: what happened in a world, in order. The checker and the
// reports consume it; the world produces it without knowing who listens
// (properties observe, they never steer — DESIGN §7).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/value.hpp"

namespace frsim::sim {

// Reactive id of an event that concerns no reactive.
inline constexpr core::ReactiveId no_reactive = UINT32_MAX;
// Device / peer of an event that concerns none.
inline constexpr std::uint32_t no_device = UINT32_MAX;

enum class EventKind : std::uint8_t {
  created,         // a reactive was created by the application code
  action_started,  // rule (fire) or (receive) began a propagation
  reevaluated,     // rule (reevaluate): values = the input values read
  written,         // rule (write): values = {value written}
  skipped,         // rule (skip)
  committed,       // rule (commit)
  aborted,         // an operator failed; the action rolled back, nothing committed
  sent,            // rule (send): values = {value}
  delivered,       // a message left the network for its destination
  merged,          // rule (receive): values = {local, remote, result}
  dropped,         // rule (drop), or a Lo response dropped for a failed task
  duplicated,      // the network duplicated a message
  crashed,         // volatile state and any running propagation lost
  restarted,       // a new runtime over the snapshot, creation code re-run
  restored,        // Source/Fold creation took Σ(r): values = {Σ(r)}
  partitioned,     // the network split
  healed,          // the network joined again
  request,         // a request (user fire, Lo request) was sent
  response,        // its response; values = {payload}; text says success/failure
  heal_started,    // the healing phase begins
};
inline constexpr std::size_t event_kind_count = 20;

std::string_view to_string(EventKind kind);
// Throws core::Error for an unknown name.
EventKind event_kind_from_string(std::string_view name);

// The text of an aborted event whose error is a defect of the program
// (core::ProgramDefect: a value of the wrong kind, an exception that is not
// frsim's, a cycle) starts so; any other abort's with "abort: ".
inline constexpr std::string_view defect_abort_prefix = "abort: program defect: ";

struct Event {
  std::uint64_t step = 0;  // 0: world construction; k: the k-th applied transition
  std::uint32_t device = no_device;
  EventKind kind = EventKind::created;
  core::ReactiveId reactive = no_reactive;
  std::string reactive_label;
  std::vector<core::Value> values;  // inputs read, value written, (local, remote, result), ...
  std::uint64_t message = 0;        // message id for sent/delivered/dropped/duplicated, 0 if none
  std::uint32_t peer = no_device;   // other device for messages
  std::string text;                 // readable one-line description
};

// Stable 64-bit hash of every field of one event.
std::uint64_t hash(const Event& event);
// The event hash of a stream: a fold of hash(event) in order.
std::uint64_t combine_event_hash(std::uint64_t running, const Event& event);
inline constexpr std::uint64_t event_hash_seed = 0x6672'7369'6d45'7674ULL;  // "frsimEvt"
std::string hex16(std::uint64_t value);

// {"step","device","kind","reactive" (label, omitted if none),"peer","message",
//  "values" (printed forms),"text"}; device/peer are null when none.
nlohmann::json to_json(const Event& event);

class EventSink {
 public:
  virtual ~EventSink() = default;
  virtual void on_event(const Event& event) = 0;
  // False: the sink ignores events, so a world need not make them (their
  // texts are formatted; the hot path of a search should not pay for that).
  virtual bool wants_events() const { return true; }
};

}  // namespace frsim::sim
