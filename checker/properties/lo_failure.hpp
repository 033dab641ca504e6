#pragma once
#include <map>
#include <set>

#include "checker/property.hpp"

namespace frsim::checker {

// Lo (seed 001), invalid operations: "the worker immediately halts execution
// of the procedure, performing no more operations on the task. If the task is
// a request, the worker sends a failure response to the sender. Any responses
// already received and enqueued for subrequests will be dropped, as will any
// responses received for subrequests after the task has failed."
//
// Judged on the stream: once a task halts on request X, X gets no success
// response afterwards (the halted task performs no more operations). Dropping
// responses to its subrequests is not judged here: Lo events do not name the
// task a subrequest belongs to.
class LoFailure final : public CopyableProperty<LoFailure> {
 public:
  std::string_view name() const override { return "lo-failure"; }
  std::string_view source() const override { return "Lo"; }
  std::string_view description() const override {
    return "a failed task performs no further operation; responses to its subrequests are dropped";
  }
  void on_event(const sim::Event& event, const sim::World& world) override;

 private:
  std::set<std::uint64_t> failed_requests_;
};

}  // namespace frsim::checker
