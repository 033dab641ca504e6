#pragma once
// What a trace alone says each device's store holds after an event: the
// independent model the state explorer's states are checked against (they
// come from a replay of the world; this reads only the trace's events).
//
// A reactive's value is known once an event sets it: (fire)/(receive) set
// the action's reactive (action_started, values[0]), (write) values[0],
// a merge its result (values[2]), restoration from Σ values[0]. A crash,
// a restart or an aborted propagation (rolled back) forgets what is known
// of that device, and creation alone says no value: those stay unknown.

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

namespace frsim::reports::test {

using KnownStore = std::map<std::pair<std::int64_t, std::string>, std::string>;

// The known values after events[0..upto] (inclusive).
inline KnownStore known_store(const nlohmann::json& events, std::size_t upto) {
  KnownStore known;
  for (std::size_t i = 0; i <= upto && i < events.size(); ++i) {
    const auto& e = events[i];
    if (e.at("device").is_null()) continue;
    const auto device = e.at("device").get<std::int64_t>();
    const std::string kind = e.at("kind");
    const std::string reactive = e.value("reactive", std::string());
    const auto values = e.value("values", nlohmann::json::array());
    if (kind == "crashed" || kind == "restarted" || kind == "aborted") {
      for (auto it = known.begin(); it != known.end();) it = it->first.first == device ? known.erase(it) : std::next(it);
      continue;
    }
    if (reactive.empty()) continue;
    std::size_t at = values.size();
    if (kind == "action_started" || kind == "written" || kind == "restored") at = 0;
    if (kind == "merged") at = 2;
    if (at < values.size()) known[{device, reactive}] = values[at].get<std::string>();
  }
  return known;
}

}  // namespace frsim::reports::test
