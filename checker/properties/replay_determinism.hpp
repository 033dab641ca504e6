#pragma once
#include <atomic>
#include <memory>

#include "checker/property.hpp"

namespace frsim::checker {

// The harness's own self-check, not a lemma of the paper: replaying a
// schedule (seed + choices) reproduces the same event hash, so a reported
// schedule replays (Lemma 4.12 for a whole world: a world is a function of
// its seed and choices). The monitor replays one schedule in `every`
// (World::clone re-executes the prefix, then heals). Lemma 4.12 itself is
// `determinism` (determinism.hpp).
class ReplayDeterminism final : public CopyableProperty<ReplayDeterminism> {
 public:
  ReplayDeterminism(std::shared_ptr<std::atomic<std::uint64_t>> counter, std::uint64_t every)
      : counter_(std::move(counter)), every_(every) {}
  std::string_view name() const override { return "replay-determinism"; }
  std::string_view source() const override { return "self-check (Lemma 4.12 for the world)"; }
  std::string_view description() const override {
    return "replaying a schedule reproduces the same event hash";
  }
  void on_schedule_end(const sim::World& world) override;

 private:
  std::shared_ptr<std::atomic<std::uint64_t>> counter_;  // schedules seen by the campaign
  std::uint64_t every_;
};

}  // namespace frsim::checker
