#pragma once
#include <atomic>
#include <memory>

#include "checker/property.hpp"

namespace frsim::checker {

// Lemma 4.12 (Determinism): "For any device D all execution traces trace(D)
// contain the same sequence of →D steps". For the world: replaying a schedule
// (seed + choices) reproduces the same event hash. The monitor replays one
// schedule in `every` (World::clone re-executes the prefix, then heals).
class Determinism final : public CopyableProperty<Determinism> {
 public:
  Determinism(std::shared_ptr<std::atomic<std::uint64_t>> counter, std::uint64_t every)
      : counter_(std::move(counter)), every_(every) {}
  std::string_view name() const override { return "determinism"; }
  std::string_view source() const override { return "Lemma 4.12"; }
  std::string_view description() const override {
    return "replaying a schedule reproduces the same event hash";
  }
  void on_schedule_end(const sim::World& world) override;

 private:
  std::shared_ptr<std::atomic<std::uint64_t>> counter_;  // schedules seen by the campaign
  std::uint64_t every_;
};

}  // namespace frsim::checker
