#pragma once
// Small scenarios and a monitor written here, so that the expected numbers of
// the explorer's tests come from these files alone (explore_test.cpp,
// dpor_test.cpp).

#include <atomic>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "sim/explore/explore.hpp"
#include "sim/world.hpp"

namespace frsim::sim::explore::fixtures {

// Every device folds what it is told into a distributed max-register "x" and
// is told its own number once. `broken` merges by keeping the local value:
// replicas never agree.
inline Scenario max_register(bool broken) {
  Scenario s;
  s.name = broken ? "max-register-keep-local" : "max-register";
  s.description = "a replicated max register";
  s.create = [broken](core::Runtime& rt, const DeviceContext&) {
    auto max = [](const core::Value& a, const core::Value& b) { return a.as_int() >= b.as_int() ? a : b; };
    core::MergeFunction merge = [broken, max](const core::Value& local, const core::Value& remote) {
      return broken ? local : max(local, remote);
    };
    const auto in = rt.source(core::Value::integer(0), "in");
    const auto x = rt.distributed_fold("x", in, core::Value::integer(0), max, merge);
    rt.map({x}, [](std::span<const core::Value> v) { return core::Value::integer(v[0].as_int() * 2); }, "twice");
  };
  s.workload = [](std::uint32_t device, std::uint32_t) {
    return std::vector<Action>{Action::fire("in", core::Value::integer(device + 1))};
  };
  return s;
}

// Identical devices: each fires 1, so every device is interchangeable.
inline Scenario same_everywhere() {
  Scenario s = max_register(false);
  s.name = "max-register-same";
  s.workload = [](std::uint32_t, std::uint32_t) {
    return std::vector<Action>{Action::fire("in", core::Value::integer(1))};
  };
  return s;
}

// Where a healed world's replicas disagree on a distributed reactive.
inline std::optional<Finding> disagreement(const World& world) {
  for (std::uint32_t d = 1; d < world.devices(); ++d) {
    if (world.device(d).distributed_values() != world.device(0).distributed_values()) {
      return Finding{"agreement", "replicas disagree after healing", d, "x", {}};
    }
  }
  return std::nullopt;
}

// After healing all replicas agree on every distributed reactive.
class AgreementMonitor final : public Monitor {
 public:
  explicit AgreementMonitor(std::shared_ptr<std::atomic<std::uint64_t>> ends) : ends_(std::move(ends)) {}
  void on_event(const Event&, const World&) override {}
  void on_schedule_end(const World& world) override {
    ++*ends_;
    if (!finding_) finding_ = disagreement(world);
  }
  std::optional<Finding> finding() const override { return finding_; }
  std::unique_ptr<Monitor> clone() const override { return std::make_unique<AgreementMonitor>(*this); }
  std::uint64_t memory_bytes() const override { return sizeof(*this); }
  std::vector<std::string> properties() const override { return {"agreement"}; }

 private:
  std::shared_ptr<std::atomic<std::uint64_t>> ends_;
  std::optional<Finding> finding_;
};

inline MonitorFactory agreement(std::shared_ptr<std::atomic<std::uint64_t>> ends = nullptr) {
  if (!ends) ends = std::make_shared<std::atomic<std::uint64_t>>(0);
  return [ends] { return std::make_unique<AgreementMonitor>(ends); };
}

inline Options options_for(Strategy strategy, std::uint32_t devices) {
  Options o;
  o.strategy = strategy;
  o.world.devices = devices;
  o.limits.depth_max = 1000;
  o.seed = 7;
  return o;
}

// The reachable states, by brute force over World::enabled() and clone().
inline void enumerate(const World& world, std::set<std::uint64_t>& seen) {
  if (!seen.insert(world.fingerprint()).second) return;
  const auto enabled = world.enabled();
  for (std::size_t i = 0; i < enabled.size(); ++i) {
    auto next = world.clone();
    next->apply_index(i);
    enumerate(*next, seen);
  }
}

inline std::uint64_t brute_force_states(const Scenario& scenario, const WorldConfig& config) {
  std::set<std::uint64_t> seen;
  World world(scenario, config, 7);
  enumerate(world, seen);
  return seen.size();
}

}  // namespace frsim::sim::explore::fixtures
