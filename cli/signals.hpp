#pragma once
// SIGINT / SIGTERM for the commands that run long (explore, run): while a
// SignalScope lives, the first such signal raises interrupted() — which the
// command hands to its budget (sim::explore::Control::interrupt) — instead of
// ending the process, so the command stops at its next poll and still writes
// what it did; it then exits 128 + signal_received(). A second signal is not
// caught: Ctrl-C twice ends frsim at once.

#include <atomic>
#include <csignal>

namespace frsim::cli {

// Raised by the first SIGINT/SIGTERM inside a SignalScope.
const std::atomic<bool>& interrupted();
// The signal that raised it, 0 if none.
int signal_received();

class SignalScope {
 public:
  SignalScope();
  ~SignalScope();
  SignalScope(const SignalScope&) = delete;
  SignalScope& operator=(const SignalScope&) = delete;

 private:
  struct sigaction old_int_ {};
  struct sigaction old_term_ {};
};

}  // namespace frsim::cli
