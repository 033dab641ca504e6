#pragma once
// What `frsim replay` prints, shared with the pbt case replay (cmd_pbt.cpp).

#include <string>

#include "sim/event.hpp"

namespace frsim::cli {

// One event: step, device, kind, text and the values it carries.
std::string event_line(const sim::Event& e);

}  // namespace frsim::cli
