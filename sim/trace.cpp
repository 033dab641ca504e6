#include "sim/trace.hpp"

#include <fstream>
#include <sstream>

#include <fmt/format.h>

namespace frsim::sim {

Trace make_trace(const World& world) {
  Trace trace;
  trace.scenario = world.scenario().name;
  trace.config = world.config();
  trace.seed = world.seed();
  trace.choices = world.choices();
  trace.healed = world.healed();
  for (const auto& e : world.events()) trace.events.push_back(to_json(e));
  trace.event_hash = world.event_hash();
  return trace;
}

nlohmann::json to_json(const Trace& trace) {
  auto choices = nlohmann::json::array();
  for (const auto& [index, description] : trace.choices) {
    choices.push_back({{"index", index}, {"description", description}});
  }
  return nlohmann::json{
      {"format", trace_format},  {"version", trace_version}, {"scenario", trace.scenario},
      {"config", to_json(trace.config)}, {"seed", trace.seed}, {"choices", std::move(choices)},
      {"healed", trace.healed},  {"events", trace.events},   {"event_hash", hex16(trace.event_hash)},
  };
}

std::string write_trace(const Trace& trace) { return to_json(trace).dump(1) + "\n"; }

void write_trace_file(const Trace& trace, const std::filesystem::path& path) {
  std::ofstream out(path, std::ios::binary);
  if (!out) throw TraceError(fmt::format("cannot write trace file '{}'", path.string()));
  out << write_trace(trace);
  if (!out) throw TraceError(fmt::format("cannot write trace file '{}'", path.string()));
}

namespace {

const nlohmann::json& field(const nlohmann::json& j, const char* key) {
  if (!j.contains(key)) throw TraceError(fmt::format("trace: missing field '{}'", key));
  return j.at(key);
}

std::uint64_t parse_hash(const std::string& text) {
  if (text.size() != 16 || text.find_first_not_of("0123456789abcdef") != std::string::npos) {
    throw TraceError(fmt::format("trace: event_hash '{}' is not 16 lowercase hex digits", text));
  }
  return std::stoull(text, nullptr, 16);
}

}  // namespace

Trace read_trace(std::string_view text) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw TraceError(fmt::format("trace: malformed JSON ({})", e.what()));
  }
  if (!j.is_object()) throw TraceError("trace: not a JSON object");
  try {
    if (field(j, "format") != trace_format) {
      throw TraceError(fmt::format("trace: format is {}, expected \"{}\"", field(j, "format").dump(), trace_format));
    }
    if (field(j, "version") != trace_version) {
      throw TraceError(fmt::format("trace: version {} is not supported (expected {})", field(j, "version").dump(),
                                   trace_version));
    }
    Trace trace;
    trace.scenario = field(j, "scenario").get<std::string>();
    try {
      trace.config = config_from_json(field(j, "config"));
    } catch (const TraceError&) {
      throw;
    } catch (const core::Error& e) {
      throw TraceError(fmt::format("trace: bad config: {}", e.what()));
    }
    trace.seed = field(j, "seed").get<std::uint64_t>();
    const auto& choices = field(j, "choices");
    if (!choices.is_array()) throw TraceError("trace: 'choices' must be an array");
    for (const auto& c : choices) {
      trace.choices.emplace_back(field(c, "index").get<std::size_t>(), field(c, "description").get<std::string>());
    }
    trace.healed = j.value("healed", false);
    trace.events = field(j, "events");
    if (!trace.events.is_array()) throw TraceError("trace: 'events' must be an array");
    trace.event_hash = parse_hash(field(j, "event_hash").get<std::string>());
    return trace;
  } catch (const nlohmann::json::exception& e) {
    throw TraceError(fmt::format("trace: a field has the wrong type ({})", e.what()));
  }
}

Trace read_trace_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw TraceError(fmt::format("cannot read trace file '{}'", path.string()));
  std::stringstream buffer;
  buffer << in.rdbuf();
  return read_trace(buffer.str());
}

std::unique_ptr<World> replay(const Trace& trace, std::shared_ptr<const Scenario> scenario, EventSink* sink) {
  auto world = std::make_unique<World>(std::move(scenario), trace.config, trace.seed, sink);
  for (std::size_t i = 0; i < trace.choices.size(); ++i) {
    const auto& [index, description] = trace.choices[i];
    const auto enabled = world->enabled();
    if (index >= enabled.size()) {
      throw TraceError(fmt::format("replay diverged at choice {}: index {} but only {} transitions are enabled", i,
                                   index, enabled.size()));
    }
    if (enabled[index].description() != description) {
      throw TraceError(fmt::format("replay diverged at choice {}: expected \"{}\", found \"{}\"", i, description,
                                   enabled[index].description()));
    }
    world->apply_index(index);
  }
  if (trace.healed) world->heal();
  if (world->event_hash() != trace.event_hash) {
    // Every choice applied as recorded, yet the events differ: what the
    // program computed is not a function of the schedule.
    throw TraceError(fmt::format(
        "replay diverged: event hash {} differs from the trace's {}: the same choices made other events, so the "
        "program reads something besides its inputs and the schedule (a static or global variable, a clock, "
        "randomness), or the trace was written by another version of it",
        hex16(world->event_hash()), hex16(trace.event_hash)));
  }
  return world;
}

}  // namespace frsim::sim
