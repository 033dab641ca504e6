// Deliberately broken: the stock of a shop kept as a number merged by `max`,
// which a sale decrements. Max is a join, every lattice law holds and the
// replicas converge — but a sale goes DOWN in max's order, so every device
// that has not sold merges it back: d0 sells one of 5 and sends 4, d1 holds
// 5 and keeps 5, and d0 takes 5 back from d1. On one computer the stock is
// 3 after two sales (Lasp: the program "will behave the same whether it is
// executed on one computer or distributed"); here it is 4 or 5, one sale
// after the other included. A stock needs a counter of what came in and
// what went out (a PN-Counter), whose every operation goes up.
//
// Smallest world that shows it: two devices, one sale each, no faults.
// Expected verdict: sequential-spec (the sequential schedules take over what
// the selling device computed, DESIGN §10). Convergence and lattice-laws
// hold: the bug is in the update, not in the merge.

#include "scenarios/registry.hpp"
#include "scenarios/scaffold.hpp"

namespace frsim::scenarios {

namespace {

using core::Value;

Value max_merge(const Value& a, const Value& b) { return Value::integer(std::max(a.as_int(), b.as_int())); }

// The bug: an update below the merge's order.
Value sell(const Value& stock, const Value&) { return Value::integer(stock.as_int() - 1); }

}  // namespace

sim::Scenario bug_stock_max() {
  auto s = broken_scenario("bug-stock-max", "a stock merged by max that a sale decrements: the merge undoes sales", 2,
                           "sequential-spec");
  s.create = [](core::Runtime& rt, const sim::DeviceContext&) {
    create(rt, {.source = "sell", .source_initial = Value::unit(), .name = "stock", .initial = Value::integer(5),
                .step = sell, .merge = max_merge});
  };
  s.workload = [](std::uint32_t, std::uint32_t) {
    return std::vector<sim::Action>{sim::Action::fire("sell", Value::unit())};
  };
  return s;
}

}  // namespace frsim::scenarios
