#pragma once
#include "checker/property.hpp"

namespace frsim::checker {

// Lemma 4.13 (Isolation): "Neither the fire nor remote rule may trigger a
// concurrent action when a propagation is in progress."
class Isolation final : public CopyableProperty<Isolation> {
 public:
  std::string_view name() const override { return "isolation"; }
  std::string_view source() const override { return "Lemma 4.13"; }
  std::string_view description() const override {
    return "no action starts on a device while its propagation runs";
  }
  void on_event(const sim::Event& event, const sim::World& world) override;
  // A propagation that ended without (commit) is complete-propagation's finding, not a concurrent action.
  void on_transition(const sim::World& world) override;

 private:
  std::uint64_t state_bytes() const override { return heap_bytes(running_since_); }
  std::vector<std::uint64_t> running_since_;  // per device: step + 1 of the running action, 0 if none
};

}  // namespace frsim::checker
