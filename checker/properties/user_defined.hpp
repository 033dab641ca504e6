#pragma once
#include <memory>

#include "checker/property.hpp"

namespace frsim::checker {

// A property of the scenario's own (sim::UserProperty, as Stateright has
// them), judged like the built-in ones:
//   always      in the initial state, after every transition and at the
//               healed end: false is a violation, with the schedule that
//               reached the state; in fine grain not where a device is in
//               the middle of a propagation (its store is not one anybody
//               observes: Lemma 4.13), so a glitch-free program's diamond
//               holds as it does in coarse grain;
//   sometimes   in the same states: judged() counts the states where it held
//               (reachability); a campaign that never reaches one reports it
//               as never reached, not as a pass;
//   eventually  at the converged end of every schedule (healing quiesced):
//               false is a violation.
// A predicate that throws core::Error is false (and says why).
class UserDefined final : public CopyableProperty<UserDefined> {
 public:
  explicit UserDefined(std::shared_ptr<const sim::UserProperty> property);
  std::string_view name() const override { return property_->name; }
  std::string_view source() const override { return source_; }
  std::string_view description() const override { return property_->description; }
  void on_start(const sim::World& world) override { judge_state(world, "the initial state"); }
  void on_transition(const sim::World& world) override { judge_state(world, "a state"); }
  void on_schedule_end(const sim::World& world) override;

 private:
  void judge_state(const sim::World& world, std::string_view where);
  // The predicate's value; a throw is false with a reason.
  bool holds(const sim::World& world, std::string& why) const;
  void violated(const sim::World& world, std::string_view where, const std::string& why);

  std::shared_ptr<const sim::UserProperty> property_;
  std::string source_;  // "user: always"
  std::uint64_t state_bytes() const override { return heap_bytes(source_); }
};

}  // namespace frsim::checker
