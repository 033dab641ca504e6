#include "checker/properties/determinism.hpp"

#include <fmt/format.h>

namespace frsim::checker {

void Determinism::on_event(const sim::Event& e, const sim::World& world) {
  if (e.device == sim::no_device) return;
  OrdersProbe& probe = at_grow(devices_, e.device);
  probe.on_event(e, world, *orders_);
  const bool ended = propagation_ended(e);
  if (e.kind != sim::EventKind::action_started && !ended) return;
  if (!probe.judgeable()) {
    if (ended) probe.close();
    return;
  }
  const auto& orders = probe.run->orders;
  // Texts only for a report (formatting them for every action judged cost a
  // tenth of a checked search).
  const auto differ = [](const OrderOutcome& a, const OrderOutcome& b) {
    return a.committed != b.committed || a.sends != b.sends || a.snapshot != b.snapshot;
  };
  if (e.kind == sim::EventKind::action_started) {
    if (orders.size() < 2) return;
    count_judged();
    for (const auto& other : orders) {
      if (differ(orders.front(), other)) {
        judge(e, probe.action.description(), orders.front(), other, "reevaluating " + other.order_text());
      }
    }
    return;
  }
  const core::Runtime* rt = world.device(e.device).runtime();
  if (rt == nullptr) {
    probe.close();
    return;
  }
  count_judged();
  OrderOutcome run;
  run.committed = e.kind == sim::EventKind::committed;
  run.failure = run.committed ? std::string() : e.text;
  run.snapshot = orders.front().snapshot;  // Σ' is compared between orders only (see OrderOutcome)
  run.sends = sends_hash_since(*rt, probe.distributed_before);
  if (differ(orders.front(), run)) {
    run.sends_text = sends_since(*rt, probe.distributed_before).second;
    judge(e, probe.action.description(), orders.front(), run, "in this run");
  }
  probe.close();  // what the propagation kept is let go once it is judged (DESIGN §6)
}

void Determinism::judge(const sim::Event& e, const std::string& what, const OrderOutcome& expected,
                        const OrderOutcome& actual, const std::string& actual_order) {
  const std::string expected_order = "reevaluating " + expected.order_text();
  if (expected.committed != actual.committed) {
    const auto said = [](const OrderOutcome& o) { return o.committed ? std::string("commits") : "aborts (" + o.failure + ")"; };
    report(e.device, {},
           fmt::format("d{}: \"{}\" from the same store {} {} and {} {}", e.device, what, said(expected),
                       expected_order, said(actual), actual_order),
           {said(expected), said(actual)});
  } else if (expected.sends != actual.sends) {
    report(e.device, {},
           fmt::format("d{}: \"{}\" from the same store makes sends {} {} and {} {}", e.device, what,
                       expected.sends_text, expected_order, actual.sends_text, actual_order),
           {expected.sends_text, actual.sends_text});
  } else if (expected.snapshot != actual.snapshot) {
    report(e.device, {},
           fmt::format("d{}: \"{}\" from the same store writes {} to the snapshot {} and {} {}", e.device, what,
                       sim::hex16(expected.snapshot), expected_order, sim::hex16(actual.snapshot), actual_order),
           {sim::hex16(expected.snapshot), sim::hex16(actual.snapshot)});
  }
}

}  // namespace frsim::checker
