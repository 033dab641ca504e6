#pragma once
// Report documents built by hand, following the schema in reports/json_report.hpp:
// a campaign where everything holds and one with a crafted violating trace.

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace frsim::reports::test {

// The text of the aborted event and of the violation's message: user data
// that must come out escaped.
inline constexpr const char* kHostileText = "<script>alert(\"x & y\")</script>";

nlohmann::json event(std::int64_t step, std::int64_t device, const char* kind,
                     const std::string& text, const std::string& reactive = "",
                     std::optional<std::int64_t> peer = std::nullopt, std::int64_t message = 0);

nlohmann::json trace_of(nlohmann::json events);

// Three devices, a complete bfs: all properties hold but one not checked.
nlohmann::json holding_report();

// The same run stopped by its time budget: "not violated (incomplete)".
nlohmann::json incomplete_report();

// The crafted trace on three devices (d0, d1, d2). By construction it holds:
// 4 delivered arrows (messages 1, 3, 4, and 4 again; 3 is a copy of 2 under a
// new id, the second 4 a same-id copy), 1 dropped message (2), 2 duplicated
// events, 1 crash and 1 restart of d2, a partition and heal of d0-d1, the
// start of the healing phase (the last event), 4 propagations: d0 committed {topic1, view}, d1
// (a receive, no action_started) committed {topic1, history}, d1 aborted
// {view}, d2 committed {history}; the violating reactive is "history" on d2.
nlohmann::json violating_report();

inline constexpr std::size_t kViolatingEvents = 32;

// How often `needle` occurs in `text`.
inline std::size_t count_of(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

}  // namespace frsim::reports::test
