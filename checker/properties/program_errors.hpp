#pragma once
#include <string>
#include <vector>

#include "checker/property.hpp"

namespace frsim::checker {

// An action aborts, rolling back, when an operator fails (DESIGN §3). The
// FR calculus has no such rule: an operator is a function, (reevaluate)
// takes its value (Fig. 8). frsim gives two failures a meaning: an invalid
// operation of Lo's Table 1 (a zero divisor, a fetch past the end, ...),
// which halts the work as Lo says, and a core::Error the program throws
// itself, a refusal it means (an order past the stock). Every other failure
// is a defect of the program that the abort only hides — its sequential
// specification aborts the same action, so no other property sees it: a
// value of the wrong kind (core::TypeError), an exception that is not
// frsim's (std::out_of_range from a vector's at(), ...), a flatten that would
// close a cycle (core::ProgramDefect). A propagation's abort on one of them
// is a finding. Merges are lattice-laws', restarts restoration's, Lo tasks
// lo-failure's.
class ProgramErrors final : public CopyableProperty<ProgramErrors> {
 public:
  std::string_view name() const override { return "program-errors"; }
  std::string_view source() const override { return "Fig. 8, Lo Table 1"; }
  std::string_view description() const override {
    return "no action aborts on a defect: a value of the wrong kind, an exception not frsim's, a cycle";
  }
  void on_event(const sim::Event& event, const sim::World& world) override;

 private:
  std::uint64_t state_bytes() const override { return heap_bytes(running_); }
  std::vector<std::string> running_;  // per device: the running action's description ("fire click 5")
};

}  // namespace frsim::checker
