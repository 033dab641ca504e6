#pragma once
// A campaign's report folder, written the same way by `frsim explore` and by
// a program of one's own (issue 16: "your scenarios, our command line"):
//
//   report.json          the report (schema: json_report.hpp), with the
//                        verdict, every property's status (status.hpp), the
//                        frsim version and commit, the command line, and for
//                        a violation its trace and its states step by step;
//   report.html          one self-contained page (html.hpp) with the state
//                        explorer;
//   junit.xml            one test case per property (junit.hpp);
//   counterexample.json  a trace file `frsim replay` accepts, only when a
//                        property is violated (a stale one is removed).
//
// A renderer that fails costs its file, never the run: write_all says which
// files it could not write.

#include <atomic>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "reports/html.hpp"
#include "sim/explore/explore.hpp"
#include "sim/scenario.hpp"

namespace frsim::reports {

struct ReportOptions {
  // "default" for sim::explore::default_campaign, else the strategy's name.
  // Empty: "default" when Result::stage says the campaign ran.
  std::string strategy;
  // The program that replays the counterexample ("<program> replay DIR/counterexample.json").
  std::string program = "frsim";
  // The command line as typed (report.json "command_line").
  std::vector<std::string> command_line;
  // When the run started, ISO 8601 UTC (report.json "started_at"). Metadata
  // for people: nothing is decided by it.
  std::string started_at;
  // A resumed campaign: the report it continues. Its statistics are added to
  // this run's (the counts then cover the whole campaign).
  const nlohmann::json* previous = nullptr;
  // Notes to add to the result's (what a resume carried over, what restarted).
  std::vector<std::string> notes;
  // Sampled counterexamples are shrunk (checker::shrink) within this many
  // replays; breadth-first ones are shortest already.
  std::size_t shrink_replays_max = 2000;
  // ... and stop early, keeping the shortest schedule so far, when this flag
  // is raised (a signal) or after this many seconds (0: none).
  const std::atomic<bool>* interrupt = nullptr;
  double shrink_time_limit_seconds = 0;
  // The state explorer's data stops at this many bytes of JSON and says so.
  std::size_t states_bytes_max = 8u << 20;
  HtmlOptions html;
};

struct WrittenReport {
  nlohmann::json report;                                // what report.json holds
  std::optional<std::filesystem::path> counterexample;  // DIR/counterexample.json
  // "shrunk the counterexample from 9 to 2 choices (31 replays)", when it was.
  std::optional<std::string> shrunk;
  // Files not written, one line each ("report.html not written: ...").
  std::vector<std::string> problems;
};

// Writes the report folder `dir` (created if missing) for `result`, a run of
// `options` on `scenario`. Throws core::Error if report.json cannot be written.
WrittenReport write_all(const std::shared_ptr<const sim::Scenario>& scenario, const sim::explore::Options& options,
                        const sim::explore::Result& result, const std::filesystem::path& dir,
                        const ReportOptions& report_options = {});

// report.json's "config": the options that applied to what ran. A campaign's
// config lists its stages (what each ran with, and whether it ran); a single
// strategy's leaves out what does not apply to it (no por for swarm, no
// pct_depth for bfs).
nlohmann::json config_json(const sim::explore::Options& options, const sim::explore::Result& result, bool campaign);

// The current time as ISO 8601 UTC ("2025-01-31T12:00:00Z"), for started_at.
std::string utc_now();

}  // namespace frsim::reports
