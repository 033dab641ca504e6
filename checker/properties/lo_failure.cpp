#include "checker/properties/lo_failure.hpp"

#include <fmt/format.h>

#include "checker/properties/lo_one_response.hpp"

namespace frsim::checker {

void LoFailure::on_event(const sim::Event& e, const sim::World& /*world*/) {
  if (e.kind == sim::EventKind::aborted && e.message != 0 && e.text.rfind("lo task", 0) == 0) {
    failed_requests_.insert(e.message);
    return;
  }
  const auto request = answered_request(e);
  if (!request || !failed_requests_.contains(*request) || !is_success_response(e)) return;
  report(e.device, {},
         fmt::format("the task answering request #{} halted on an invalid operation, yet the request got a "
                     "success response: \"{}\"",
                     *request, e.text),
         {e.text});
}

}  // namespace frsim::checker
