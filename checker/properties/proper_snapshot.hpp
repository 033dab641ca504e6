#pragma once
#include "checker/property.hpp"

namespace frsim::checker {

// Definition 4.18 (Proper device): "∀r ∈ dom(µ) : (inputs(r, µ) = ∅ ∨ r ∈
// inputs(r, µ)) → µ(r).val = Σ(r)", and Lemma 4.19: evaluation keeps devices
// proper. Judged after every (commit) and after creation.
class ProperSnapshot final : public CopyableProperty<ProperSnapshot> {
 public:
  std::string_view name() const override { return "proper-snapshot"; }
  std::string_view source() const override { return "Def. 4.18, Lemma 4.19"; }
  std::string_view description() const override {
    return "after each commit the snapshot equals the store for every source and fold";
  }
  void on_event(const sim::Event& event, const sim::World& world) override;
};

}  // namespace frsim::checker
