#include "sim/config.hpp"

#include <array>
#include <limits>

#include <fmt/format.h>

#include "core/error.hpp"

namespace frsim::sim {

namespace {

constexpr std::array<std::string_view, 2> grain_names = {"coarse", "fine"};
constexpr std::array<std::string_view, 4> topology_names = {"mesh", "ring", "star", "random"};
constexpr std::array<std::string_view, 2> nested_names = {"outer_first", "inner_while_outer_waits"};
constexpr std::array<std::string_view, 2> duplicates_names = {"in_flight", "delivered"};

template <class Enum, std::size_t N>
Enum from_names(const std::array<std::string_view, N>& names, std::string_view name,
                std::string_view what) {
  for (std::size_t i = 0; i < N; ++i) {
    if (names[i] == name) return static_cast<Enum>(i);
  }
  std::string accepted;
  for (auto n : names) {
    if (!accepted.empty()) accepted += "|";
    accepted += n;
  }
  throw core::Error(fmt::format("unknown {} '{}' (expected {})", what, name, accepted));
}

void check_budget(std::uint32_t budget, std::string_view name) {
  if (budget > budget_max) {
    throw core::Error(fmt::format("{} budget {} is too large (at most {})", name, budget, budget_max));
  }
}

}  // namespace

std::string_view to_string(Grain grain) { return grain_names.at(static_cast<std::size_t>(grain)); }
std::string_view to_string(Topology topology) {
  return topology_names.at(static_cast<std::size_t>(topology));
}
std::string_view to_string(NestedPolicy policy) {
  return nested_names.at(static_cast<std::size_t>(policy));
}
std::string_view to_string(Duplicates duplicates) {
  return duplicates_names.at(static_cast<std::size_t>(duplicates));
}
Grain grain_from_string(std::string_view name) { return from_names<Grain>(grain_names, name, "grain"); }
Topology topology_from_string(std::string_view name) {
  return from_names<Topology>(topology_names, name, "topology");
}
NestedPolicy nested_policy_from_string(std::string_view name) {
  return from_names<NestedPolicy>(nested_names, name, "nested service policy");
}
Duplicates duplicates_from_string(std::string_view name) {
  return from_names<Duplicates>(duplicates_names, name, "duplicates mode");
}

void validate(const WorldConfig& config) {
  if (config.devices == 0) throw core::Error("a world needs at least 1 device (devices is 0)");
  if (config.devices > devices_max) {
    throw core::Error(fmt::format("devices {} is too many (at most {})", config.devices, devices_max));
  }
  check_budget(config.drops, "drops");
  check_budget(config.dups, "dups");
  check_budget(config.crashes, "crashes");
  check_budget(config.partitions, "partitions");
  check_budget(config.resends, "resends");
  if (config.partitions > 0 && config.devices < 2) {
    throw core::Error("partitions need at least 2 devices");
  }
  if (config.steps_max == 0) throw core::Error("steps_max must be at least 1");
}

nlohmann::json to_json(const WorldConfig& config) {
  return nlohmann::json{
      {"devices", config.devices},
      {"drops", config.drops},
      {"dups", config.dups},
      {"crashes", config.crashes},
      {"partitions", config.partitions},
      {"resends", config.resends},
      {"grain", std::string(to_string(config.grain))},
      {"topology", std::string(to_string(config.topology))},
      {"nested", std::string(to_string(config.nested))},
      {"steps_max", config.steps_max},
      {"anonymous_messages", config.anonymous_messages},
      {"inbox_capacity", config.inbox_capacity},
      {"initial_values_known", config.initial_values_known},
      {"duplicates", std::string(to_string(config.duplicates))},
  };
}

namespace {

template <class T>
void read_number(const nlohmann::json& j, const char* key, T& out) {
  if (!j.contains(key)) return;
  const auto& v = j.at(key);
  if (!v.is_number_unsigned()) {
    throw core::Error(fmt::format("config field '{}' must be a non-negative integer", key));
  }
  const auto n = v.get<std::uint64_t>();
  if (n > std::numeric_limits<T>::max()) {
    throw core::Error(fmt::format("config field '{}' is out of range", key));
  }
  out = static_cast<T>(n);
}

void read_bool(const nlohmann::json& j, const char* key, bool& out) {
  if (!j.contains(key)) return;
  const auto& v = j.at(key);
  if (!v.is_boolean()) throw core::Error(fmt::format("config field '{}' must be true or false", key));
  out = v.get<bool>();
}

std::string read_string(const nlohmann::json& j, const char* key, std::string_view fallback) {
  if (!j.contains(key)) return std::string(fallback);
  const auto& v = j.at(key);
  if (!v.is_string()) throw core::Error(fmt::format("config field '{}' must be a string", key));
  return v.get<std::string>();
}

}  // namespace

WorldConfig config_from_json(const nlohmann::json& j, const WorldConfig& base) {
  if (!j.is_object()) throw core::Error("config must be a JSON object");
  WorldConfig c = base;
  read_number(j, "devices", c.devices);
  read_number(j, "drops", c.drops);
  read_number(j, "dups", c.dups);
  read_number(j, "crashes", c.crashes);
  read_number(j, "partitions", c.partitions);
  read_number(j, "resends", c.resends);
  read_number(j, "steps_max", c.steps_max);
  read_number(j, "inbox_capacity", c.inbox_capacity);
  read_bool(j, "anonymous_messages", c.anonymous_messages);
  read_bool(j, "initial_values_known", c.initial_values_known);
  c.grain = grain_from_string(read_string(j, "grain", to_string(c.grain)));
  c.topology = topology_from_string(read_string(j, "topology", to_string(c.topology)));
  c.nested = nested_policy_from_string(read_string(j, "nested", to_string(c.nested)));
  c.duplicates = duplicates_from_string(read_string(j, "duplicates", to_string(c.duplicates)));
  validate(c);
  return c;
}

}  // namespace frsim::sim
