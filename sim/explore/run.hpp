#pragma once
// A Run is one world with the monitor that watches it: the unit every strategy
// drives. The world cannot be copied (its runtimes hold closures), so a branch
// re-executes the choice prefix (World::clone) and copies the monitor's
// per-schedule state (Monitor::clone) instead of replaying events into it.

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "sim/monitor.hpp"
#include "sim/world.hpp"

namespace frsim::sim::explore {

class Run {
 public:
  // A fresh world; its construction events go to the monitor.
  Run(const std::shared_ptr<const Scenario>& scenario, const WorldConfig& config, std::uint64_t seed,
      const MonitorFactory& monitors);
  // Replays `indices` from a fresh world, the monitor watching every event.
  static std::unique_ptr<Run> replay(const std::shared_ptr<const Scenario>& scenario, const WorldConfig& config,
                                     std::uint64_t seed, const MonitorFactory& monitors,
                                     const std::vector<std::uint32_t>& indices);
  Run(const Run&) = delete;
  Run& operator=(const Run&) = delete;
  ~Run();

  // An equal, independent run.
  std::unique_ptr<Run> branch() const;

  World& world() { return *world_; }
  const World& world() const { return *world_; }
  Monitor& monitor() { return *monitor_; }

  void apply(const Transition& t);
  void apply_index(std::size_t index);
  // Ends the schedule: the healing phase, then Monitor::on_schedule_end.
  void finish();
  std::optional<Finding> finding() const { return monitor_->finding(); }

 private:
  class Sink;
  Run() = default;
  void attach();

  std::unique_ptr<World> world_;
  std::unique_ptr<Monitor> monitor_;
  std::unique_ptr<Sink> sink_;
};

}  // namespace frsim::sim::explore
