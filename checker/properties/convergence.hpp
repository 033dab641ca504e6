#pragma once
#include "checker/identity.hpp"
#include "checker/property.hpp"

namespace frsim::checker {

// Lemma 4.16 (Eventual consistency) and Theorem 4.17: "A fully connected
// component of reactives R in the dataflow graph is eventually consistent, if
// all sources and folds are eventually consistent." After healing every device
// must agree on every distributed reactive and everything derived from it,
// matched by identity (checker/identity.hpp), device-local ones left out.
//
// The lemma's premise is that healing ends: merges are joins and the program
// stops producing values. A healing phase that does not quiesce (the world
// repeats itself, or still changes when its budget runs out) is a violation
// too, with the cycle's transitions in the message.
class Convergence final : public CopyableProperty<Convergence> {
 public:
  std::string_view name() const override { return "convergence"; }
  std::string_view source() const override { return "Lemma 4.16, Thm. 4.17"; }
  std::string_view description() const override {
    return "healing quiesces, and then all devices agree on every distributed reactive and everything derived from "
           "it (matched by label)";
  }
  void on_schedule_end(const sim::World& world) override;

 private:
  void report_divergence(const sim::World& world, const sim::HealOutcome& heal);
  void note_uncompared(const sim::World& world, const std::map<std::string, std::vector<std::uint32_t>>& alone);
  void note_local_fed(const sim::World& world, std::uint32_t device, const std::vector<bool>& replicated);
};

}  // namespace frsim::checker
