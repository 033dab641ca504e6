#pragma once
#include <map>

#include "checker/property.hpp"

namespace frsim::checker {

// Lemma 4.10 (Complete Propagation): a propagation starting with an action
// setting r to v and ending in µ' is complete if "the action changes the
// correct reactive µ'(r).val = v, all active derived reactives are complete,
// all non-active folds and sources keep their values".
//
// Judged at (commit) without re-running operators: operators are pure, so a
// reevaluated reactive is complete (Def. 4.9) iff the input values it read are
// its inputs' values at commit. Lemma 4.8 adds that every reactive derived from
// an active one is active, and only active reactives are written.
class CompletePropagation final : public CopyableProperty<CompletePropagation> {
 public:
  std::string_view name() const override { return "complete-propagation"; }
  std::string_view source() const override { return "Lemma 4.10"; }
  std::string_view description() const override {
    return "after commit every active derived reactive equals its operator on its inputs; "
           "inactive sources and folds keep their values";
  }
  void on_event(const sim::Event& event, const sim::World& world) override;
  void on_transition(const sim::World& world) override;
  void on_schedule_end(const sim::World& world) override { on_transition(world); }

 private:
  struct Device {
    bool open = false;  // an action started and neither committed, aborted nor crashed
    std::string action;
    core::ReactiveId target = sim::no_reactive;
    core::Value target_value;
    PropagationStamps written;
    std::map<core::ReactiveId, std::vector<core::Value>> read;  // reevaluated -> inputs read
  };
  void check_commit(const sim::Event& e, const sim::World& world, Device& d);
  void report_unfinished(std::uint32_t device, const Device& d);
  std::vector<Device> devices_;
};

}  // namespace frsim::checker
