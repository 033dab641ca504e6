#pragma once
// The report and trace JSON documents (schema version 1) that the explorer
// writes and every renderer in this folder reads. The schema is a contract
// between teams: field names here are the field names in the files.
//
// validate_report / validate_trace check required fields, types and
// enumerations and throw ReportError naming the JSON path of the first
// problem ("report.violations[0].trace.events[3].kind: ..."). Renderers call
// them first, so a malformed file is a clear error, never a crash.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/error.hpp"

namespace frsim::reports {

inline constexpr std::string_view kReportFormat = "frsim-report";
inline constexpr std::string_view kTraceFormat = "frsim-trace";
inline constexpr int kSchemaVersion = 1;

// A report or trace document that does not follow the schema.
class ReportError : public core::Error {
 public:
  using core::Error::Error;
};

// The kinds of EVENT.kind, in schema order.
enum class EventKind {
  created,
  action_started,
  reevaluated,
  written,
  skipped,
  committed,
  aborted,
  sent,
  delivered,
  merged,
  dropped,
  duplicated,
  crashed,
  restarted,
  restored,
  partitioned,
  healed,
  request,
  response,
  heal_started,
};

std::optional<EventKind> parse_event_kind(std::string_view name);
std::string_view to_string(EventKind kind);

// Every problem found, each prefixed with its JSON path; empty when valid.
std::vector<std::string> report_problems(const nlohmann::json& report);
std::vector<std::string> trace_problems(const nlohmann::json& trace);

// Throw ReportError listing the problems (the first few, then a count).
void validate_report(const nlohmann::json& report);
void validate_trace(const nlohmann::json& trace);

// Summaries every renderer prints the same way (of a validated report).
struct PropertyCounts {
  std::size_t holds = 0;
  std::size_t violated = 0;
  std::size_t not_checked = 0;
  std::size_t not_exercised = 0;  // not_exercised or never_reached: checked, judged 0 times
};
PropertyCounts count_properties(const nlohmann::json& report);

// "complete: every schedule explored" or "incomplete: stopped at the states budget".
std::string exploration_summary(const nlohmann::json& report);

// A config or value entry as a reader wants it: strings bare, the rest as JSON.
std::string plain_text(const nlohmann::json& value);

}  // namespace frsim::reports
