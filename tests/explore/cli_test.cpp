// `frsim explore` as a user runs it: a child process, its files, its exit status.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace {

namespace fs = std::filesystem;

// Runs frsim with its stdout sent to `stdout_path` (by default discarded, to
// keep the test's output readable).
pid_t spawn(const std::vector<std::string>& args, const std::string& stdout_path = "/dev/null") {
  const pid_t pid = fork();
  if (pid == 0) {
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    if (std::freopen(stdout_path.c_str(), "w", stdout) == nullptr) _exit(127);
    execv(FRSIM_BINARY, argv.data());
    _exit(127);
  }
  return pid;
}

// The exit status, or -signal when frsim was killed by one (never expected).
int wait_status(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
}

// Waits until frsim has made its report folder (it installs its signal
// handlers before), then lets it explore a moment.
void wait_for_folder(const fs::path& dir) {
  for (int i = 0; i < 600 && !fs::exists(dir); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));
}

std::string status_of(const nlohmann::json& report, const std::string& property) {
  for (const auto& p : report["properties"]) {
    if (p["name"] == property) return p["status"];
  }
  return "absent";
}

nlohmann::json read_json(const fs::path& path) {
  std::ifstream in(path);
  return nlohmann::json::parse(in);
}

fs::path scratch(const std::string& name) {
  fs::path dir = fs::temp_directory_path() / ("frsim-explore-test-" + std::to_string(getpid())) / name;
  fs::remove_all(dir);
  return dir;
}

// SIGINT and SIGTERM: the report of what was explored is written, nothing is
// said to hold, and the exit status is 128 + the signal (no false pass).
TEST(ExploreCli, SignalsLeaveAValidReportAndExit130Or143) {
  for (const auto& [signal, expected] : {std::pair{SIGINT, 130}, std::pair{SIGTERM, 143}}) {
    const fs::path dir = scratch("signal-" + std::to_string(signal));
    const pid_t pid = spawn({"frsim", "explore", "chat", "--strategy", "bfs", "--time-limit", "0", "--quiet",
                             "--out", dir.string()});
    wait_for_folder(dir);
    ASSERT_EQ(kill(pid, signal), 0);
    EXPECT_EQ(wait_status(pid), expected);
    const auto report = read_json(dir / "report.json");
    EXPECT_EQ(report["verdict"], "interrupted");
    EXPECT_EQ(report["complete"], false);
    EXPECT_EQ(report["budget_hit"], "interrupted");
    for (const auto& p : report["properties"]) {
      EXPECT_EQ(p["status"], p["judged"] == 0 ? "not_exercised" : "not_violated_incomplete") << p["name"];
    }
    EXPECT_TRUE(fs::exists(dir / "report.html"));
    EXPECT_TRUE(fs::exists(dir / "junit.xml"));
    EXPECT_GT(report["stats"]["distinct_states"].get<std::uint64_t>(), 0u);
    for (const char* key : {"transitions", "states", "distinct_states", "schedules", "max_depth", "elapsed_seconds",
                            "states_per_second", "memory_bytes"}) {
      EXPECT_TRUE(report["stats"].contains(key)) << key;
    }
    EXPECT_TRUE(report["violations"].empty());
  }
}

// Processes whose command line names `needle` (a report folder of this test).
int processes_naming(const std::string& needle) {
  int n = 0;
  for (const auto& entry : fs::directory_iterator("/proc")) {
    std::ifstream in(entry.path() / "cmdline", std::ios::binary);
    if (!in) continue;
    const std::string cmdline((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (cmdline.find(needle) != std::string::npos) ++n;
  }
  return n;
}

// --jobs 2: a signal to the campaign's process stops its worker processes
// too (through the shared stop flag), the report counts what all of them
// explored, and no worker outlives the run.
TEST(ExploreCli, ASignalStopsEveryWorkerProcess) {
  const fs::path dir = scratch("signal-jobs");
  const pid_t pid = spawn({"frsim", "explore", "gset-replication", "--strategy", "bfs", "--devices", "4", "--jobs",
                           "2", "--time-limit", "0", "--quiet", "--out", dir.string()});
  wait_for_folder(dir);
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // past the fork, at depth 4 or 5
  ASSERT_EQ(kill(pid, SIGINT), 0);
  EXPECT_EQ(wait_status(pid), 130);
  const auto report = read_json(dir / "report.json");
  EXPECT_EQ(report["verdict"], "interrupted");
  EXPECT_EQ(report["budget_hit"], "interrupted");
  bool parallel = false;
  for (const auto& note : report["notes"]) {
    parallel = parallel || note.get<std::string>().find("2 worker processes") != std::string::npos;
  }
  EXPECT_TRUE(parallel) << report["notes"].dump();
  EXPECT_GT(report["stats"]["distinct_states"].get<std::uint64_t>(), 0u);
  int left = processes_naming(dir.string());
  for (int i = 0; i < 100 && left > 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    left = processes_naming(dir.string());
  }
  EXPECT_EQ(left, 0);
}

// Budgets hold at any size (issue 14): on 64 devices a single healing or a
// single batch of schedules takes longer than the whole budget, and the
// campaign still ends on time and says so. What it catches is a search that
// checks its budget only between batches (before issue 14 this ran for
// minutes and wrote nothing). The engine's own clock must stay within a
// second of the 2 s budget; the whole process (start, world construction,
// report) gets 30 s of wall clock. Both are loose on purpose: on an idle
// machine the run takes 2.2 s and 0.3 s of CPU, but ctest -j2 next to the
// zoo can starve it of CPU for seconds (seen: 3.9 s in release, 6.5 s under
// ASan), and what must fail here is minutes, not a slow machine. Under
// ASan+UBSan the engine's slack is scaled by 3 (1.18 s of CPU for the run).
#if defined(__SANITIZE_ADDRESS__)
constexpr double slowdown = 3.0;
#else
constexpr double slowdown = 1.0;
#endif

TEST(ExploreCli, SixtyFourDevicesEndWithinTheTimeLimitAndWriteTheReport) {
  const fs::path dir = scratch("sixty-four");
  const auto started = std::chrono::steady_clock::now();
  const pid_t pid = spawn({"frsim", "explore", "counter", "--devices", "64", "--time-limit", "2", "--quiet", "--out",
                           dir.string()});
  EXPECT_EQ(wait_status(pid), 0);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  EXPECT_LT(seconds, 30.0);
  const auto report = read_json(dir / "report.json");
  EXPECT_EQ(report["complete"], false);
  EXPECT_EQ(report["budget_hit"], "time");
  EXPECT_LT(report["stats"]["elapsed_seconds"].get<double>(), 2.0 + 1.0 * slowdown);
}

// Whether `pid` has a handler installed for `signal` (Linux: SigCgt in
// /proc/<pid>/status), so a test signals only once frsim catches it.
bool catches(pid_t pid, int signal) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("SigCgt:", 0) == 0) return ((std::stoull(line.substr(7), nullptr, 16) >> (signal - 1)) & 1) != 0;
  }
  return false;
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// `frsim run` honours its time budget too (issue 14, item 4): a 64-device
// walk runs far longer than a second, and the command ends at its budget with
// the summary of what ran and no verdict (the same loose wall clock as above).
TEST(RunCli, SixtyFourDevicesEndWithinTheTimeLimitWithoutAVerdict) {
  const fs::path dir = scratch("run-budget");
  fs::create_directories(dir);
  const auto started = std::chrono::steady_clock::now();
  const pid_t pid = spawn({"frsim", "run", "counter", "--devices", "64", "--time-limit", "1"}, (dir / "out").string());
  EXPECT_EQ(wait_status(pid), 0);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  EXPECT_LT(seconds, 4.0);
  const std::string out = read_text(dir / "out");
  EXPECT_NE(out.find("stopped by the time budget"), std::string::npos) << out;
  EXPECT_EQ(out.find("every property holds"), std::string::npos) << out;
}

// SIGINT stops `frsim run` midway: the summary so far, no verdict, exit 130.
TEST(RunCli, SigintStopsTheRunWithExit130AndNoVerdict) {
  const fs::path dir = scratch("run-signal");
  fs::create_directories(dir);
  const pid_t pid = spawn({"frsim", "run", "counter", "--devices", "64", "--time-limit", "0"}, (dir / "out").string());
  for (int i = 0; i < 600 && !catches(pid, SIGINT); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  ASSERT_EQ(kill(pid, SIGINT), 0);
  EXPECT_EQ(wait_status(pid), 130);
  const std::string out = read_text(dir / "out");
  EXPECT_NE(out.find("stopped by a signal"), std::string::npos) << out;
  EXPECT_EQ(out.find("every property holds"), std::string::npos) << out;
}

TEST(ExploreCli, AViolationExitsOneWithAReplayableCounterexample) {
  const fs::path dir = scratch("bug");
  const pid_t pid = spawn({"frsim", "explore", "bug-local-fold", "--strategy", "bfs", "--time-limit", "60", "--quiet",
                           "--out", dir.string()});
  EXPECT_EQ(wait_status(pid), 1);
  const auto report = read_json(dir / "report.json");
  ASSERT_EQ(report["violations"].size(), 1u);
  EXPECT_EQ(report["violations"][0]["property"], "convergence");
  EXPECT_EQ(report["verdict"], "violated");
  EXPECT_EQ(status_of(report, "convergence"), "violated");
  // The run stopped at its first violation: the others were not judged further, not "holds".
  for (const auto& p : report["properties"]) {
    if (p["name"] != "convergence") {
      EXPECT_EQ(p["status"], "not_judged_further") << p["name"];
    }
  }
  // Who wrote it, how it was asked for, when (metadata only).
  EXPECT_EQ(report["frsim"]["version"], "0.1.0");
  EXPECT_FALSE(report["frsim"]["commit"].get<std::string>().empty());
  EXPECT_EQ(report["command_line"][0], "frsim");
  EXPECT_EQ(report["command_line"][1], "explore");
  EXPECT_EQ(report["command_line"][2], "bug-local-fold");
  EXPECT_EQ(report["started_at"].get<std::string>().size(), std::string("2025-01-31T12:00:00Z").size());
  // The counterexample's states, step by step, for the page's explorer.
  EXPECT_FALSE(report["violations"][0]["states"]["frames"].empty());
  ASSERT_TRUE(fs::exists(dir / "counterexample.json"));
  // The replay reproduces the schedule and judges it again: still violated.
  EXPECT_EQ(wait_status(spawn({"frsim", "replay", (dir / "counterexample.json").string()})), 1);
}

// Self-testing: --mutant installs an engine mutant of the bug zoo; its
// counterexample names "<scenario>+<mutant>" and replays as such.
TEST(ExploreCli, AMutantIsCaughtAndItsCounterexampleReplays) {
  const fs::path dir = scratch("mutant");
  const pid_t pid = spawn({"frsim", "explore", "counter", "--mutant", "mutant-double-fold", "--strategy", "bfs",
                           "--time-limit", "60", "--quiet", "--out", dir.string()});
  EXPECT_EQ(wait_status(pid), 1);
  const auto report = read_json(dir / "report.json");
  EXPECT_EQ(report["scenario"], "counter+mutant-double-fold");
  ASSERT_EQ(report["violations"].size(), 1u);
  EXPECT_EQ(report["violations"][0]["property"], "at-most-once");
  EXPECT_EQ(wait_status(spawn({"frsim", "replay", (dir / "counterexample.json").string()})), 1);
  EXPECT_EQ(wait_status(spawn({"frsim", "explore", "counter", "--mutant", "mutant-none", "--quiet"})), 2);
}

// The rows of frsim selftest name a mutant's showcase program; it explores too.
TEST(ExploreCli, AMutantShowcaseExploresByName) {
  const fs::path dir = scratch("showcase");
  const pid_t pid = spawn({"frsim", "explore", "showcase-fold-fine", "--mutant", "mutant-no-isolation", "--strategy",
                           "bfs", "--time-limit", "60", "--quiet", "--out", dir.string()});
  EXPECT_EQ(wait_status(pid), 1);
  const auto report = read_json(dir / "report.json");
  ASSERT_EQ(report["violations"].size(), 1u);
  EXPECT_EQ(report["violations"][0]["property"], "isolation");
  EXPECT_EQ(wait_status(spawn({"frsim", "replay", (dir / "counterexample.json").string()})), 1);
}

// --json: stdout is exactly the report (what report.json holds), for scripts.
TEST(ExploreCli, JsonPutsTheReportOnStdout) {
  const fs::path dir = scratch("json");
  fs::create_directories(dir);
  const fs::path out = dir / "stdout.json";
  const pid_t pid = spawn({"frsim", "explore", "bug-local-fold", "--strategy", "bfs", "--time-limit", "60", "--json",
                           "--out", (dir / "run").string()},
                          out.string());
  EXPECT_EQ(wait_status(pid), 1);
  const auto printed = read_json(out);
  const auto written = read_json(dir / "run" / "report.json");
  EXPECT_EQ(printed, written);
  ASSERT_EQ(printed["violations"].size(), 1u);
  EXPECT_EQ(printed["violations"][0]["property"], "convergence");
}

TEST(ExploreCli, ResumeContinuesWhereTheCampaignStopped) {
  const fs::path dir = scratch("resume");
  EXPECT_EQ(wait_status(spawn({"frsim", "explore", "counter", "--strategy", "swarm", "--max-schedules", "20",
                               "--crashes", "0", "--quiet", "--out", dir.string()})),
            0);
  const auto first = read_json(dir / "report.json");
  EXPECT_EQ(first["resume"]["next_schedule"], 20);
  // A budget the command line fixed stays fixed in the resumed run (swarm draws no crash).
  EXPECT_EQ(first["resume"]["options"]["fixed_budgets"]["crashes"], true);
  EXPECT_EQ(first["resume"]["options"]["fixed_budgets"]["drops"], false);
  EXPECT_EQ(wait_status(spawn({"frsim", "explore", "--resume", dir.string(), "--quiet"})), 0);
  const auto resumed = read_json(dir / "report.json");
  EXPECT_EQ(resumed["resume"]["next_schedule"], 40);
  EXPECT_EQ(resumed["resume"]["options"]["fixed_budgets"]["crashes"], true);
  EXPECT_EQ(resumed["stats"]["schedules"], 40);
  // Every count carries over, distinct states too (per run, summed, as the campaign sums its stages).
  EXPECT_GT(resumed["stats"]["distinct_states"].get<std::uint64_t>(), first["stats"]["distinct_states"].get<std::uint64_t>());
  EXPECT_GT(resumed["stats"]["transitions"].get<std::uint64_t>(), first["stats"]["transitions"].get<std::uint64_t>());
  bool said = false;
  for (const auto& note : resumed["notes"]) said = said || note.get<std::string>().find("continues at schedule 20") != std::string::npos;
  EXPECT_TRUE(said);
  // The scenario and strategy are the report's: anything else is refused.
  EXPECT_EQ(wait_status(spawn({"frsim", "explore", "chat", "--resume", dir.string(), "--quiet"})), 2);
  EXPECT_EQ(wait_status(spawn({"frsim", "explore", "--resume", dir.string(), "--strategy", "bfs", "--quiet"})), 2);
  EXPECT_EQ(wait_status(spawn({"frsim", "explore", "--resume", dir.string(), "--max-schedules", "5", "--quiet"})), 2);
  // Naming what the report says is fine.
  EXPECT_EQ(wait_status(spawn({"frsim", "explore", "counter", "--resume", dir.string(), "--strategy", "swarm",
                               "--quiet"})),
            0);
  EXPECT_EQ(read_json(dir / "report.json")["stats"]["schedules"], 60);
}

// A campaign interrupted in its exhaustive stage has no stored frontier:
// --resume runs the campaign again from the start and says so, without
// adding the lost run's counts.
TEST(ExploreCli, ResumeOfAnInterruptedExhaustiveStageRestartsItAndSaysSo) {
  const fs::path dir = scratch("resume-bfs");
  const pid_t pid = spawn({"frsim", "explore", "chat", "--time-limit", "0", "--quiet", "--out", dir.string()});
  wait_for_folder(dir);
  ASSERT_EQ(kill(pid, SIGINT), 0);
  ASSERT_EQ(wait_status(pid), 130);
  const auto interrupted = read_json(dir / "report.json");
  EXPECT_EQ(interrupted["resume"]["strategy"], "default");
  EXPECT_EQ(interrupted["resume"]["stage"], 1);
  EXPECT_EQ(wait_status(spawn({"frsim", "explore", "--resume", dir.string(), "--time-limit", "2", "--quiet"})), 0);
  const auto resumed = read_json(dir / "report.json");
  EXPECT_EQ(resumed["strategy"], "default");
  bool said = false;
  for (const auto& note : resumed["notes"]) {
    said = said || note.get<std::string>().find("starts again from the initial state") != std::string::npos;
  }
  EXPECT_TRUE(said);
}

// The config says what ran: the campaign's stages with their reductions;
// a single strategy without the options that do not apply to it.
TEST(ExploreCli, ConfigSaysWhatRan) {
  const fs::path dir = scratch("config");
  EXPECT_EQ(wait_status(spawn({"frsim", "explore", "chat", "--time-limit", "1", "--quiet", "--out",
                               (dir / "campaign").string()})),
            0);
  const auto campaign = read_json(dir / "campaign" / "report.json")["config"];
  EXPECT_EQ(campaign["strategy"], "default");
  EXPECT_FALSE(campaign.contains("por"));
  EXPECT_FALSE(campaign.contains("symmetry"));
  ASSERT_EQ(campaign["stages"].size(), 2u);
  EXPECT_EQ(campaign["stages"][0]["strategy"], "bfs");
  EXPECT_EQ(campaign["stages"][0]["por"], "sleep");
  EXPECT_EQ(campaign["stages"][0]["symmetry"], true);
  EXPECT_EQ(campaign["stages"][1]["strategy"], "swarm");
  EXPECT_EQ(campaign["stages"][1]["ran"], true);  // chat's states outlast half a second
  EXPECT_EQ(campaign["world"]["resends"], 1);     // the default campaign re-sends unchanged values
  EXPECT_EQ(campaign["ready_orders"], 3);
  EXPECT_EQ(wait_status(spawn({"frsim", "explore", "counter", "--strategy", "swarm", "--max-schedules", "3",
                               "--quiet", "--out", (dir / "swarm").string()})),
            0);
  const auto swarm = read_json(dir / "swarm" / "report.json")["config"];
  EXPECT_EQ(swarm["strategy"], "swarm");
  for (const char* key : {"por", "symmetry", "bitstate", "pct_depth"}) EXPECT_FALSE(swarm.contains(key)) << key;
  EXPECT_EQ(wait_status(spawn({"frsim", "explore", "counter", "--strategy", "bfs", "--por", "sleep", "--max-states",
                               "30", "--quiet", "--out", (dir / "bfs").string()})),
            0);
  const auto bfs = read_json(dir / "bfs" / "report.json")["config"];
  EXPECT_EQ(bfs["por"], "sleep");
  for (const char* key : {"pct_depth", "first_schedule", "determinism_every"}) EXPECT_FALSE(bfs.contains(key)) << key;
}

// A folder reused for a passing run keeps no counterexample of an earlier one.
TEST(ExploreCli, APassingRunRemovesAStaleCounterexample) {
  const fs::path dir = scratch("stale");
  EXPECT_EQ(wait_status(spawn({"frsim", "explore", "bug-local-fold", "--strategy", "bfs", "--quiet", "--out",
                               dir.string()})),
            1);
  ASSERT_TRUE(fs::exists(dir / "counterexample.json"));
  EXPECT_EQ(wait_status(spawn({"frsim", "explore", "counter", "--devices", "1", "--partitions", "0", "--strategy",
                               "bfs", "--quiet", "--out", dir.string()})),
            0);
  EXPECT_FALSE(fs::exists(dir / "counterexample.json"));
  const auto report = read_json(dir / "report.json");
  EXPECT_EQ(report["verdict"], "holds");
  EXPECT_EQ(report["complete"], true);
  // One device: nothing to converge, so convergence is not exercised; what
  // was judged holds.
  EXPECT_EQ(status_of(report, "convergence"), "not_exercised");
  EXPECT_EQ(status_of(report, "glitch-freedom"), "holds");
}

// A budget that stops the run: every unviolated property is "not violated
// (incomplete)", never "holds".
TEST(ExploreCli, ABudgetStoppedRunDoesNotSayHolds) {
  const fs::path dir = scratch("budget");
  EXPECT_EQ(wait_status(spawn({"frsim", "explore", "counter", "--strategy", "bfs", "--max-states", "50", "--quiet",
                               "--out", dir.string()})),
            0);
  const auto report = read_json(dir / "report.json");
  EXPECT_EQ(report["verdict"], "incomplete");
  EXPECT_EQ(report["budget_hit"], "states");
  // Never "holds"; a property the explored states never put to the test
  // (judged 0 times) is "not exercised".
  for (const auto& p : report["properties"]) {
    EXPECT_EQ(p["status"], p["judged"] == 0 ? "not_exercised" : "not_violated_incomplete") << p["name"];
  }
}

// frsim run judges its schedule as frsim replay does.
TEST(ExploreCli, RunJudgesItsSchedule) {
  const fs::path dir = scratch("run");
  fs::create_directories(dir);
  const fs::path trace = dir / "run.json";
  EXPECT_EQ(wait_status(spawn({"frsim", "run", "bug-local-fold", "--seed", "1", "--trace-out", trace.string()})), 1);
  EXPECT_EQ(wait_status(spawn({"frsim", "replay", trace.string()})), 1);
  EXPECT_EQ(wait_status(spawn({"frsim", "run", "counter", "--seed", "1"})), 0);
}

const nlohmann::json& property(const nlohmann::json& report, const std::string& name) {
  for (const auto& p : report["properties"]) {
    if (p["name"] == name) return p;
  }
  throw std::runtime_error("no property " + name + " in the report");
}

// Issue 13: --properties checks only those; the report gives each property
// how many times it was judged, and one judged 0 times is not a pass.
TEST(ExploreCli, PropertiesSelectsAndTheReportCountsWhatWasJudged) {
  const fs::path bug = scratch("properties");
  EXPECT_EQ(wait_status(spawn({"frsim", "explore", "bug-arrival-register", "--properties", "convergence", "--quiet",
                               "--out", bug.string()})),
            1);
  const auto report = read_json(bug / "report.json");
  ASSERT_EQ(report["violations"].size(), 1u);
  EXPECT_EQ(report["violations"][0]["property"], "convergence");  // the lasso, not lattice-laws
  EXPECT_EQ(property(report, "convergence")["status"], "violated");
  EXPECT_EQ(property(report, "lattice-laws")["status"], "not_checked");
  // The counterexample replays with the same finding (replay judges it by every property).
  const fs::path replayed = bug / "replay.txt";
  EXPECT_EQ(wait_status(spawn({"frsim", "replay", (bug / "counterexample.json").string()}, replayed.string())), 1);
  std::ifstream in(replayed);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("violated: convergence: healing never quiesces"), std::string::npos);

  const fs::path sound = scratch("judged");
  EXPECT_EQ(wait_status(spawn({"frsim", "explore", "counter", "--strategy", "bfs", "--depth", "6", "--max-states",
                               "400", "--quiet", "--out", sound.string()})),
            0);
  const auto counts = read_json(sound / "report.json");
  for (const auto& p : counts["properties"]) EXPECT_TRUE(p.contains("judged")) << p["name"];
  EXPECT_GT(property(counts, "convergence")["judged"].get<std::uint64_t>(), 0u);
  EXPECT_EQ(property(counts, "convergence")["status"], "not_violated_incomplete");  // the --max-states budget
  // Coarse grain runs each propagation in one order, and the checker in
  // --ready-orders more (default 3); with none, nothing to compare.
  EXPECT_GT(property(counts, "confluence")["judged"].get<std::uint64_t>(), 0u);
  const fs::path one_order = scratch("one-order");
  EXPECT_EQ(wait_status(spawn({"frsim", "explore", "counter", "--strategy", "bfs", "--depth", "6", "--max-states",
                               "400", "--ready-orders", "0", "--quiet", "--out", one_order.string()})),
            0);
  const auto none = read_json(one_order / "report.json");
  EXPECT_EQ(property(none, "confluence")["judged"], 0);
  EXPECT_EQ(property(none, "confluence")["status"], "not_exercised");
  EXPECT_EQ(wait_status(spawn({"frsim", "explore", "counter", "--properties", "glitch-free", "--quiet"})), 2);
}

// A user's property names (read-receipts: "receipts-within-messages", 24
// characters) are longer than the built-in ones: the table's columns still line up.
TEST(ExploreCli, ThePropertyTableLinesUpWithLongUserPropertyNames) {
  const fs::path dir = scratch("table");
  const fs::path printed = dir.string() + ".txt";
  fs::create_directories(dir.parent_path());
  EXPECT_EQ(wait_status(spawn({"frsim", "explore", "read-receipts", "--strategy", "bfs", "--max-states", "200",
                               "--out", dir.string()},
                              printed.string())),
            0);
  std::ifstream in(printed);
  std::size_t column = std::string::npos;
  std::size_t rows = 0;
  for (std::string line; std::getline(in, line);) {
    if (line.find("user: ") == std::string::npos && !line.starts_with("property ")) continue;
    // A `sometimes` some state reached holds in this incomplete run; the others are not violated.
    const auto status = line.starts_with("property ")         ? line.find("status")
                        : line.find("not violated") != std::string::npos ? line.find("not violated")
                                                                          : line.find("holds");
    ASSERT_NE(status, std::string::npos) << line;
    if (column == std::string::npos) column = status;
    EXPECT_EQ(status, column) << line;
    ++rows;
  }
  EXPECT_EQ(rows, 4u);  // the header and the three user properties
}

TEST(ExploreCli, BadInputIsExitTwo) {
  EXPECT_EQ(wait_status(spawn({"frsim", "explore", "no-such-scenario", "--quiet"})), 2);
  EXPECT_EQ(wait_status(spawn({"frsim", "explore", "chat", "--strategy", "sideways"})), 2);
  EXPECT_EQ(wait_status(spawn({"frsim", "explore", "chat", "--jobs", "0"})), 2);
  EXPECT_EQ(wait_status(spawn({"frsim", "explore", "chat", "--devices", "0"})), 2);
  EXPECT_EQ(wait_status(spawn({"frsim", "replay", "/tmp"})), 2);  // was an uncaught std::ios_failure, exit 134
}

}  // namespace
