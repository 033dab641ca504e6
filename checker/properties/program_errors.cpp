#include "checker/properties/program_errors.hpp"

#include <fmt/format.h>

namespace frsim::checker {

void ProgramErrors::on_event(const sim::Event& e, const sim::World&) {
  if (e.device == sim::no_device) return;
  auto& running = at_grow(running_, e.device);
  switch (e.kind) {
    case sim::EventKind::action_started: running = e.text; break;
    case sim::EventKind::committed:
      count_judged();
      running.clear();
      break;
    case sim::EventKind::aborted:
      // A Lo task's abort carries its message, a failed merge its reactive,
      // a failed restart runs no action: none is a propagation's.
      if (e.message != 0 || e.reactive != sim::no_reactive || running.empty()) break;
      count_judged();
      if (e.text.starts_with(sim::defect_abort_prefix)) {
        report(e.device, {},
               fmt::format("d{}: the action \"{}\" aborted on a defect of the program: {} (an operator's failure is "
                           "a refusal only as a core::Error the program throws itself or an invalid operation of Lo's "
                           "Table 1; the sequential specification aborts the same action, so nothing else sees it)",
                           e.device, running, e.text.substr(sim::defect_abort_prefix.size())));
      }
      running.clear();
      break;
    case sim::EventKind::crashed: running.clear(); break;
    default: break;
  }
}

}  // namespace frsim::checker
