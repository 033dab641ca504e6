#pragma once
// Trace files: everything needed to replay a schedule bit for bit.
//
// {"format":"frsim-trace","version":1,"scenario":...,"config":{...},"seed":...,
//  "choices":[{"index":i,"description":"..."}...],"healed":true,
//  "events":[event json...],"event_hash":"<16 hex digits>"}
//
// "choices" are indices into enabled() at each state, checked against their
// descriptions on replay; "healed" says the healing phase ran after them.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "sim/config.hpp"
#include "sim/scenario.hpp"
#include "sim/world.hpp"

namespace frsim::sim {

// A trace file that cannot be read or replayed.
class TraceError : public core::Error {
 public:
  using core::Error::Error;
};

inline constexpr std::string_view trace_format = "frsim-trace";
inline constexpr int trace_version = 1;

struct Trace {
  std::string scenario;
  WorldConfig config;
  std::uint64_t seed = 0;
  std::vector<std::pair<std::size_t, std::string>> choices;
  bool healed = false;
  nlohmann::json events = nlohmann::json::array();
  std::uint64_t event_hash = 0;
};

// The trace of what `world` has done so far (its events must be recorded).
Trace make_trace(const World& world);

nlohmann::json to_json(const Trace& trace);
std::string write_trace(const Trace& trace);
void write_trace_file(const Trace& trace, const std::filesystem::path& path);
// Throws TraceError for malformed JSON, a missing or mistyped field, or the
// wrong format or version.
Trace read_trace(std::string_view text);
Trace read_trace_file(const std::filesystem::path& path);

// Re-executes the choices (and healing) on a fresh world and checks every
// choice's description and the event hash. Throws TraceError on divergence.
std::unique_ptr<World> replay(const Trace& trace, std::shared_ptr<const Scenario> scenario,
                              EventSink* sink = nullptr);

}  // namespace frsim::sim
