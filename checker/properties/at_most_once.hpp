#pragma once
#include "checker/property.hpp"

namespace frsim::checker {

// Lemma 4.5 (At-most-once evaluation): "Each propagation ptrace(D0, Dn)
// contains at most one reevaluation D -r->p D' of each reactive r."
class AtMostOnce final : public CopyableProperty<AtMostOnce> {
 public:
  std::string_view name() const override { return "at-most-once"; }
  std::string_view source() const override { return "Lemma 4.5"; }
  std::string_view description() const override {
    return "no reactive reevaluates twice in one propagation";
  }
  void on_event(const sim::Event& event, const sim::World& world) override;

 private:
  std::uint64_t state_bytes() const override { return heap_bytes(reevaluated_); }
  std::vector<PropagationStamps> reevaluated_;  // per device
};

}  // namespace frsim::checker
