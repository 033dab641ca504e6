// Deliberately broken (paper §3.1: operators are pure functions of their
// inputs; Lemma 4.11, confluence, rests on it). A checkout computes the tax
// and the total from the amount; the total does not take the tax as an input
// but reads a cache the tax operator writes, on the assumption that `tax`
// always runs first. The engine's own order happens to run it first, so every
// single run shows the right total; but tax and total are ready at the same
// time, and in the other ready order the total adds the previous tax.
// Expected verdict: confluence (the same action from the same store ends in
// two stores, depending only on the ready order).

#include <memory>

#include "scenarios/registry.hpp"
#include "scenarios/scaffold.hpp"

namespace frsim::scenarios {

sim::Scenario bug_impure_operator() {
  auto s = broken_scenario("bug-impure-operator",
                           "a total that reads the tax through a cache the tax operator writes: order-dependent", 2,
                           "confluence");
  s.create = [](core::Runtime& rt, const sim::DeviceContext&) {
    auto last_tax = std::make_shared<std::int64_t>(0);  // the bug: state shared by two operators
    const auto amount = rt.source(core::Value::integer(0), "amount");
    rt.map({amount}, [last_tax](core::Inputs in) {
      *last_tax = in[0].as_int() / 5;
      return core::Value::integer(*last_tax);
    }, "tax");
    rt.map({amount}, [last_tax](core::Inputs in) {
      return core::Value::integer(in[0].as_int() + *last_tax);
    }, "total");
  };
  s.workload = [](std::uint32_t, std::uint32_t) {
    return std::vector<sim::Action>{sim::Action::fire("amount", core::Value::integer(100)),
                                    sim::Action::fire("amount", core::Value::integer(250))};
  };
  return s;
}

}  // namespace frsim::scenarios
