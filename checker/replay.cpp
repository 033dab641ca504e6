// Replay and the replay-determinism self-check. Shrinking is in shrink.cpp.

#include <fmt/format.h>

#include "checker/checker.hpp"
#include "checker/suite.hpp"
#include "core/error.hpp"
#include "sim/world.hpp"

namespace frsim::checker {

namespace {

// Forwards the world's events to a monitor once the world exists: events of
// the world's construction (step 0) are not judged, because properties read
// the world's state and it is only whole after construction.
class MonitorSink final : public sim::EventSink {
 public:
  explicit MonitorSink(sim::Monitor* monitor) : monitor_(monitor) {}
  void attach(const sim::World& world) { world_ = &world; }
  void on_event(const sim::Event& event) override {
    if (world_ != nullptr && monitor_ != nullptr) monitor_->on_event(event, *world_);
  }

 private:
  sim::Monitor* monitor_;
  const sim::World* world_ = nullptr;
};

// The enabled transition a recorded choice means: the one with its
// description, preferring the recorded index when descriptions repeat.
std::optional<std::size_t> match(const std::vector<sim::Transition>& enabled,
                                 const std::pair<std::size_t, std::string>& choice) {
  if (choice.first < enabled.size() && enabled[choice.first].description() == choice.second) return choice.first;
  for (std::size_t i = 0; i < enabled.size(); ++i) {
    if (enabled[i].description() == choice.second) return i;
  }
  return std::nullopt;
}

ReplayResult run(const sim::Scenario& scenario, const sim::WorldConfig& config, std::uint64_t seed,
                 const Choices& choices, sim::Monitor* monitor, const std::atomic<bool>* stop = nullptr) {
  MonitorSink sink(monitor);
  sim::World world(scenario, config, seed, &sink);
  world.set_record_events(false);
  world.set_stop(stop);
  sink.attach(world);
  if (monitor != nullptr) monitor->on_start(world);
  ReplayResult result;
  for (const auto& choice : choices) {
    if (world.healed()) break;
    const auto enabled = world.enabled();
    const auto index = match(enabled, choice);
    if (!index) continue;  // left out: this choice means nothing here
    world.apply(enabled[*index]);
    result.applied.emplace_back(*index, enabled[*index].description());
    if (monitor != nullptr) monitor->on_transition(world);
  }
  world.heal();
  if (monitor != nullptr) {
    monitor->on_schedule_end(world);
    result.finding = monitor->finding();
    if (const auto* suite = dynamic_cast<const Suite*>(monitor)) result.findings = suite->findings();
  }
  result.event_hash = world.event_hash();
  return result;
}

}  // namespace

ReplayResult replay(const sim::Scenario& scenario, const sim::WorldConfig& config, std::uint64_t seed,
                    const Choices& choices, const CheckOptions& options) {
  auto monitor = monitor_factory(scenario, options)();
  return run(scenario, config, seed, choices, monitor.get(), options.stop);
}

ReplayResult replay(const sim::Scenario& scenario, const sim::WorldConfig& config, std::uint64_t seed,
                    const Choices& choices, sim::Monitor& monitor) {
  return run(scenario, config, seed, choices, &monitor);
}

std::optional<sim::Finding> check_replay_determinism(const sim::Scenario& scenario,
                                                     const sim::WorldConfig& config, std::uint64_t seed,
                                                     const Choices& choices,
                                                     std::optional<std::uint64_t> expected_event_hash) {
  const auto first = run(scenario, config, seed, choices, nullptr);
  const auto second = run(scenario, config, seed, choices, nullptr);
  const std::uint64_t expected = expected_event_hash.value_or(first.event_hash);
  for (const auto* r : {&first, &second}) {
    if (r->event_hash == expected) continue;
    return sim::Finding{"replay-determinism",
                        fmt::format("replaying {} choices from seed {} gave event hash {}, expected {}",
                                    choices.size(), seed, sim::hex16(r->event_hash), sim::hex16(expected)),
                        sim::no_device,
                        {},
                        {sim::hex16(expected), sim::hex16(r->event_hash)}};
  }
  return std::nullopt;
}

}  // namespace frsim::checker
