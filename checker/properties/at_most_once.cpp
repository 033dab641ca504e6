#include "checker/properties/at_most_once.hpp"

#include <fmt/format.h>

namespace frsim::checker {

void AtMostOnce::on_event(const sim::Event& e, const sim::World& world) {
  if (e.device == sim::no_device) return;
  auto& seen = at_grow(reevaluated_, e.device);
  switch (e.kind) {
    case sim::EventKind::action_started: seen.begin(); break;
    case sim::EventKind::reevaluated:
      count_judged();
      if (seen.test_and_set(e.reactive)) {
        report(e.device, e.reactive_label,
               fmt::format("d{}: {} reevaluated a second time in one propagation (step {})", e.device,
                           describe(world, e.device, e.reactive), e.step));
      }
      break;
    default:
      if (propagation_ended(e) || e.kind == sim::EventKind::crashed) seen.clear();
      break;
  }
}

}  // namespace frsim::checker
