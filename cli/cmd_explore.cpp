// frsim explore <scenario>: a schedule-exploration campaign (issue 5). Writes
// the report folder (reports/report.hpp): report.json, report.html,
// junit.xml and, on a violation, counterexample.json, a trace `frsim replay`
// accepts. Exit 0: no violation; 1: a violation; 2: bad input; 130 / 143:
// stopped by SIGINT / SIGTERM (the report of what was explored is written).

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "checker/checker.hpp"
#include "cli/commands.hpp"
#include "cli/files.hpp"
#include "cli/scenario_name.hpp"
#include "cli/signals.hpp"
#include "cli/validators.hpp"
#include "cli/world_flags.hpp"
#include "core/error.hpp"
#include "reports/json_report.hpp"
#include "reports/report.hpp"
#include "sim/explore/explore.hpp"

namespace frsim::cli {

namespace {

namespace ex = sim::explore;
namespace fs = std::filesystem;

constexpr std::uint64_t uint64_max = std::numeric_limits<std::uint64_t>::max();
constexpr std::uint32_t jobs_max = 256;
constexpr std::uint64_t memory_limit_mb_max = 1ULL << 20;  // 1 TiB
constexpr std::uint32_t pct_depth_max = 1000;

// The options' values, defaults from sim::explore::default_options (one
// place); world options default to the scenario's.
struct ExploreFlags {
  std::string scenario;
  std::string strategy;  // empty: the default campaign
  WorldFlags world;
  std::string por = std::string(ex::to_string(ex::Options{}.por));
  std::string mutant;
  std::vector<std::string> properties;  // --properties a,b: only these are checked (empty: all)
  std::uint32_t ready_orders = checker::CheckOptions{}.ready_orders;
  bool symmetry = false;
  bool bitstate = false;
  std::uint64_t bitstate_bits = 0;
  std::uint64_t depth = ex::default_depth;
  std::uint64_t max_states = ex::Limits{}.states_max;
  std::uint64_t max_schedules = ex::Limits{}.schedules_max;
  double time_limit = ex::default_time_limit_seconds;
  std::uint64_t memory_limit_mb = ex::Limits{}.memory_bytes_max >> 20;
  std::uint32_t pct_depth = ex::Options{}.pct_depth;
  std::uint32_t jobs = ex::Options{}.jobs;
  std::uint64_t seed = ex::Options{}.seed;
  std::string out;
  std::string resume;
  bool quiet = false;
  bool json = false;  // the report on stdout, the summary on stderr
};

// Which options the user gave (CLI11 counts them).
struct Given {
  const CLI::App* cmd = nullptr;
  bool operator()(const std::string& name) const { return cmd->count(name) > 0; }
};

// ---- options --------------------------------------------------------------------

bool sampling(const std::string& strategy) { return strategy == "random" || strategy == "pct" || strategy == "swarm"; }

// Options that would be ignored are refused, never silently dropped.
void refuse_what_does_not_apply(const ExploreFlags& f, const Given& given) {
  const bool campaign = f.strategy.empty() && f.por != "dpor";
  if (given("--por") && f.por != "dpor") {
    if (campaign) {
      throw core::Error(fmt::format("--por {} needs --strategy bfs or dfs (the default campaign's exhaustive "
                                    "stage always uses sleep sets)",
                                    f.por));
    }
    if (sampling(f.strategy)) throw core::Error(fmt::format("--por applies to bfs and dfs, not to {}", f.strategy));
  }
  if (f.symmetry) {
    if (campaign) {
      throw core::Error("--symmetry needs --strategy bfs or dfs (the default campaign's exhaustive stage always "
                        "uses symmetry)");
    }
    if (sampling(f.strategy)) throw core::Error(fmt::format("--symmetry applies to bfs and dfs, not to {}", f.strategy));
    if (f.por == "dpor") throw core::Error("--symmetry is not combined with --por dpor (a stateless search)");
  }
  if ((f.bitstate || f.bitstate_bits > 0) && sampling(f.strategy)) {
    throw core::Error(fmt::format("--bitstate applies to bfs, dfs and the default campaign, not to {} (sampling "
                                  "keeps no visited set to prune with)",
                                  f.strategy));
  }
  if (given("--pct-depth") && f.strategy != "pct") throw core::Error("--pct-depth applies to --strategy pct only");
}

ex::Options configure(const sim::Scenario& scenario, const ExploreFlags& f) {
  ex::Options o = ex::default_options(scenario);
  o.world = world_config(o.world, f.world);
  // A budget given on the command line, 0 included, is what swarm draws up to.
  o.fixed_budgets = {f.world.drops.has_value(), f.world.dups.has_value(), f.world.crashes.has_value(),
                     f.world.partitions.has_value()};
  o.por = ex::por_from_string(f.por);
  // DPOR is a depth-first search: --por dpor alone means dfs, not the campaign.
  if (!f.strategy.empty()) o.strategy = ex::strategy_from_string(f.strategy);
  if (o.por == ex::Por::dpor && f.strategy.empty()) o.strategy = ex::Strategy::dfs;
  if (o.por == ex::Por::dpor && o.strategy != ex::Strategy::dfs) {
    throw core::Error("--por dpor needs --strategy dfs (source-set DPOR is a depth-first search)");
  }
  o.symmetry = f.symmetry;
  o.bitstate = f.bitstate || f.bitstate_bits > 0;
  o.bitstate_bits = f.bitstate_bits;
  o.seed = f.seed;
  o.limits.depth_max = f.depth;
  o.limits.states_max = f.max_states;
  o.limits.schedules_max = f.max_schedules;
  o.limits.time_limit_seconds = f.time_limit;
  o.limits.memory_bytes_max = f.memory_limit_mb << 20;
  o.jobs = f.jobs;
  o.pct_depth = f.pct_depth;
  o.ready_orders = f.ready_orders;
  return o;
}

// ---- resume ---------------------------------------------------------------------

nlohmann::json read_report(const fs::path& path) {
  require_readable_file(path, "--resume:");
  std::ifstream in(path);
  nlohmann::json j = nlohmann::json::parse(in, nullptr, false);
  if (j.is_discarded() || !j.is_object() || j.value("format", "") != "frsim-report") {
    throw core::Error(fmt::format("--resume: {} is not an frsim report", path.string()));
  }
  return j;
}

ex::Options options_from_json(const nlohmann::json& j) {
  try {
    ex::Options o;
    o.strategy = ex::strategy_from_string(j.at("strategy").get<std::string>());
    o.world = sim::config_from_json(j.at("world"));
    o.seed = j.at("seed").get<std::uint64_t>();
    o.limits.depth_max = j.at("depth").get<std::uint64_t>();
    o.limits.states_max = j.at("max_states").get<std::uint64_t>();
    o.limits.schedules_max = j.at("max_schedules").get<std::uint64_t>();
    o.limits.time_limit_seconds = j.at("time_limit_seconds").get<double>();
    o.limits.memory_bytes_max = j.at("memory_limit_mb").get<std::uint64_t>() << 20;
    o.por = ex::por_from_string(j.at("por").get<std::string>());
    o.symmetry = j.at("symmetry").get<bool>();
    o.bitstate = j.at("bitstate").get<bool>();
    o.bitstate_bits = j.value("bitstate_bits", std::uint64_t{0});
    o.jobs = j.at("jobs").get<std::uint32_t>();
    o.end_every_state = j.at("end_every_state").get<bool>();
    o.pct_depth = j.at("pct_depth").get<std::uint32_t>();
    o.first_schedule = j.at("first_schedule").get<std::uint64_t>();
    o.determinism_every = j.at("determinism_every").get<std::uint64_t>();
    // Reports before issue 15 did not record it: they ran with the default.
    o.ready_orders = j.value("ready_orders", ex::Options{}.ready_orders);
    if (o.ready_orders > checker::ready_orders_max) throw core::Error("--resume: ready_orders out of range");
    // Reports before 2026-12-05 did not record it: no budget counted as fixed.
    if (const auto fixed = j.find("fixed_budgets"); fixed != j.end()) {
      o.fixed_budgets = {fixed->at("drops").get<bool>(), fixed->at("dups").get<bool>(),
                         fixed->at("crashes").get<bool>(), fixed->at("partitions").get<bool>()};
    }
    return o;
  } catch (const nlohmann::json::exception& e) {
    throw core::Error(fmt::format("--resume: malformed resume record: {}", e.what()));
  }
}

// What `--resume DIR` runs: the report's scenario and configuration, where it
// stopped. Everything that would contradict the report is refused.
struct Resumed {
  std::shared_ptr<const sim::Scenario> scenario;
  ex::Options options;
  bool campaign = false;     // the default campaign, from its start (stage 1 restarts)
  bool campaign_stage2 = false;  // the campaign's swarm stage, continued
  nlohmann::json previous;
  bool carry_stats = false;
  std::string note;
};

// Options --resume may change: how long, how many threads, what is printed.
constexpr const char* resume_may_change[] = {"--resume", "--time-limit", "--jobs", "--quiet", "--json"};

Resumed resume(const ExploreFlags& f, const CLI::App& cmd, const Given& given, const Scenarios& scenarios) {
  Resumed r;
  const fs::path dir = f.resume;
  r.previous = read_report(dir / "report.json");
  const std::string scenario = r.previous.value("scenario", std::string());
  const std::string asked = f.mutant.empty() ? f.scenario : fmt::format("{}+{}", f.scenario, f.mutant);
  const bool contradicts = f.scenario.empty()
                               ? !f.mutant.empty() && !scenario.ends_with(fmt::format("+{}", f.mutant))
                               : asked != scenario;
  if (contradicts) {
    throw core::Error(fmt::format("--resume {}: the report is a run of '{}', not '{}'", f.resume, scenario, asked));
  }
  for (const auto* option : cmd.get_options()) {
    const std::string name = option->get_name();
    if (option->count() == 0 || name.empty() || name[0] != '-' || name == "--help") continue;
    bool allowed = name == "--strategy" || name == "--mutant";  // checked against the report below
    for (const char* may : resume_may_change) allowed = allowed || name == may;
    if (!allowed) {
      throw core::Error(fmt::format("--resume {} continues that run with its configuration; {} cannot change it "
                                    "(start a new run with --out)",
                                    f.resume, name));
    }
  }
  const nlohmann::json& record = r.previous.value("resume", nlohmann::json());
  if (!record.is_object()) {
    const bool complete = r.previous.value("complete", false);
    const bool violated = !r.previous.value("violations", nlohmann::json::array()).empty();
    throw core::Error(fmt::format(
        "--resume {}: nothing to resume: {}", f.resume,
        complete   ? "the run is complete"
        : violated ? "the run stopped at a violation"
                   : "an exhaustive search (bfs, dfs) cannot be resumed: its frontier is not stored; run it again"));
  }
  if (!record.contains("options")) {
    throw core::Error(fmt::format("--resume {}: the report has no resume options (written by an older frsim); "
                                  "run it again",
                                  f.resume));
  }
  const std::string strategy = record.value("strategy", std::string());
  const std::string report_strategy = r.previous.value("strategy", std::string());
  if (given("--strategy") && f.strategy != strategy && f.strategy != report_strategy) {
    throw core::Error(fmt::format("--resume {}: the report's run is {}, not --strategy {}", f.resume,
                                  report_strategy, f.strategy));
  }
  r.scenario = scenario_named(scenario, scenarios);
  r.options = options_from_json(record.at("options"));
  r.options.limits.time_limit_seconds = f.time_limit;
  if (given("--jobs")) r.options.jobs = f.jobs;
  const std::uint64_t next = record.value("next_schedule", std::uint64_t{0});
  if (strategy == "default") {
    r.campaign = true;
    r.note = "resumed: the default campaign was interrupted in its exhaustive stage (bfs), whose frontier is not "
             "stored; the campaign starts again from the initial state, and the previous run's statistics are not "
             "added";
    return r;
  }
  r.options.strategy = ex::strategy_from_string(strategy);
  r.options.first_schedule = next;
  r.campaign_stage2 = record.value("stage", 0) == 2;
  r.carry_stats = true;
  r.note = fmt::format("resumed: {} continues at schedule {}; the statistics include the previous run's", strategy,
                       next);
  return r;
}

// ---- output ---------------------------------------------------------------------

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

// The properties to check: --properties, or on --resume the ones the
// report checked (those it does not list as not checked); empty: all.
std::vector<std::string> checked_properties(const ExploreFlags& flags, const std::optional<Resumed>& resumed) {
  if (!resumed) return flags.properties;
  std::vector<std::string> names;
  bool all = true;
  for (const auto& p : resumed->previous.value("properties", nlohmann::json::array())) {
    if (p.value("status", "") == "not_checked") {
      all = false;
    } else {
      names.push_back(p.value("name", ""));
    }
  }
  return all ? std::vector<std::string>{} : names;
}

// The property table, the notes, what was explored, where the report is,
// and for a violation its counterexample and replay line.
void print_summary(const reports::WrittenReport& written, const fs::path& dir, std::ostream& out) {
  const auto& report = written.report;
  if (written.shrunk) out << *written.shrunk << "\n";
  const auto& properties = report.at("properties");
  // How often each property was judged, when the engine counts it.
  const bool counted = std::any_of(properties.begin(), properties.end(),
                                   [](const nlohmann::json& p) { return !p.value("judged", nlohmann::json()).is_null(); });
  // A user's property names can be longer than the built-in ones.
  std::size_t width = 22;
  for (const auto& p : properties) width = std::max(width, p.at("name").get<std::string>().size());
  const auto row = [&](const std::string& name, const std::string& status, const std::string& judged,
                       const std::string& source) {
    out << fmt::format("{:<{}} {:<26} ", name, width, status);
    if (counted) out << fmt::format("{:>9}  ", judged);
    out << source << "\n";
  };
  row("property", "status", "judged", "source");
  for (std::size_t i = 0; i < properties.size(); ++i) {
    const auto& p = properties[i];
    const auto judged = p.value("judged", nlohmann::json());
    row(p.at("name").get<std::string>(), reports::status_text(report, i),
        judged.is_null() ? std::string("-") : judged.dump(), p.at("source").get<std::string>());
  }
  for (const auto& note : report.at("notes")) out << "note: " << note.get<std::string>() << "\n";
  const auto& s = report.at("stats");
  out << fmt::format("{}\n{} states ({} distinct), {} transitions, {} schedules, depth {}, {:.1f}s\n",
                     reports::exploration_summary(report), s.at("states").dump(), s.at("distinct_states").dump(),
                     s.at("transitions").dump(), s.at("schedules").dump(), s.at("max_depth").dump(),
                     s.at("elapsed_seconds").get<double>());
  out << "verdict: " << reports::verdict_text(report) << "\n";
  out << "report: " << (dir / "report.json").string() << "\n";
  for (const auto& problem : written.problems) out << "warning: " << problem << "\n";
  if (!report.at("violations").empty()) {
    const auto& v = report.at("violations")[0];
    out << fmt::format("VIOLATED {}: {}\n", v.at("property").get<std::string>(), v.at("message").get<std::string>());
    out << fmt::format("counterexample: {} ({} choices)\n", written.counterexample->string(),
                       v.at("trace").at("choices").size());
    out << "replay: " << v.at("replay").get<std::string>() << "\n";
  }
}

void run_explore(const ExploreFlags& flags, const CLI::App& cmd, Context& context) {
  // From the start to the end of the report: a signal at any point ends in
  // the report of what was explored and exit status 130/143.
  SignalScope signals;
  const Given given{&cmd};
  std::shared_ptr<const sim::Scenario> scenario;
  ex::Options options;
  fs::path dir;
  bool campaign = false;
  reports::ReportOptions report_options;
  report_options.program = context.program;
  report_options.command_line = context.command_line;
  report_options.started_at = reports::utc_now();
  std::optional<Resumed> resumed;
  if (!flags.resume.empty()) {
    resumed = resume(flags, cmd, given, context.scenarios);
    scenario = resumed->scenario;
    options = resumed->options;
    campaign = resumed->campaign;
    dir = flags.resume;
    report_options.notes.push_back(resumed->note);
    if (resumed->carry_stats) report_options.previous = &resumed->previous;
    if (resumed->campaign_stage2) report_options.strategy = "default";
  } else {
    if (flags.scenario.empty()) throw core::Error("explore: a scenario is required (see frsim list)");
    refuse_what_does_not_apply(flags, given);
    // An engine mutant of the bug zoo (self-testing only): "<scenario>+<mutant>".
    scenario = scenario_named(flags.mutant.empty() ? flags.scenario : fmt::format("{}+{}", flags.scenario, flags.mutant),
                              context.scenarios);
    options = configure(*scenario, flags);
    campaign = flags.strategy.empty() && options.por != ex::Por::dpor;
    dir = flags.out.empty() ? fs::path("frsim-out") / scenario->name : fs::path(flags.out);
  }
  prepare_report_folder(dir);
  if (report_options.strategy.empty()) {
    report_options.strategy = campaign ? "default" : std::string(ex::to_string(options.strategy));
  }
  checker::CheckOptions check{checked_properties(flags, resumed)};
  check.ready_orders = options.ready_orders;  // on --resume, the report's
  const auto monitors = checker::monitor_factory(*scenario, check);

  ex::Control control;
  control.interrupt = &interrupted();
  control.progress = progress_printer(flags.quiet || flags.json);
  ex::Result result = campaign ? ex::default_campaign(*scenario, options, monitors, control)
                               : ex::explore(*scenario, options, monitors, control);
  if (resumed && resumed->campaign_stage2) result.stage = 2;
  if (control.progress && isatty(STDERR_FILENO) != 0) std::cerr << "\n";
  // Shrinking a sampled counterexample takes what is left of the time limit,
  // and at least a twentieth of it: the run ends close to its budget (issue 14:
  // "--time-limit 5 ends within 10 %"), and a signal ends the shrink at once.
  report_options.interrupt = &interrupted();
  if (const double limit = options.limits.time_limit_seconds; limit > 0) {
    report_options.shrink_time_limit_seconds = std::max(limit - result.stats.elapsed_seconds, limit / 20);
  }

  const auto written = reports::write_all(scenario, options, result, dir, report_options);
  // With --json, stdout carries exactly the report (for scripts); the human
  // summary goes to stderr.
  print_summary(written, dir, flags.json ? std::cerr : std::cout);
  if (flags.json) std::cout << written.report.dump(2) << "\n";
  // A violation is a verdict even when a signal came after it; so is a
  // `sometimes` property a complete exploration never reached.
  if (result.violation || written.report.at("verdict") == "unreached") {
    context.code = 1;
  } else if (const int signal = signal_received(); signal != 0) {
    context.code = 128 + signal;
  } else {
    context.code = 0;
  }
}

// `explore --help` lists the properties the campaign judges (README: Properties).
std::string properties_footer() {
  std::string text = "Properties (every one judged on every schedule):\n";
  for (const auto& p : checker::all_properties()) text += fmt::format("  {:<22} {}\n", p.name, p.source);
  text +=
      "Statuses: holds (complete exploration; a sometimes property: some state reached it), VIOLATED, not violated (incomplete: a budget or a signal stopped the "
      "run), not judged further (the run stopped at another property's violation), not exercised (judged 0 times).\n"
      "Exit status: 0 no violation, 1 a violation (see the replay line) or a sometimes property that a complete "
      "exploration never reached, 2 bad input, 130 / 143 stopped by SIGINT / SIGTERM (the report of what was "
      "explored is written).";
  return text;
}

}  // namespace

void register_explore(CLI::App& app, Context& context) {
  auto flags = std::make_shared<ExploreFlags>();
  auto* cmd = app.add_subcommand("explore", "explore the schedules of a scenario and check every property");
  cmd->add_option("scenario", flags->scenario, "scenario name (see frsim list)");
  cmd->add_option("--strategy", flags->strategy,
                  "one strategy instead of the default campaign (bfs with sleep sets and symmetry, in coarse and "
                  "then fine grain, then swarm for the rest of the time budget)")
      ->check(CLI::IsMember({"bfs", "dfs", "random", "pct", "swarm"}))
      ->default_str("the campaign");
  cmd->add_option("--depth", flags->depth, "transitions per schedule before healing")
      ->check(Decimal)->check(CLI::Range(std::uint64_t{1}, uint64_max, "POSITIVE"))
      ->capture_default_str();
  cmd->add_option("--max-states", flags->max_states, "distinct states (exhaustive) or states visited, revisits included (sampling); the campaign: its two stages together")
      ->check(Decimal)->check(CLI::Range(std::uint64_t{1}, uint64_max, "POSITIVE"))
      ->capture_default_str();
  cmd->add_option("--max-schedules", flags->max_schedules, "schedules, healed and judged")
      ->check(Decimal)->check(CLI::Range(std::uint64_t{1}, uint64_max, "POSITIVE"))
      ->capture_default_str();
  cmd->add_option("--time-limit", flags->time_limit, "seconds, 0 for none")
      ->check(Seconds)
      ->capture_default_str();
  cmd->add_option("--memory-limit", flags->memory_limit_mb,
                  "MB for the visited set and the frontier, each state of it with its copy of the checker's state")
      ->check(Decimal)->check(CLI::Range(std::uint64_t{1}, memory_limit_mb_max))
      ->capture_default_str();
  add_world_options(*cmd, flags->world);
  cmd->add_option("--por", flags->por,
                  "partial-order reduction with --strategy bfs|dfs: sleep sets, or source-set DPOR (dfs; alone it "
                  "means --strategy dfs)")
      ->check(CLI::IsMember({"none", "sleep", "dpor"}))
      ->default_str("none; the campaign: sleep");
  std::vector<std::string> mutant_names;
  for (const auto& m : checker::mutants()) mutant_names.push_back(m.name);
  cmd->add_option("--mutant", flags->mutant,
                  "self-testing: install an engine mutant of the bug zoo on every device (see frsim selftest)")
      ->check(CLI::IsMember(mutant_names));
  cmd->add_option("--properties", flags->properties,
                  "check only these properties, comma-separated (built-in or the scenario's own; default all)")
      ->delimiter(',');
  cmd->add_option("--ready-orders", flags->ready_orders,
                  "confluence and determinism: run every fire and receive also in this many seeded random ready "
                  "orders from the same store (0: compare across schedules only)")
      ->capture_default_str()
      ->check(CLI::Range(0u, checker::ready_orders_max));
  cmd->add_flag("--symmetry", flags->symmetry,
                "symmetry reduction over interchangeable devices, with --strategy bfs|dfs (default: off; the "
                "campaign: on)");
  cmd->add_flag("--bitstate", flags->bitstate,
                "supertrace visited set: one bit per state, bounded memory, may miss states, so the count of "
                "states is a lower bound (bfs, dfs, the campaign; default: off)");
  cmd->add_option("--bitstate-bits", flags->bitstate_bits,
                  "--bitstate with an array of BITS bits (default: half of --memory-limit-mb)")
      ->check(Decimal)->check(CLI::Range(std::uint64_t{64}, std::uint64_t{1} << 40));
  cmd->add_option("--pct-depth", flags->pct_depth, "PCT bug depth d, with --strategy pct")
      ->check(Decimal)->check(CLI::Range(1U, pct_depth_max))
      ->capture_default_str();
  cmd->add_option("--jobs", flags->jobs, "worker processes for bfs (one visited set in shared memory), threads for sampling; verdicts, counterexamples and distinct states do not depend on it")
      ->check(Decimal)->check(CLI::Range(1U, jobs_max))
      ->capture_default_str();
  cmd->add_option("--seed", flags->seed, "campaign seed")->check(Decimal)->capture_default_str();
  cmd->add_option("--out", flags->out, "report folder: new, empty, or an earlier report's")
      ->type_name("DIR")
      ->default_str("frsim-out/<scenario>");
  cmd->add_option("--resume", flags->resume,
                  "continue the run whose report is in DIR (its scenario and configuration; --time-limit and --jobs "
                  "may change)")
      ->type_name("DIR");
  cmd->add_flag("--quiet", flags->quiet, "no progress lines");
  cmd->add_flag("--json", flags->json, "print report.json on stdout (the summary goes to stderr); implies --quiet");
  cmd->footer(properties_footer());
  cmd->callback([flags, cmd, &context] { run_explore(*flags, *cmd, context); });
}

}  // namespace frsim::cli
