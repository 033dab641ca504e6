#pragma once
// A Run is one world with the monitor that watches it: the unit every strategy
// drives. A branch copies both — the world is a value (sim/world.hpp), the
// monitor's per-schedule state is copied by Monitor::clone — so no prefix is
// ever re-executed to reach a node; replay() is for checks that mean to
// re-execute (Lemma 4.12) and for tests.

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "sim/monitor.hpp"
#include "sim/prng.hpp"
#include "sim/world.hpp"

namespace frsim::sim::explore {

class Run {
 public:
  // A fresh world; its construction events are not judged.
  Run(const std::shared_ptr<const Scenario>& scenario, const WorldConfig& config, std::uint64_t seed,
      const MonitorFactory& monitors);
  // A given world (a copy, a decoded state) watched by a given monitor.
  Run(std::unique_ptr<World> world, std::unique_ptr<Monitor> monitor);
  // Replays `indices` from a fresh world, the monitor watching every event.
  static std::unique_ptr<Run> replay(const std::shared_ptr<const Scenario>& scenario, const WorldConfig& config,
                                     std::uint64_t seed, const MonitorFactory& monitors,
                                     const std::vector<std::uint32_t>& indices);
  Run(const Run&) = delete;
  Run& operator=(const Run&) = delete;
  ~Run();

  // An equal, independent run: a copy of the world and of the monitor.
  std::unique_ptr<Run> branch() const;

  // How explorers run worlds: no recorded history (explorers keep paths
  // themselves), events only if the monitor wants them (and then the event
  // hash too, which the determinism property compares), and the campaign's
  // stop flag polled by every propagation and healing.
  void explore_mode(const std::atomic<bool>* stop, bool hash_events = false);

  World& world() { return *world_; }
  const World& world() const { return *world_; }
  Monitor& monitor() { return *monitor_; }

  void apply(const Transition& t);
  void apply_index(std::size_t index);
  // `enabled` is the world's list() (or enabled()) in its current state.
  void apply_enabled(const std::vector<Transition>& enabled, std::size_t index);
  // Up to `transitions` transitions, each chosen uniformly from those enabled
  // by `prng` (the caller's, so that a schedule can go on in several calls);
  // returns how many were applied (fewer: nothing was enabled any more).
  std::uint64_t walk(std::uint64_t transitions, Prng& prng);
  // Ends the schedule: the healing phase, then Monitor::on_schedule_end.
  void finish();
  std::optional<Finding> finding() const { return monitor_->finding(); }

 private:
  class Sink;
  void attach();

  std::unique_ptr<World> world_;
  std::unique_ptr<Monitor> monitor_;
  std::unique_ptr<Sink> sink_;
};

}  // namespace frsim::sim::explore
