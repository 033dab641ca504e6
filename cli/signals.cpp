#include "cli/signals.hpp"

namespace frsim::cli {

namespace {

// A signal handler can only reach a global; nothing else is global here.
std::atomic<bool> interrupted_flag{false};
std::atomic<int> received{0};

extern "C" void on_signal(int signal) {
  received.store(signal);
  interrupted_flag.store(true);
}

}  // namespace

const std::atomic<bool>& interrupted() { return interrupted_flag; }
int signal_received() { return received.load(); }

SignalScope::SignalScope() {
  interrupted_flag.store(false);
  received.store(0);
  struct sigaction action {};
  action.sa_handler = on_signal;
  action.sa_flags = SA_RESETHAND;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, &old_int_);
  sigaction(SIGTERM, &action, &old_term_);
}

SignalScope::~SignalScope() {
  sigaction(SIGINT, &old_int_, nullptr);
  sigaction(SIGTERM, &old_term_, nullptr);
}

}  // namespace frsim::cli
