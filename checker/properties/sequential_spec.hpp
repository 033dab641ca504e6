#pragma once
#include "checker/property.hpp"

namespace frsim::checker {

// Lasp (seed 000): "Regardless of schedule, they are reducible, or
// equivalent, to the original sequential specification."
//
// The oracle: one device running the same program with no faults, whose
// distributed reactives receive every device's final value (so they hold the
// join of all updates) — except distributed reactives computed from another
// replicated reactive, which the oracle recomputes from it. After healing, every reactive derived only from
// distributed reactives (and sources no workload fired) must equal the
// oracle's value on every device.
class SequentialSpec final : public CopyableProperty<SequentialSpec> {
 public:
  std::string_view name() const override { return "sequential-spec"; }
  std::string_view source() const override { return "Lasp"; }
  std::string_view description() const override {
    return "the converged state equals one device running the same program on the join of all devices' updates";
  }
  void on_event(const sim::Event& event, const sim::World& world) override;
  void on_schedule_end(const sim::World& world) override;

 private:
  std::vector<bool> fired_;  // sources some device fired, by id
};

// The oracle's store: the scenario's creation code on a fresh runtime, then
// (receive) of every given (name, value). Values by id.
std::vector<core::Value> sequential_oracle(const sim::Scenario& scenario, std::uint32_t devices,
                                           const std::vector<std::pair<std::string, core::Value>>& updates);

}  // namespace frsim::checker
