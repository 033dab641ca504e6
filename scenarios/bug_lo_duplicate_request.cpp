// Deliberately broken (seed 001, "Requests and Responses", over a network
// that duplicates messages): a ticket dispenser that is not idempotent.
//
// "office" (d0) opens a dispenser: its task binds the nested service "take",
// whose environment holds the next ticket number, and answers with the
// dispenser's address (an address is a value like any other: it is stored,
// sent and used). The task ends; "take" lives on, its environment with it.
// Each request to "take" answers with the next number and counts up.
//
// "client" (d1) is what d1's user asks for a ticket: its task requests
// "office" on d0, then "take" at the address in the response, and answers
// the user with the ticket it got.
//
// The bug: "take" hands out a new ticket per task, not per request. When the
// network duplicates the request to "take" (or to "office"), the copy runs as
// a task of its own and answers the same request again, with another ticket
// (or another dispenser): "each request has at most one response" is broken.
// Answering a duplicate with the ticket already given for that request (by
// its request id, kept in the environment) would be idempotent and correct.
// Workload (two devices): d1's user asks its client for one ticket.
// Default budgets: one duplicate. Expected verdict: lo-one-response, naming
// the service "take" (or "office").

#include "scenarios/registry.hpp"
#include "scenarios/scaffold.hpp"

namespace frsim::scenarios {

namespace {

namespace lo = sim::lo;
using core::Value;

constexpr std::uint32_t office_device = 0;

void office(lo::TaskContext& task) {
  task.env()["next"] = Value::integer(1);
  const Value dispenser = task.bind("take", [](lo::TaskContext& take) {
    lo::Environment& env = take.env();
    const Value ticket = env.at("next");
    env["next"] = Value::integer(ticket.as_int() + 1);  // the bug: per task, not per request
    take.respond(true, ticket);
  });
  task.respond(true, dispenser);
}

void client(lo::TaskContext& task) {
  if (!task.is_response()) {
    task.request(task.lookup(office_device, "office"), Value());
    return;
  }
  const lo::Message& response = task.message();
  if (response.kind == lo::MessageKind::failure) throw core::Error("no dispenser");
  if (response.payload.kind() == core::Kind::address) {
    task.request(response.payload, Value());  // the dispenser's address, from the office's answer
    return;
  }
  task.respond(true, response.payload);  // the ticket
}

}  // namespace

sim::Scenario bug_lo_duplicate_request() {
  auto s = broken_lo_application("bug-lo-duplicate-request",
                                 "a Lo ticket dispenser that answers a duplicated request again with a new ticket",
                                 {{"office", office}, {"client", client}}, "lo-one-response");
  s.workload = only_on(1, {sim::Action::request("client", Value())});
  s.defaults.dups = 1;
  return s;
}

}  // namespace frsim::scenarios
