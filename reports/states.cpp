#include "reports/states.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "sim/world.hpp"

namespace frsim::reports {

namespace {

using nlohmann::json;

json ids(const std::vector<core::ReactiveId>& list) {
  json out = json::array();
  for (const auto r : list) out.push_back(r);
  return out;
}

json device_state(const sim::Device& device) {
  json snapshot = json::object();
  for (const auto& [r, value] : device.snapshot().values) snapshot[std::to_string(r)] = value.to_string();
  json out = {{"up", device.up()}, {"commits", device.snapshot().commits}, {"snapshot", snapshot}};
  const core::Runtime* rt = device.runtime();
  if (rt == nullptr) {
    out["propagating"] = false;
    out["active"] = json::array();
    out["processed"] = json::array();
    out["reactives"] = json::array();
    return out;
  }
  out["propagating"] = rt->propagating();
  // A and P exist only while a propagation runs (paper Fig. 8).
  out["active"] = rt->propagating() ? ids(rt->active()) : json::array();
  out["processed"] = rt->propagating() ? ids(rt->processed()) : json::array();
  json reactives = json::array();
  for (core::ReactiveId r = 0; r < rt->size(); ++r) {
    reactives.push_back({{"label", rt->label(r).empty() ? fmt::format("r{}", r) : rt->label(r)},
                         {"kind", core::to_string(rt->kind(r))},
                         {"inputs", ids(rt->inputs(r))},
                         {"distributed", rt->is_distributed(r)},
                         {"value", rt->value(r).to_string()}});
  }
  out["reactives"] = std::move(reactives);
  return out;
}

json messages(const sim::World& world) {
  json out = json::array();
  for (const auto& m : world.network().in_flight()) {
    out.push_back({{"id", m.id}, {"from", m.from}, {"to", m.to}, {"name", m.name}, {"value", m.value.to_string()}});
  }
  return out;
}

// Writes a frame after every event, leaving out (null) what did not change.
// Most events are emitted once their rule has applied (reevaluated, written,
// restored, ...); (fire), (receive) with its merge, and (commit) are emitted
// as their rule begins (core::Observer), so their devices are taken at the
// next other event or the end of the transition: the state after the rule.
// Their messages are taken at once: these rules never touch the network,
// and the next transition may (a delivery takes its message before its
// event). Inside the healing phase the next transition may also begin first;
// it never crashes a device there, the one change that would show.
class Recorder final : public sim::EventSink {
 public:
  Recorder(const sim::World& world, std::size_t bytes_max) : world_(world), bytes_max_(bytes_max) {}

  // The world as its creation left it (its events came before the recorder).
  void start() { frame(static_cast<std::int64_t>(world_.events().size()) - 1, messages(world_)); }

  void on_event(const sim::Event& event) override {
    // The world records the event after telling its sink: this one's index.
    const auto index = static_cast<std::int64_t>(world_.events().size());
    if (event.kind == sim::EventKind::merged || event.kind == sim::EventKind::action_started ||
        event.kind == sim::EventKind::committed) {
      pending_.push_back({index, messages(world_)});
      return;
    }
    flush();
    if (event.kind == sim::EventKind::heal_started) healing_ = true;
    frame(index, messages(world_));
  }

  // The frames of events whose rules have applied by now, if any wait.
  void flush() {
    for (auto& [index, in_flight] : pending_) frame(index, std::move(in_flight));
    pending_.clear();
  }

  json take() {
    flush();
    return {{"frames", std::move(frames_)}, {"capped", capped_}};
  }

 private:
  void frame(std::int64_t event, json in_flight) {
    if (capped_) return;
    json devices = json::array();
    for (std::uint32_t d = 0; d < world_.devices(); ++d) {
      std::string text = device_state(world_.device(d)).dump();
      if (d < last_devices_.size() && last_devices_[d] == text) {
        devices.push_back(nullptr);
        continue;
      }
      bytes_ += text.size();
      devices.push_back(json::parse(text));
      if (d >= last_devices_.size()) last_devices_.resize(d + 1);
      last_devices_[d] = std::move(text);
    }
    std::string text = in_flight.dump();
    const bool same = text == last_messages_;
    if (!same) bytes_ += text.size();
    frames_.push_back({{"event", event},
                       {"healing", healing_},
                       {"devices", std::move(devices)},
                       {"messages", same ? json(nullptr) : std::move(in_flight)}});
    last_messages_ = std::move(text);
    if (bytes_ > bytes_max_) capped_ = true;
  }

  const sim::World& world_;
  std::size_t bytes_max_;
  std::size_t bytes_ = 0;
  bool capped_ = false;
  bool healing_ = false;
  std::vector<std::pair<std::int64_t, json>> pending_;  // (event, its messages)
  std::vector<std::string> last_devices_;
  std::string last_messages_ = "[]";
  json frames_ = json::array();
};

}  // namespace

RecordedRun record_run(const std::shared_ptr<const sim::Scenario>& scenario, const sim::WorldConfig& config,
                       std::uint64_t seed, const std::vector<std::pair<std::size_t, std::string>>& choices,
                       std::size_t bytes_max) {
  sim::World world(scenario, config, seed);
  Recorder recorder(world, bytes_max);
  recorder.start();
  world.set_sink(&recorder);
  for (const auto& [index, text] : choices) {
    const auto enabled = world.enabled();
    const auto it = std::find_if(enabled.begin(), enabled.end(),
                                 [&text = text](const sim::Transition& t) { return t.text == text; });
    if (it != enabled.end()) {
      world.apply_enabled(enabled, static_cast<std::size_t>(it - enabled.begin()));
    } else if (index < enabled.size()) {
      world.apply_enabled(enabled, index);
    }
    recorder.flush();
  }
  world.heal();
  recorder.flush();
  world.set_sink(nullptr);
  return {sim::make_trace(world), recorder.take()};
}

}  // namespace frsim::reports
