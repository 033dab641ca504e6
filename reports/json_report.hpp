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
// Statuses are status.hpp's; a report without a status word it knows counts
// the property as not checked.
struct PropertyCounts {
  std::size_t holds = 0;
  std::size_t violated = 0;
  std::size_t not_exercised = 0;
  std::size_t incomplete = 0;
  std::size_t not_judged_further = 0;
  std::size_t not_checked = 0;
  std::size_t never_reached = 0;  // a user's `sometimes` no explored state satisfied
};
PropertyCounts count_properties(const nlohmann::json& report);
// "2 hold, 1 violated, 10 not judged further": the non-zero counts.
std::string counts_text(const PropertyCounts& counts);
// The status of report.properties[index], in a person's words ("not violated (incomplete)").
std::string status_text(const nlohmann::json& report, std::size_t index);

// What ran: "bfs with sleep sets", "default campaign: bfs with sleep sets
// and symmetry, then swarm", "swarm", "pct (d = 3)".
std::string strategy_summary(const nlohmann::json& report);
// What ran and how it ended: "bfs: complete, every schedule within the
// bounds explored", "swarm: incomplete, stopped at the schedules budget",
// "bfs: stopped at the first violation".
std::string exploration_summary(const nlohmann::json& report);
// The run's verdict, report.verdict: "holds", "violated", "incomplete", "interrupted",
// "unreached" (complete, but a `sometimes` property never reached: a failure).
std::string verdict_of(const nlohmann::json& report);
// The verdict in one sentence for banners: "VIOLATED: convergence", "every
// property holds on every schedule within the bounds", "no violation found,
// but the exploration is incomplete (the time budget)".
std::string verdict_text(const nlohmann::json& report);

// What each of a violation's values is, by its property (report.violations[i]
// .values): "expected: at the last commit before the crash", "actual: after
// restart". `count` labels, "value 1", "value 2", ... for a property or count
// it does not know.
std::vector<std::string> value_labels(const nlohmann::json& violation);

// A config or value entry as a reader wants it: strings bare, the rest as JSON.
std::string plain_text(const nlohmann::json& value);

}  // namespace frsim::reports
