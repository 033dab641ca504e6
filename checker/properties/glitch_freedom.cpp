#include "checker/properties/glitch_freedom.hpp"

#include <fmt/format.h>

namespace frsim::checker {

void GlitchFreedom::on_event(const sim::Event& e, const sim::World& world) {
  if (e.device == sim::no_device) return;
  Device& d = at_grow(devices_, e.device);
  switch (e.kind) {
    case sim::EventKind::action_started: d.read.begin(); break;
    case sim::EventKind::reevaluated: {
      const core::Runtime* rt = world.device(e.device).runtime();
      if (rt == nullptr) return;
      count_judged();  // its inputs are watched until the propagation ends
      for (core::ReactiveId input : rt->inputs(e.reactive)) {
        if (input == e.reactive) continue;  // a fold's own state is not a glitch
        d.read.test_and_set(input);
        at_grow(d.reader, input) = e.reactive;
      }
      break;
    }
    case sim::EventKind::written:
      if (d.read.test(e.reactive)) {
        const core::ReactiveId reader = d.reader[e.reactive];
        report(e.device, e.reactive_label,
               fmt::format("d{}: {} was written after {} had read it in the same propagation (step {})",
                           e.device, describe(world, e.device, e.reactive), describe(world, e.device, reader),
                           e.step),
               {printed(e.values.empty() ? core::Value() : e.values.front())});
      }
      break;
    default:
      // What the propagation read is watched no longer.
      if (propagation_ended(e) || e.kind == sim::EventKind::crashed) d.end();
      break;
  }
}

}  // namespace frsim::checker
