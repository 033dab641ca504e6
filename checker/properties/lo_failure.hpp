#pragma once
#include <map>
#include <set>
#include <string>

#include "checker/property.hpp"

namespace frsim::checker {

// Lo (seed 001), invalid operations: "the worker immediately halts execution
// of the procedure, performing no more operations on the task. If the task is
// a request, the worker sends a failure response to the sender. Any responses
// already received and enqueued for subrequests will be dropped, as will any
// responses received for subrequests after the task has failed."
//
// Judged on the stream, with the task identity of Lo events ("[task 4 of
// bank]", "[...; pending #12 #14]" on the halt, see sim/lo/system.hpp):
//   (a) a halted task performs no further operation: no request, one-way
//       message or response tagged with it after its halt — except the one
//       failure response the worker sends for it in the same step — and its
//       request gets no success response;
//   (b) responses to the subrequests it left pending are dropped: those
//       already in its queue within the step that halts it, later ones on
//       arrival (a "queued" event for one of them is a delivery to a failed
//       task);
//   (c) a task that performed an invalid operation halts in that step,
//       whatever its procedure did with the exception ("immediately");
//   (d) the nested services it bound stop with it (their environment is the
//       halted task's): no message is queued for them and they perform no
//       operation after the halt.
// A response without a task tag (another origin) answering a halted task's
// request with a success is a finding too; tagged ones are judged per task
// (a duplicated request runs a second task, which may answer on its own).
class LoFailure final : public CopyableProperty<LoFailure> {
 public:
  std::string_view name() const override { return "lo-failure"; }
  std::string_view source() const override { return "Lo"; }
  std::string_view description() const override {
    return "a failed task performs no further operation; responses to its subrequests are dropped";
  }
  void on_event(const sim::Event& event, const sim::World& world) override;
  void on_schedule_end(const sim::World& world) override;

 private:
  struct Failed {
    std::uint32_t device = 0;
    std::string service;
    std::uint64_t heap_bytes() const { return checker::heap_bytes(service); }
    std::uint64_t request = 0;  // its initiating message
    std::uint64_t step = 0;     // the step that halted it
  };
  // A response in a failed task's queue that must be dropped before the step ends.
  struct Undropped {
    std::uint64_t task = 0;
    std::uint64_t subrequest = 0;
  };

  void on_halt(const sim::Event& e);
  void on_bind(const sim::Event& e);
  void on_invalid_operation(const sim::Event& e);
  void check_stopped(const sim::Event& e, const std::string& address, std::string_view what);
  void check_halted_in_time();
  void on_queued(const sim::Event& e, std::uint64_t subrequest);
  void on_operation(const sim::Event& e, std::uint64_t task);
  void check_dropped_in_time();

  std::set<std::uint64_t> failed_requests_;               // initiating messages of halted tasks
  std::map<std::uint64_t, Failed> failed_;                // task -> its halt
  std::map<std::uint64_t, std::uint64_t> abandoned_;      // pending subrequest of a halted task -> task
  std::map<std::uint64_t, std::set<std::uint64_t>> queued_;  // subrequest -> responses queued for it
  std::map<std::uint64_t, Undropped> must_drop_;          // response -> what it answers
  std::uint64_t halt_step_ = 0;                           // step of the latest halt with must_drop_
  std::map<std::string, std::uint64_t> bound_by_;         // nested service's address -> task that bound it
  std::map<std::string, std::uint64_t> stopped_;          // address of a stopped service -> halted task
  std::map<std::uint64_t, Failed> invalid_;               // task with an invalid operation, not halted yet

  std::uint64_t state_bytes() const override {
    return heap_bytes(failed_requests_, failed_, abandoned_, queued_, must_drop_, bound_by_, stopped_, invalid_);
  }
};

}  // namespace frsim::checker
