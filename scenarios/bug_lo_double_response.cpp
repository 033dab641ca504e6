// Deliberately broken (seed 001, "Requests and Responses"): "Once a worker has
// responded to a request, it cannot respond again – each request has at most
// one response." The Lo service "quote" prices an order; for an order over the
// credit limit it answers with a failure — and then falls through to the
// normal path and answers again with a price (the missing `return` of many a
// request handler). The caller cannot tell which answer is meant.
//
// The substrate never posts the second response (a request gets at most one),
// but the attempt is an event ("lo success refused: a second response ..."),
// and the task halts on it. Workload (two devices): d0 asks for a quote of 5
// (one clean answer); d1 asks for a quote of 500, over the limit (the double
// answer, on every schedule that runs the task, healing included).
// Expected verdict: lo-one-response, naming the request, the device and the
// service "quote".

#include <fmt/format.h>

#include "scenarios/registry.hpp"
#include "scenarios/scaffold.hpp"

namespace frsim::scenarios {

namespace {

using core::Value;

constexpr std::int64_t credit_limit = 100;
constexpr std::int64_t price_per_unit = 3;

void quote(sim::lo::TaskContext& task) {
  const std::int64_t amount = task.message().payload.as_int();
  // The bug: no `return` after the refusal.
  if (amount > credit_limit) {
    task.respond(false, Value::string(fmt::format("{} is over the credit limit of {}", amount, credit_limit)));
  }
  task.respond(true, Value::integer(amount * price_per_unit));
}

}  // namespace

sim::Scenario bug_lo_double_response() {
  auto s = broken_lo_application("bug-lo-double-response",
                                 "a Lo service that answers an over-limit request twice "
                                 "(seed 001: at most one response)",
                                 {{"quote", quote}}, "lo-one-response");
  s.workload = [](std::uint32_t device, std::uint32_t) {
    return std::vector<sim::Action>{sim::Action::request("quote", Value::integer(device == 0 ? 5 : 500))};
  };
  return s;
}

}  // namespace frsim::scenarios
