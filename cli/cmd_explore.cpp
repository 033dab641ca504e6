// frsim explore <scenario>: a schedule-exploration campaign (issue 5). Writes
// DIR/report.json (+ report.html, junit.xml) and, on a violation,
// DIR/counterexample.json, a trace `frsim replay` accepts.
// Exit 0: no violation; 1: a violation; 2: bad input.

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>

#include <fmt/format.h>

#include "checker/checker.hpp"
#include "cli/commands.hpp"
#include "cli/scenario_name.hpp"
#include "core/error.hpp"
#include "reports/html.hpp"
#include "reports/junit.hpp"
#include "scenarios/registry.hpp"
#include "sim/explore/explore.hpp"
#include "sim/trace.hpp"
#include "sim/world.hpp"

namespace frsim::cli {

namespace {

namespace ex = sim::explore;

struct ExploreFlags {
  std::string scenario;
  std::optional<std::string> strategy, grain, topology, por, resume, mutant;
  std::vector<std::string> properties;  // --properties a,b: only these are checked
  std::optional<std::uint32_t> devices, drops, dups, crashes, partitions, jobs, pct_depth;
  std::optional<std::uint64_t> depth, max_states, max_schedules, seed, memory_limit_mb;
  std::optional<double> time_limit;
  bool symmetry = false;
  bool bitstate = false;
  bool quiet = false;
  bool json = false;  // the report on stdout, the summary on stderr
  std::string out;
};

// The default campaign's time budget: about a minute on 2 cores.
constexpr double default_time_limit_seconds = 60;
constexpr std::uint64_t default_depth = 60;

// ---- report.json --------------------------------------------------------------

struct ReportInput {
  const sim::Scenario& scenario;
  const ex::Options& options;
  const ex::Result& result;
  std::string strategy;                       // "default" for the campaign
  const nlohmann::json* previous = nullptr;  // the report a --resume continues
};

// Shrinking budget for sampled counterexamples (BFS ones are shortest already).
constexpr std::size_t shrink_replays_max = 2000;

nlohmann::json read_report(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw core::Error(fmt::format("--resume: cannot read {}", path.string()));
  nlohmann::json j = nlohmann::json::parse(in, nullptr, false);
  if (j.is_discarded() || !j.is_object() || j.value("format", "") != "frsim-report") {
    throw core::Error(fmt::format("--resume: {} is not an frsim report", path.string()));
  }
  return j;
}

ex::Options resume_options(const nlohmann::json& report, double time_limit_seconds) {
  const auto& resume = report.value("resume", nlohmann::json());
  if (!resume.is_object()) {
    throw core::Error("--resume: only a random, pct or swarm campaign can be resumed (no \"resume\" in the report)");
  }
  try {
    const auto& c = report.at("config");
    ex::Options o;
    o.strategy = ex::strategy_from_string(resume.at("strategy").get<std::string>());
    o.world = sim::config_from_json(c.at("world"));
    o.seed = report.at("seed").get<std::uint64_t>();
    o.limits.depth_max = c.at("depth").get<std::uint64_t>();
    o.limits.states_max = c.at("max_states").get<std::uint64_t>();
    o.limits.schedules_max = c.at("max_schedules").get<std::uint64_t>();
    o.limits.memory_bytes_max = c.at("memory_limit_mb").get<std::uint64_t>() << 20;
    o.limits.time_limit_seconds = time_limit_seconds;
    o.jobs = c.at("jobs").get<std::uint32_t>();
    o.pct_depth = c.at("pct_depth").get<std::uint32_t>();
    o.first_schedule = resume.at("next_schedule").get<std::uint64_t>();
    return o;
  } catch (const nlohmann::json::exception& e) {
    throw core::Error(fmt::format("--resume: malformed report: {}", e.what()));
  }
}

// Applies choices by description (shrunk schedules keep descriptions, not
// indices), then heals: the trace of the counterexample.
sim::Trace counterexample(const std::shared_ptr<const sim::Scenario>& scenario, const ex::Violation& v,
                          const checker::Choices& choices) {
  sim::World world(scenario, v.config, v.seed);
  for (const auto& [index, text] : choices) {
    const auto enabled = world.enabled();
    auto it = std::find_if(enabled.begin(), enabled.end(), [&](const sim::Transition& t) { return t.text == text; });
    if (it != enabled.end()) {
      world.apply_index(static_cast<std::size_t>(it - enabled.begin()));
    } else if (index < enabled.size()) {
      world.apply_index(index);
    }
  }
  world.heal();
  return sim::make_trace(world);
}

nlohmann::json dataflow(const sim::Scenario& scenario, const sim::WorldConfig& config, std::uint64_t seed) {
  sim::World world(scenario, config, seed);
  const core::Runtime& rt = *world.device(0).runtime();
  nlohmann::json nodes = nlohmann::json::array();
  nlohmann::json edges = nlohmann::json::array();
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

// Every property of the scenario (the built-in ones, then its own), with its
// status and how many times the campaign judged it: "holds" only where it
// was judged at least once ("not_exercised" / "never_reached" otherwise).
nlohmann::json properties_json(const sim::Scenario& scenario, const ex::Result& result) {
  nlohmann::json out = nlohmann::json::array();
  const std::string violated = result.violation ? result.violation->finding.property : std::string();
  bool listed = false;
  for (const auto& p : checker::properties_of(scenario)) {
    const auto at = std::find(result.properties.begin(), result.properties.end(), p.name);
    const bool checked = at != result.properties.end();
    const auto index = static_cast<std::size_t>(at - result.properties.begin());
    const std::uint64_t judged = checked && index < result.judged.size() ? result.judged[index] : 0;
    listed = listed || p.name == violated;
    out.push_back({{"name", p.name},
                   {"status", checker::status(p, checked, p.name == violated, judged)},
                   {"source", p.source},
                   {"description", p.description},
                   {"judged", judged}});
  }
  if (!violated.empty() && !listed) {
    out.push_back({{"name", violated}, {"status", "violated"}, {"source", ""}, {"description", ""}});
  }
  return out;
}

void print_table(const nlohmann::json& properties, std::ostream& out) {
  out << fmt::format("{:<28} {:<14} {:>10}  {}\n", "property", "status", "judged", "source");
  for (const auto& p : properties) {
    std::string status = p["status"].get<std::string>();
    std::replace(status.begin(), status.end(), '_', ' ');
    out << fmt::format("{:<28} {:<14} {:>10}  {}\n", p["name"].get<std::string>(), status,
                       p.value("judged", std::uint64_t{0}), p["source"].get<std::string>());
  }
}

void write_text(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
  if (!out) throw core::Error(fmt::format("cannot write {}", path.string()));
}

// Renderers are another team's: a failure there costs the HTML, not the run.
template <typename Render>
void render(const std::filesystem::path& path, Render&& write) {
  try {
    std::ofstream out(path);
    write(out);
  } catch (const core::Error& e) {
    const std::string what = e.what();
    std::cerr << fmt::format("frsim: {} not written: {}\n", path.filename().string(),
                             what.substr(0, what.find('\n')));
  }
}

// Writes DIR/report.json, report.html, junit.xml (and counterexample.json) and
// prints the summary to `out`; returns the report.
nlohmann::json write_reports(const ReportInput& in, const std::filesystem::path& dir, std::ostream& out) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw core::Error(fmt::format("cannot create {}: {}", dir.string(), ec.message()));
  const ex::Result& r = in.result;
  ex::Stats stats = r.stats;
  if (in.previous != nullptr) {
    // A resumed campaign reports the whole campaign.
    const auto& s = in.previous->at("stats");
    stats.transitions += s.value("transitions", std::uint64_t{0});
    stats.states += s.value("states", std::uint64_t{0});
    stats.schedules += s.value("schedules", std::uint64_t{0});
    stats.elapsed_seconds += s.value("elapsed_seconds", 0.0);
    stats.max_depth = std::max(stats.max_depth, s.value("max_depth", std::uint64_t{0}));
  }
  nlohmann::json config = ex::to_json(in.options);
  config["campaign"] = in.strategy == "default";
  nlohmann::json report = {
      {"format", "frsim-report"},
      {"version", 1},
      {"scenario", in.scenario.name},
      {"description", in.scenario.description},
      {"strategy", in.strategy},
      {"config", config},
      {"seed", in.options.seed},
      {"complete", r.complete},
      {"budget_hit", r.budget_hit == ex::BudgetHit::none ? nlohmann::json() : nlohmann::json(ex::to_string(r.budget_hit))},
      {"stats", ex::to_json(stats)},
      {"properties", properties_json(in.scenario, r)},
      {"violations", nlohmann::json::array()},
      {"notes", r.notes},
  };
  if (!ex::exhaustive(in.options.strategy) || in.strategy == "default") {
    const ex::Strategy resumable = in.strategy == "default" ? ex::Strategy::swarm : in.options.strategy;
    report["resume"] = {{"strategy", ex::to_string(resumable)}, {"next_schedule", r.next_schedule}};
  }
  const auto shared = std::make_shared<const sim::Scenario>(in.scenario);
  std::optional<std::filesystem::path> trace_path;
  if (r.violation) {
    const ex::Violation& v = *r.violation;
    checker::Choices choices = v.choices;
    sim::Finding finding = v.finding;
    if (!v.found_by.empty()) {
      auto shrunk = checker::shrink(in.scenario, v.config, v.seed, choices, v.finding.property, shrink_replays_max);
      out << fmt::format("shrunk the counterexample from {} to {} choices ({} replays)\n", choices.size(),
                         shrunk.choices.size(), shrunk.replays);
      choices = std::move(shrunk.choices);
      finding = std::move(shrunk.finding);
    }
    const sim::Trace trace = counterexample(shared, v, choices);
    trace_path = dir / "counterexample.json";
    sim::write_trace_file(trace, *trace_path);
    report["violations"].push_back({
        {"property", finding.property},
        {"message", finding.message},
        {"device", finding.device == sim::no_device ? nlohmann::json() : nlohmann::json(finding.device)},
        {"reactive", finding.reactive.empty() ? nlohmann::json() : nlohmann::json(finding.reactive)},
        {"values", finding.values},
        {"found_by", v.found_by.empty() ? std::string(ex::to_string(ex::Strategy::bfs)) : v.found_by},
        {"trace", sim::to_json(trace)},
        {"replay", "frsim replay " + trace_path->string()},
    });
  }
  try {
    report["dataflow"] = dataflow(in.scenario, in.options.world, in.options.seed);
  } catch (const core::Error& e) {
    report["notes"].push_back(std::string("dataflow: ") + e.what());
  }
  write_text(dir / "report.json", report.dump(2) + "\n");
  render(dir / "report.html", [&](std::ostream& o) { reports::write_html(report, o); });
  render(dir / "junit.xml", [&](std::ostream& o) { reports::write_junit(report, o); });

  print_table(report["properties"], out);
  for (const auto& note : r.notes) out << "note: " << note << "\n";
  out << fmt::format("{} {}: {} states ({} distinct), {} transitions, {} schedules, depth {}, {:.1f}s\n",
                     r.complete ? "complete" : "incomplete",
                     r.budget_hit == ex::BudgetHit::none ? std::string(r.violation ? "(stopped at a violation)" : "")
                                                         : fmt::format("(the {} budget)", ex::to_string(r.budget_hit)),
                     stats.states, stats.distinct_states, stats.transitions, stats.schedules, stats.max_depth,
                     stats.elapsed_seconds);
  out << "report: " << (dir / "report.json").string() << "\n";
  if (r.violation) {
    const auto& v = report["violations"][0];
    out << fmt::format("VIOLATED {}: {}\n", v["property"].get<std::string>(), v["message"].get<std::string>());
    out << fmt::format("counterexample: {} ({} choices)\n", trace_path->string(),
                       v["trace"]["choices"].size());
    out << "replay: " << v["replay"].get<std::string>() << "\n";
  }
  return report;
}

// SIGINT/SIGTERM: stop at the next batch and write what was explored. A
// signal handler can only reach a global; nothing else is global here.
std::atomic<bool> interrupted{false};
extern "C" void on_signal(int) { interrupted.store(true); }

class SignalScope {
 public:
  SignalScope() {
    interrupted.store(false);
    struct sigaction action {};
    action.sa_handler = on_signal;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, &old_int_);
    sigaction(SIGTERM, &action, &old_term_);
  }
  ~SignalScope() {
    sigaction(SIGINT, &old_int_, nullptr);
    sigaction(SIGTERM, &old_term_, nullptr);
  }
  SignalScope(const SignalScope&) = delete;
  SignalScope& operator=(const SignalScope&) = delete;

 private:
  struct sigaction old_int_ {};
  struct sigaction old_term_ {};
};

ex::Options configure(const sim::Scenario& scenario, const ExploreFlags& f) {
  ex::Options o;
  o.world = scenario.defaults;
  if (f.devices) o.world.devices = *f.devices;
  if (f.drops) o.world.drops = *f.drops;
  if (f.dups) o.world.dups = *f.dups;
  if (f.crashes) o.world.crashes = *f.crashes;
  if (f.partitions) o.world.partitions = *f.partitions;
  if (f.grain) o.world.grain = sim::grain_from_string(*f.grain);
  if (f.topology) o.world.topology = sim::topology_from_string(*f.topology);
  sim::validate(o.world);
  if (f.strategy) o.strategy = ex::strategy_from_string(*f.strategy);
  if (f.por) o.por = ex::por_from_string(*f.por);
  // DPOR is a depth-first search: --por dpor alone means dfs, not the campaign.
  if (o.por == ex::Por::dpor && !f.strategy) o.strategy = ex::Strategy::dfs;
  o.symmetry = f.symmetry;
  o.bitstate = f.bitstate;
  if (f.seed) o.seed = *f.seed;
  o.limits.depth_max = f.depth.value_or(default_depth);
  if (f.max_states) o.limits.states_max = *f.max_states;
  if (f.max_schedules) o.limits.schedules_max = *f.max_schedules;
  o.limits.time_limit_seconds = f.time_limit.value_or(default_time_limit_seconds);
  if (f.memory_limit_mb) o.limits.memory_bytes_max = *f.memory_limit_mb << 20;
  if (f.jobs) o.jobs = *f.jobs;
  if (f.pct_depth) o.pct_depth = *f.pct_depth;
  if (o.jobs == 0 || o.jobs > 256) throw core::Error("--jobs must be between 1 and 256");
  if (o.limits.depth_max == 0) throw core::Error("--depth must be at least 1");
  if (o.limits.time_limit_seconds < 0) throw core::Error("--time-limit must not be negative");
  if (f.memory_limit_mb && *f.memory_limit_mb == 0) throw core::Error("--memory-limit must be at least 1 MB");
  return o;
}

// Progress: a line rewritten in place on a terminal, a line every few seconds otherwise.
std::function<void(const ex::Stats&)> progress_printer(bool quiet) {
  if (quiet) return {};
  const bool tty = isatty(STDERR_FILENO) != 0;
  const double every_seconds = tty ? 0.5 : 5.0;
  auto next = std::make_shared<double>(every_seconds);
  return [tty, every_seconds, next](const ex::Stats& s) {
    if (s.elapsed_seconds < *next) return;
    *next = s.elapsed_seconds + every_seconds;
    const std::string line = fmt::format("{:7.1f}s  {} states ({} distinct)  {} transitions  {} schedules  depth {}",
                                         s.elapsed_seconds, s.states, s.distinct_states, s.transitions, s.schedules,
                                         s.max_depth);
    if (tty) {
      std::cerr << "\r" << line << "\x1b[K" << std::flush;
    } else {
      std::cerr << line << "\n";
    }
  };
}

void run_explore(const ExploreFlags& flags, Status& status) {
  std::shared_ptr<const sim::Scenario> scenario;
  ex::Options options;
  std::optional<nlohmann::json> previous;
  std::filesystem::path dir;
  if (flags.resume) {
    dir = *flags.resume;
    previous = read_report(dir / "report.json");
    scenario = scenario_named(previous->at("scenario").get<std::string>());
    options = resume_options(*previous, flags.time_limit.value_or(default_time_limit_seconds));
  } else {
    // An engine mutant of the bug zoo (self-testing only): "<scenario>+<mutant>".
    scenario = scenario_named(flags.mutant ? flags.scenario + "+" + *flags.mutant : flags.scenario);
    options = configure(*scenario, flags);
    dir = flags.out.empty() ? std::filesystem::path("frsim-out") / scenario->name : std::filesystem::path(flags.out);
  }
  const bool campaign = !flags.resume && !flags.strategy && options.por != ex::Por::dpor;
  const auto monitors = checker::monitor_factory(*scenario, checker::CheckOptions{flags.properties});

  ex::Control control;
  control.interrupt = &interrupted;
  control.progress = progress_printer(flags.quiet || flags.json);
  ex::Result result;
  {
    SignalScope signals;
    result = campaign ? ex::default_campaign(*scenario, options, monitors, control)
                      : ex::explore(*scenario, options, monitors, control);
  }
  if (control.progress && isatty(STDERR_FILENO) != 0) std::cerr << "\n";

  ReportInput input{*scenario, options, result, campaign ? "default" : std::string(ex::to_string(options.strategy))};
  if (previous) input.previous = &*previous;
  // With --json, stdout carries exactly the report (for scripts); the human
  // summary goes to stderr.
  const nlohmann::json report = write_reports(input, dir, flags.json ? std::cerr : std::cout);
  if (flags.json) std::cout << report.dump(2) << "\n";
  status.code = result.violation ? 1 : 0;
}

}  // namespace

void register_explore(CLI::App& app, Status& status) {
  auto flags = std::make_shared<ExploreFlags>();
  auto* cmd = app.add_subcommand("explore", "explore the schedules of a scenario and check every property");
  cmd->add_option("scenario", flags->scenario, "scenario name (see frsim list)");
  cmd->add_option("--strategy", flags->strategy,
                  "bfs|dfs|random|pct|swarm (default: a campaign, bfs with reductions then swarm)");
  cmd->add_option("--devices", flags->devices, "number of devices (default: the scenario's)");
  cmd->add_option("--depth", flags->depth, fmt::format("transitions per schedule before healing (default {})",
                                                        default_depth));
  cmd->add_option("--max-states", flags->max_states, "distinct states (exhaustive) or states visited (sampling)");
  cmd->add_option("--max-schedules", flags->max_schedules, "schedules (default 100000)");
  cmd->add_option("--time-limit", flags->time_limit,
                  fmt::format("seconds, 0 for none (default {})", default_time_limit_seconds));
  cmd->add_option("--memory-limit", flags->memory_limit_mb, "MB for the visited set and frontier (default 512)");
  cmd->add_option("--drops", flags->drops, "message drop budget per schedule");
  cmd->add_option("--dups", flags->dups, "message duplication budget per schedule");
  cmd->add_option("--crashes", flags->crashes, "crash budget per schedule");
  cmd->add_option("--partitions", flags->partitions, "partition budget per schedule");
  cmd->add_option("--grain", flags->grain, "coarse|fine");
  cmd->add_option("--topology", flags->topology, "mesh|ring|star|random");
  cmd->add_option("--por", flags->por, "partial-order reduction: none|sleep|dpor (dpor: source sets, dfs only)");
  cmd->add_option("--properties", flags->properties,
                  "check only these properties, comma-separated (built-in or the scenario's own; default all)")
      ->delimiter(',');
  cmd->add_option("--mutant", flags->mutant,
                  "self-testing: install an engine mutant of the bug zoo on every device (see frsim selftest)");
  cmd->add_flag("--symmetry", flags->symmetry, "symmetry reduction over interchangeable devices");
  cmd->add_flag("--bitstate", flags->bitstate, "supertrace visited set: bounded memory, may miss states");
  cmd->add_option("--pct-depth", flags->pct_depth, "PCT bug depth d (default 3)");
  cmd->add_option("--jobs", flags->jobs, "threads (default 1); verdicts do not depend on it");
  cmd->add_option("--seed", flags->seed, "campaign seed (default 1)");
  cmd->add_option("--out", flags->out, "report folder (default frsim-out/<scenario>)");
  cmd->add_option("--resume", flags->resume, "continue the random/pct/swarm campaign whose report is in DIR");
  cmd->add_flag("--quiet", flags->quiet, "no progress lines");
  cmd->add_flag("--json", flags->json, "print report.json on stdout (the summary goes to stderr); implies --quiet");
  cmd->footer("Exit status: 0 every property holds within the bounds, 1 a violation was found "
              "(see the replay line), 2 bad input.");
  cmd->callback([flags, &status] {
    if (flags->scenario.empty() && !flags->resume) throw core::Error("explore: a scenario is required (see frsim list)");
    run_explore(*flags, status);
  });
}

}  // namespace frsim::cli
