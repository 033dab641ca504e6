#include "sim/event.hpp"

#include <array>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/hash.hpp"

namespace frsim::sim {

namespace {
constexpr std::array<std::string_view, event_kind_count> kind_names = {
    "created",     "action_started", "reevaluated", "written",  "skipped",
    "committed",   "aborted",        "sent",        "delivered", "merged",
    "dropped",     "duplicated",     "crashed",     "restarted", "restored",
    "partitioned", "healed",         "request",     "response",  "heal_started",
};
}  // namespace

std::string_view to_string(EventKind kind) { return kind_names.at(static_cast<std::size_t>(kind)); }

EventKind event_kind_from_string(std::string_view name) {
  for (std::size_t i = 0; i < kind_names.size(); ++i) {
    if (kind_names[i] == name) return static_cast<EventKind>(i);
  }
  std::string message = "unknown event kind '";
  message += name;
  message += "'";
  throw core::Error(message);
}

std::uint64_t hash(const Event& event) {
  using core::hash_combine;
  std::uint64_t h = core::mix64(event.step);
  h = hash_combine(h, event.device);
  h = hash_combine(h, static_cast<std::uint64_t>(event.kind));
  h = hash_combine(h, event.reactive);
  h = hash_combine(h, core::hash_bytes(event.reactive_label));
  h = hash_combine(h, event.values.size());
  for (const auto& v : event.values) h = hash_combine(h, v.hash());
  h = hash_combine(h, event.message);
  h = hash_combine(h, event.peer);
  return hash_combine(h, core::hash_bytes(event.text));
}

std::uint64_t combine_event_hash(std::uint64_t running, const Event& event) {
  return core::hash_combine(running, hash(event));
}

std::string hex16(std::uint64_t value) { return fmt::format("{:016x}", value); }

nlohmann::json to_json(const Event& event) {
  nlohmann::json j;
  j["step"] = event.step;
  j["device"] = event.device == no_device ? nlohmann::json() : nlohmann::json(event.device);
  j["kind"] = std::string(to_string(event.kind));
  if (event.reactive != no_reactive) j["reactive"] = event.reactive_label;
  j["peer"] = event.peer == no_device ? nlohmann::json() : nlohmann::json(event.peer);
  j["message"] = event.message;
  auto values = nlohmann::json::array();
  for (const auto& v : event.values) values.push_back(v.to_string());
  j["values"] = std::move(values);
  j["text"] = event.text;
  return j;
}

}  // namespace frsim::sim
