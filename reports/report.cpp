#include "reports/report.hpp"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <fstream>
#include <map>

#include <fmt/format.h>

#include "checker/checker.hpp"
#include "core/error.hpp"
#include "reports/junit.hpp"
#include "reports/states.hpp"
#include "reports/status.hpp"
#include "reports/version.hpp"
#include "sim/trace.hpp"
#include "sim/world.hpp"

namespace frsim::reports {

namespace {

namespace ex = sim::explore;
using nlohmann::json;

// Options that apply only to one family of strategy.
const std::vector<const char*> exhaustive_only = {"por", "symmetry", "bitstate", "end_every_state"};
const std::vector<const char*> sampling_only = {"first_schedule", "determinism_every", "pct_depth"};

// What one stage of the campaign ran with.
json stage_json(const ex::Options& stage, bool ran) {
  json j = {{"strategy", ex::to_string(stage.strategy)}, {"ran", ran}};
  if (ex::exhaustive(stage.strategy)) {
    j["por"] = ex::to_string(stage.por);
    j["symmetry"] = stage.symmetry;
    j["bitstate"] = stage.bitstate;
    j["end_every_state"] = stage.end_every_state;
    j["time_limit_seconds"] = stage.limits.time_limit_seconds;
    j["time_budget"] = "half of time_limit_seconds";
  } else {
    j["determinism_every"] = stage.determinism_every;
    j["first_schedule"] = stage.first_schedule;
    j["time_budget"] = "what stage 1 left of time_limit_seconds";
  }
  return j;
}

// Every property of the scenario (checker::properties_of: the built-in ones,
// then the scenario's own), each with its status and judged count.
json properties_json(const sim::Scenario& scenario, const ex::Result& result) {
  const std::vector<checker::PropertyInfo> known = checker::properties_of(scenario);
  const auto info_of = [&known](const std::string& name) -> const checker::PropertyInfo* {
    const auto it = std::find_if(known.begin(), known.end(), [&](const checker::PropertyInfo& p) { return p.name == name; });
    return it == known.end() ? nullptr : &*it;
  };
  json out = json::array();
  auto add = [&](const std::string& name, PropertyStatus status, const json& judged) {
    const checker::PropertyInfo* info = info_of(name);
    out.push_back({{"name", name},
                   {"status", to_string(status)},
                   {"judged", judged},
                   {"source", info != nullptr ? info->source : std::string()},
                   {"description", info != nullptr ? info->description : std::string()}});
  };
  const auto checked = [&](std::size_t index) {
    const checker::PropertyInfo* info = info_of(result.properties[index]);
    add(result.properties[index], property_status(result, index, info != nullptr && info->reachability),
        index < result.judged.size() ? json(result.judged[index]) : json());
  };
  // The checker's order first, then any property only the monitor knows.
  for (const auto& p : known) {
    const auto it = std::find(result.properties.begin(), result.properties.end(), p.name);
    if (it == result.properties.end()) {
      add(p.name, PropertyStatus::not_checked, nullptr);
    } else {
      checked(static_cast<std::size_t>(it - result.properties.begin()));
    }
  }
  for (std::size_t i = 0; i < result.properties.size(); ++i) {
    if (info_of(result.properties[i]) == nullptr) checked(i);
  }
  if (result.violation) {
    // A finding about a property the monitor does not list (determinism, found by the explorer's own re-run).
    const auto& violated = result.violation->finding.property;
    const bool listed = std::any_of(out.begin(), out.end(), [&](const json& p) { return p["name"] == violated; });
    if (!listed) {
      out.push_back({{"name", violated}, {"status", to_string(PropertyStatus::violated)}, {"judged", nullptr},
                     {"source", ""}, {"description", ""}});
    }
  }
  return out;
}

ex::Stats with_previous(ex::Stats stats, const json* previous) {
  if (previous == nullptr) return stats;
  const json& s = previous->at("stats");
  stats.transitions += s.value("transitions", std::uint64_t{0});
  stats.states += s.value("states", std::uint64_t{0});
  // Distinct per run, summed, as the campaign sums its stages' counts.
  stats.distinct_states += s.value("distinct_states", std::uint64_t{0});
  stats.schedules += s.value("schedules", std::uint64_t{0});
  stats.elapsed_seconds += s.value("elapsed_seconds", 0.0);
  stats.max_depth = std::max(stats.max_depth, s.value("max_depth", std::uint64_t{0}));
  stats.memory_bytes = std::max(stats.memory_bytes, s.value("memory_bytes", std::uint64_t{0}));
  stats.states_per_second =
      stats.elapsed_seconds > 0 ? static_cast<double>(stats.states) / stats.elapsed_seconds : 0;
  return stats;
}

// Where a later `frsim explore --resume DIR` continues, when it can: sampling
// goes on at the next schedule; a campaign interrupted in its exhaustive
// stage starts again (a breadth-first frontier is not stored); a complete or
// exhaustive-only run has nothing to resume.
json resume_json(const ex::Options& options, const ex::Result& result, bool campaign) {
  if (campaign && result.stage == 2) {
    ex::Options rest = ex::campaign_stage2(options, ex::Stats{});
    rest.limits.time_limit_seconds = options.limits.time_limit_seconds;
    return {{"strategy", "swarm"}, {"stage", 2}, {"next_schedule", result.next_schedule}, {"options", ex::to_json(rest)}};
  }
  if (campaign && !result.complete && !result.violation) {
    return {{"strategy", "default"}, {"stage", 1}, {"next_schedule", 0}, {"options", ex::to_json(options)}};
  }
  if (!campaign && !ex::exhaustive(options.strategy)) {
    return {{"strategy", ex::to_string(options.strategy)},
            {"stage", 0},
            {"next_schedule", result.next_schedule},
            {"options", ex::to_json(options)}};
  }
  return nullptr;
}

json dataflow_json(const std::shared_ptr<const sim::Scenario>& scenario, const sim::WorldConfig& config,
                   std::uint64_t seed) {
  sim::World world(scenario, config, seed);
  const core::Runtime& rt = *world.device(0).runtime();
  json nodes = json::array();
  json edges = json::array();
  for (core::ReactiveId r = 0; r < rt.size(); ++r) {
    nodes.push_back({{"id", r},
                     {"label", rt.label(r).empty() ? fmt::format("r{}", r) : rt.label(r)},
                     {"kind", core::to_string(rt.kind(r))},
                     {"distributed", rt.is_distributed(r)}});
    const auto inputs = rt.inputs(r);
    for (std::size_t i = 0; i < inputs.size(); ++i) {
      // inputs(r, µ) of a flatten: the outer reactive, then the current inner one.
      const bool dynamic = rt.kind(r) == core::ReactiveKind::flatten && i > 0;
      edges.push_back({{"from", inputs[i]}, {"to", r}, {"dynamic", dynamic}});
    }
  }
  return {{"dot", rt.to_dot()}, {"nodes", nodes}, {"edges", edges}};
}

void write_text(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
  out.close();
  if (!out) throw core::Error(fmt::format("cannot write {}", path.string()));
}

// Renderers may fail on a report (a bug there); that costs their file only.
template <typename Render>
void render(const std::filesystem::path& path, std::vector<std::string>& problems, Render&& write) {
  try {
    std::ofstream out(path);
    write(out);
    out.close();
    if (!out) throw core::Error("the file could not be written");
  } catch (const std::exception& e) {
    const std::string what = e.what();
    problems.push_back(fmt::format("{} not written: {}", path.filename().string(), what.substr(0, what.find('\n'))));
  }
}

// Devices disagree, or no sequential schedule computes what one did, also
// when some of the schedule's actions aborted and rolled back (an operator or
// merge threw, a reference named a reactive the receiver lacks): what those
// would have written is missing. The finding then says so, from the trace.
std::string aborted_actions(const sim::Trace& trace) {
  std::map<std::uint32_t, std::pair<std::size_t, std::string>> by_device;  // device -> (count, first text)
  for (const auto& e : trace.events) {
    if (e.value("kind", "") != "aborted" || !e.contains("device") || !e.at("device").is_number()) continue;
    auto& [count, first] = by_device[e.at("device").get<std::uint32_t>()];
    if (count++ == 0) {
      first = e.value("text", "");
      if (first.starts_with("abort: ")) first.erase(0, 7);
    }
  }
  if (by_device.empty()) return {};
  std::string text = "; on this schedule ";
  bool comma = false;
  for (const auto& [device, aborted] : by_device) {
    text += fmt::format("{}d{} aborted {} action{} and rolled {} back (the first: {})", comma ? ", " : "", device,
                        aborted.first, aborted.first == 1 ? "" : "s", aborted.first == 1 ? "it" : "them",
                        aborted.second);
    comma = true;
  }
  return text;
}

struct Counterexample {
  json violation;
  std::optional<std::string> shrunk;
};

Counterexample counterexample(const std::shared_ptr<const sim::Scenario>& scenario, const ex::Violation& v,
                              const std::filesystem::path& trace_path, const ReportOptions& o) {
  checker::Choices choices = v.choices;
  sim::Finding finding = v.finding;
  std::optional<std::string> shrunk;
  if (!v.found_by.empty()) {  // sampled: shrink; breadth-first ones are shortest already
    checker::ShrinkOptions shrink;
    shrink.replays_max = o.shrink_replays_max;
    shrink.interrupt = o.interrupt;
    shrink.time_limit_seconds = o.shrink_time_limit_seconds;
    auto result = checker::shrink(*scenario, v.config, v.seed, choices, v.finding.property, shrink);
    shrunk = fmt::format("shrunk the counterexample from {} to {} choices ({} replays{})", choices.size(),
                         result.choices.size(), result.replays,
                         result.stopped.empty() ? "" : fmt::format("; stopped early by {}", result.stopped));
    choices = std::move(result.choices);
    finding = std::move(result.finding);
  }
  RecordedRun run = record_run(scenario, v.config, v.seed, choices, o.states_bytes_max);
  sim::write_trace_file(run.trace, trace_path);
  if (finding.property == "convergence" || finding.property == "sequential-spec") {
    finding.message += aborted_actions(run.trace);
  }
  return {json{
              {"property", finding.property},
              {"message", finding.message},
              {"device", finding.device == sim::no_device ? json() : json(finding.device)},
              {"reactive", finding.reactive.empty() ? json() : json(finding.reactive)},
              {"values", finding.values},
              {"found_by", v.found_by.empty() ? std::string(ex::to_string(ex::Strategy::bfs)) : v.found_by},
              {"trace", sim::to_json(run.trace)},
              {"states", std::move(run.states)},
              {"replay", fmt::format("{} replay {}", o.program, trace_path.string())},
          },
          shrunk};
}

}  // namespace

json config_json(const ex::Options& options, const ex::Result& result, bool campaign) {
  json config = ex::to_json(options);
  config["campaign"] = campaign;
  if (campaign) {
    config["strategy"] = "default";
    for (const char* key : exhaustive_only) config.erase(key);
    for (const char* key : sampling_only) config.erase(key);
    config["stages"] = json::array({stage_json(ex::campaign_stage1(options), true),
                                    stage_json(ex::campaign_stage2(options, ex::Stats{}), result.stage == 2)});
    return config;
  }
  const bool exhaustive = ex::exhaustive(options.strategy);
  for (const char* key : exhaustive ? sampling_only : exhaustive_only) config.erase(key);
  if (options.strategy != ex::Strategy::pct) config.erase("pct_depth");
  return config;
}

std::string utc_now() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

WrittenReport write_all(const std::shared_ptr<const sim::Scenario>& scenario, const ex::Options& options,
                        const ex::Result& result, const std::filesystem::path& dir, const ReportOptions& o) {
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) throw core::Error(fmt::format("cannot create {}: {}", dir.string(), error.message()));
  const bool campaign = o.strategy.empty() ? result.stage > 0 : o.strategy == "default";
  json notes = result.notes;
  for (const auto& note : o.notes) notes.push_back(note);
  json report = {
      {"format", "frsim-report"},
      {"version", 1},
      {"frsim", {{"version", frsim_version()}, {"commit", frsim_commit()}}},
      {"command_line", o.command_line},
      {"started_at", o.started_at},
      {"scenario", scenario->name},
      {"description", scenario->description},
      {"strategy", campaign ? std::string("default") : std::string(ex::to_string(options.strategy))},
      {"config", config_json(options, result, campaign)},
      {"seed", options.seed},
      {"verdict", to_string(verdict(result))},
      {"complete", result.complete},
      {"budget_hit", result.budget_hit == ex::BudgetHit::none ? json() : json(ex::to_string(result.budget_hit))},
      {"stats", ex::to_json(with_previous(result.stats, o.previous))},
      {"properties", properties_json(*scenario, result)},
      {"violations", json::array()},
      {"notes", notes},
      {"resume", resume_json(options, result, campaign)},
  };
  // A complete exploration in which a `sometimes` property was never reached
  // has shown that no state within the bounds satisfies it: that fails.
  if (report["verdict"] == "holds") {
    for (const auto& p : report["properties"]) {
      if (p["status"] == "never_reached") report["verdict"] = to_string(Verdict::unreached);
    }
  }
  WrittenReport written;
  const auto trace_path = dir / "counterexample.json";
  if (result.violation) {
    auto found = counterexample(scenario, *result.violation, trace_path, o);
    report["violations"].push_back(std::move(found.violation));
    written.counterexample = trace_path;
    written.shrunk = std::move(found.shrunk);
  } else {
    // A passing report must not sit beside an earlier run's counterexample.
    std::filesystem::remove(trace_path, error);
  }
  try {
    report["dataflow"] = dataflow_json(scenario, options.world, options.seed);
  } catch (const core::Error& e) {
    report["dataflow"] = {{"nodes", json::array()}, {"edges", json::array()}};
    report["notes"].push_back(std::string("dataflow: ") + e.what());
  }
  write_text(dir / "report.json", report.dump(2) + "\n");
  render(dir / "report.html", written.problems, [&](std::ostream& out) { write_html(report, out, o.html); });
  render(dir / "junit.xml", written.problems, [&](std::ostream& out) { write_junit(report, out); });
  written.report = std::move(report);
  return written;
}

}  // namespace frsim::reports
