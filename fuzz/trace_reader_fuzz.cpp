// libFuzzer target: arbitrary bytes as a trace file. The reader must reject
// every malformed input with a TraceError (a core::Error), and every trace it
// accepts must replay or be rejected the same way: no crash, no leak, no
// undefined behaviour, and no exception other than core::Error.
//
// Inputs naming a built-in scenario are replayed against it (choices, healing,
// event hash), which is what `frsim replay` does with a file it has read.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/error.hpp"
#include "scenarios/registry.hpp"
#include "sim/trace.hpp"

namespace {

// Healing a large world is slow but not wrong; beyond these sizes an input
// only costs executions per second without reaching new reader code.
constexpr std::uint32_t replay_devices_max = 8;
constexpr std::size_t replay_choices_max = 256;

void read_and_replay(std::string_view text) {
  const auto trace = frsim::sim::read_trace(text);
  const auto scenario = frsim::scenarios::find(trace.scenario);
  if (!scenario) return;
  if (trace.config.devices > replay_devices_max || trace.choices.size() > replay_choices_max) return;
  frsim::sim::replay(trace, scenario);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    read_and_replay(std::string_view(reinterpret_cast<const char*>(data), size));
  } catch (const frsim::core::Error&) {
    // Rejected with a clear message: the expected outcome for most inputs.
  }
  return 0;
}
