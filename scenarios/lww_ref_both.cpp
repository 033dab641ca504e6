// lww-ref (paper §3.4, "Sending nested reactives") with a writer on every
// device: each device points the shared last-writer-wins register "reg" at
// its own local source "s" and then sets s. Each s is promoted by its own
// creator when "reg" first carries a reference to it, so two reactives
// labelled "s" become two distributed reactives, "d0/r1" and "d1/r1", whose
// replicas the other device creates on arrival. The register's winner
// decides which of them "shown" flattens, on every device alike.
//
// What this program checks of the checker and the engine:
//   - identity: d0's "s" and d1's "s" are different reactives (their
//     promoted names differ); comparing them by label is a false alarm, and
//     a creator's promoted reactive is compared with its replicas (the
//     replicated payload, without the creator's stamp);
//   - restoration: promotion is part of M (dom(M) is the configuration's,
//     not a device's store: "we assume that this transformation has already
//     been applied for each nested reactive", §3.4), so a crash of the
//     creator does not undo it; the restarted device keeps sending s as
//     "d<creator>/r1" and its replicas keep following it.
// Workload: d<i> fires point, then s = 10 + i.
// Expected verdict: every property holds.

#include "scenarios/builtins.hpp"
#include "scenarios/scaffold.hpp"

namespace frsim::scenarios {

sim::Scenario lww_ref_both() {
  sim::Scenario s = lww_ref();
  s.name = "lww-ref-both";
  s.description = "lww-ref with a writer on every device: each points the register at its own promoted source";
  s.workload = [](std::uint32_t device, std::uint32_t) {
    return std::vector<sim::Action>{sim::Action::fire("point", core::Value::unit()),
                                    sim::Action::fire("s", core::Value::integer(10 + device))};
  };
  // A user sees where the register points, not its Lamport stamp: a
  // sequential schedule stamps the second of two concurrent writes higher.
  s.observe["reg"] = [](const core::Value& reg) { return core::checked::array_fetch(reg, 2); };
  s.defaults.dups = 0;
  return s;
}

}  // namespace frsim::scenarios
