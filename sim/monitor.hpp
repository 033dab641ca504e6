#pragma once
// What an explorer needs of a checker, without knowing any property (DESIGN §1:
// "sim knows nothing of properties; properties observe, they never steer").
// The checker (checker/) implements Monitor; explorers (sim/explore/) drive
// worlds and feed every monitor the events and end states of each schedule.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "sim/event.hpp"

namespace frsim::sim {

class World;

// A violated property, as the checker reports it (DESIGN §7: "A violation names
// the property, the device, the reactive, the values involved, and the shortest
// schedule found"; the schedule is the explorer's business).
struct Finding {
  std::string property;  // e.g. "convergence"
  std::string message;   // one readable sentence
  std::uint32_t device = no_device;
  std::string reactive;  // label, empty if none
  std::vector<std::string> values;  // printed forms of the values involved
};

class Monitor {
 public:
  virtual ~Monitor() = default;
  // The schedule's initial state, once the world is built (before its first
  // transition): state properties (a user's `always`) are judged here too.
  virtual void on_start(const World& /*world*/) {}
  // Every event, synchronously as the world produces it. The world's devices
  // are in the state right after the rule the event describes.
  virtual void on_event(const Event& event, const World& world) = 0;
  // After each applied transition (the world is between transitions).
  virtual void on_transition(const World& /*world*/) {}
  // After the schedule's healing phase: end-state properties (convergence,
  // sequential specification) are judged here.
  virtual void on_schedule_end(const World& world) = 0;
  // The first violation seen in this schedule, if any.
  virtual std::optional<Finding> finding() const = 0;
  // An independent copy with the same per-schedule state, for explorers that
  // branch a world (DFS/BFS) rather than re-executing a prefix.
  virtual std::unique_ptr<Monitor> clone() const = 0;
  // The memory a copy takes (the object and the heap its per-schedule state
  // holds), estimated from its contents so that it is the same on every
  // build: a breadth-first search keeps a copy with each node of its
  // frontier and counts it against the memory budget (DESIGN §6).
  virtual std::uint64_t memory_bytes() const = 0;
  // False: the monitor keeps nothing from one schedule to the next that a
  // later judgement depends on (it judges each end state by itself), so an
  // explorer may watch every path with one monitor instead of a copy per
  // node of its frontier.
  virtual bool keeps_schedule_state() const { return true; }
  // False: on_event ignores every event (a monitor that judges end states
  // only), so explorers may run worlds without making events at all.
  virtual bool wants_events() const { return true; }
  // Names of the properties this monitor checks, e.g. {"glitch-freedom", ...}.
  virtual std::vector<std::string> properties() const = 0;
  // How many times each property (aligned with properties()) was judged
  // non-trivially in this schedule: restarts compared, merges checked, ... A
  // property judged 0 times in a whole campaign was not exercised by it.
  virtual std::vector<std::uint64_t> judged() const { return {}; }
  // What the properties want the report to say beyond a verdict (a budget
  // that made a check sample, reactives left out of a comparison); each
  // note is a stable sentence, so a campaign lists it once.
  virtual std::set<std::string> notes() const { return {}; }
};

// What a campaign sums over the monitors of its schedules: judged counts
// (aligned with Monitor::properties()) and the notes, deduplicated and in a
// fixed order, so the sum does not depend on which thread ran which schedule.
struct Tally {
  std::vector<std::uint64_t> judged;
  std::set<std::string> notes;

  static constexpr std::size_t notes_max = 32;

  void add(const Monitor& monitor) { add(monitor.judged(), monitor.notes()); }
  void add(const Tally& other) { add(other.judged, other.notes); }

 private:
  void add(const std::vector<std::uint64_t>& counts, const std::set<std::string>& more) {
    if (judged.size() < counts.size()) judged.resize(counts.size(), 0);
    for (std::size_t i = 0; i < counts.size(); ++i) judged[i] += counts[i];
    for (const auto& note : more) {
      if (notes.size() >= notes_max) break;
      notes.insert(note);
    }
  }
};

using MonitorFactory = std::function<std::unique_ptr<Monitor>()>;

}  // namespace frsim::sim
