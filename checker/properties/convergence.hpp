#pragma once
#include "checker/property.hpp"

namespace frsim::checker {

// Which reactives replicas must agree on (Theorem 4.17): those whose value
// derives from distributed reactives only. Walking inputs upwards, a
// distributed reactive is a root that counts; a local source whose id is in
// `local_sources_ok` is treated like a constant; any other local source
// makes the reactive device-specific. A local fold downstream of a distributed
// reactive IS compared: the paper's §4.8 warning is exactly what must show.
std::vector<bool> replicated_reactives(const core::Runtime& rt, const std::vector<bool>& local_sources_ok = {});

// Lemma 4.16 (Eventual consistency) and Theorem 4.17: "A fully connected
// component of reactives R in the dataflow graph is eventually consistent, if
// all sources and folds are eventually consistent." After healing every device
// must agree on every distributed reactive and everything derived from it.
class Convergence final : public CopyableProperty<Convergence> {
 public:
  std::string_view name() const override { return "convergence"; }
  std::string_view source() const override { return "Lemma 4.16, Thm. 4.17"; }
  std::string_view description() const override {
    return "after healing, all devices agree on every distributed reactive and everything derived from it";
  }
  void on_schedule_end(const sim::World& world) override;
};

}  // namespace frsim::checker
