#include "checker/properties/isolation.hpp"

#include <fmt/format.h>

namespace frsim::checker {

void Isolation::on_event(const sim::Event& e, const sim::World& world) {
  if (e.device == sim::no_device) return;
  auto& running = at_grow(running_since_, e.device);
  switch (e.kind) {
    case sim::EventKind::action_started:
      count_judged();
      // The stream says a propagation is open; the device confirms it still
      // runs (one that stopped without (commit) is complete-propagation's finding).
      if (running != 0 && joined_running_propagation(world, e.device)) {
        report(e.device, e.reactive_label,
               fmt::format("d{}: action \"{}\" started at step {} while the propagation started at step {} runs",
                           e.device, e.text, e.step, running - 1));
      }
      running = e.step + 1;
      break;
    case sim::EventKind::committed:
    case sim::EventKind::crashed: running = 0; break;
    case sim::EventKind::aborted:
      // Lo task failures are aborted events too; only a propagation's carries no message.
      if (e.message == 0) running = 0;
      break;
    default: break;
  }
}

void Isolation::on_transition(const sim::World& world) {
  for (std::uint32_t d = 0; d < running_since_.size() && d < world.devices(); ++d) {
    if (!world.device(d).propagating()) running_since_[d] = 0;
  }
}

}  // namespace frsim::checker
