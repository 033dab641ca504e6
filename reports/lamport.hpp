#pragma once
// The Lamport space-time diagram of a trace: one vertical lifeline per device,
// time flowing down in event order (row i = events[i]), messages as arrows
// from their "sent" row to their "delivered" row, propagations as boxes.
//
// build_lamport turns TRACE.events into a geometry-free model (tests check it
// directly); lamport_svg draws the model.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "reports/json_report.hpp"

namespace frsim::reports {

struct LamportArrow {
  enum class End { delivered, dropped, in_flight };
  std::int64_t from_device = 0;
  std::int64_t to_device = 0;
  std::size_t from_row = 0;
  std::size_t to_row = 0;  // the delivered/dropped row; one past the last row when in flight
  std::int64_t message = 0;
  End end = End::delivered;
  bool duplicate = false;  // a copy made by a "duplicated" event, or a re-delivery
  bool unmatched = false;  // delivered without a "sent" among the drawn rows
  std::string reactive;
  std::string payload;  // the value sent (the "sent" event's values[0]), empty if not drawn
};

// A propagation (paper Def. 4.3: the maximal run of →p steps on one device),
// which the trace shows from "action_started" to "committed"/"aborted". One
// that starts without action_started (a receive's propagation) opens at its
// first reevaluated/written/skipped event.
struct LamportPropagation {
  enum class Status { committed, aborted, crashed, open };
  std::int64_t device = 0;
  std::size_t start_row = 0;
  std::size_t end_row = 0;
  Status status = Status::open;
  std::vector<std::string> reevaluated;  // in event order, Def. 4.4
};

// The device of an event that concerns none (the healing phase, a heal).
inline constexpr std::int64_t kNoDevice = -1;

struct LamportEvent {
  std::size_t row = 0;
  std::int64_t step = 0;
  std::int64_t device = 0;
  std::optional<std::int64_t> peer;
  EventKind kind = EventKind::action_started;
  std::string reactive;
  std::string text;
  std::string values;  // the event's values, "[a, b]"; empty when it carries none
};

// A device's lifeline is dashed from its crash to its restart.
struct LamportDownTime {
  std::int64_t device = 0;
  std::size_t from_row = 0;
  std::size_t to_row = 0;  // one past the last row when never restarted
};

struct LamportDiagram {
  std::vector<std::int64_t> devices;  // ascending
  std::size_t events_total = 0;       // in the trace; rows drawn = events.size()
  std::vector<LamportEvent> events;
  std::vector<LamportArrow> arrows;
  std::vector<LamportPropagation> propagations;
  std::vector<LamportDownTime> down_times;
};

// The diagram of the first `events_max` events of a (validated) trace. Devices
// are 0..config.devices-1 when the trace's config says how many, plus every
// device and peer named by an event.
LamportDiagram build_lamport(const nlohmann::json& trace, std::size_t events_max);

struct LamportStyle {
  std::string id_prefix = "lamport";  // unique per diagram in one HTML page
  std::optional<std::int64_t> highlight_device;
  std::string highlight_reactive;
  // Row numbers shown are row + row_offset: a diagram of a slice of a trace
  // (the healing phase) numbers its rows as the whole trace's event table.
  std::size_t row_offset = 0;
};

std::string lamport_svg(const LamportDiagram& diagram, const LamportStyle& style);

}  // namespace frsim::reports
