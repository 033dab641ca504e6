// `frsim explore` as a user runs it: a child process, its files, its exit status.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
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

int wait_status(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
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

TEST(ExploreCli, SigintLeavesAValidReport) {
  const fs::path dir = scratch("sigint");
  const pid_t pid = spawn({"frsim", "explore", "chat", "--strategy", "bfs", "--time-limit", "0", "--quiet", "--out",
                           dir.string()});
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  ASSERT_EQ(kill(pid, SIGINT), 0);
  EXPECT_EQ(wait_status(pid), 0);
  const auto report = read_json(dir / "report.json");
  EXPECT_EQ(report["format"], "frsim-report");
  EXPECT_EQ(report["scenario"], "chat");
  EXPECT_EQ(report["complete"], false);
  EXPECT_EQ(report["budget_hit"], "interrupted");
  EXPECT_GT(report["stats"]["distinct_states"].get<std::uint64_t>(), 0u);
  for (const char* key : {"transitions", "states", "distinct_states", "schedules", "max_depth", "elapsed_seconds",
                          "states_per_second", "memory_bytes"}) {
    EXPECT_TRUE(report["stats"].contains(key)) << key;
  }
  EXPECT_FALSE(report["properties"].empty());
  EXPECT_TRUE(report["violations"].empty());
}

// Budgets hold at any size (issue 14): on 64 devices a single healing or a
// single batch of schedules takes longer than the whole budget, and the
// campaign still ends on time and says so. The bound is loose on purpose: a
// loaded machine must not make this fail; what it catches is a search that
// checks its budget only between batches (before issue 14 this ran for
// minutes and wrote nothing).
TEST(ExploreCli, SixtyFourDevicesEndWithinTheTimeLimitAndWriteTheReport) {
  const fs::path dir = scratch("sixty-four");
  const auto started = std::chrono::steady_clock::now();
  const pid_t pid = spawn({"frsim", "explore", "counter", "--devices", "64", "--time-limit", "2", "--quiet", "--out",
                           dir.string()});
  EXPECT_EQ(wait_status(pid), 0);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  EXPECT_LT(seconds, 3.0);
  const auto report = read_json(dir / "report.json");
  EXPECT_EQ(report["complete"], false);
  EXPECT_EQ(report["budget_hit"], "time");
  EXPECT_LT(report["stats"]["elapsed_seconds"].get<double>(), 2.5);
}

TEST(ExploreCli, AViolationExitsOneWithAReplayableCounterexample) {
  const fs::path dir = scratch("bug");
  const pid_t pid = spawn({"frsim", "explore", "bug-local-fold", "--strategy", "bfs", "--time-limit", "60", "--quiet",
                           "--out", dir.string()});
  EXPECT_EQ(wait_status(pid), 1);
  const auto report = read_json(dir / "report.json");
  ASSERT_EQ(report["violations"].size(), 1u);
  EXPECT_EQ(report["violations"][0]["property"], "convergence");
  bool marked = false;
  for (const auto& p : report["properties"]) marked = marked || (p["name"] == "convergence" && p["status"] == "violated");
  EXPECT_TRUE(marked);
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
                               "--quiet", "--out", dir.string()})),
            0);
  EXPECT_EQ(read_json(dir / "report.json")["resume"]["next_schedule"], 20);
  EXPECT_EQ(wait_status(spawn({"frsim", "explore", "--resume", dir.string(), "--quiet"})), 0);
  const auto resumed = read_json(dir / "report.json");
  EXPECT_EQ(resumed["resume"]["next_schedule"], 40);
  EXPECT_EQ(resumed["stats"]["schedules"], 40);
}

TEST(ExploreCli, BadInputIsExitTwo) {
  EXPECT_EQ(wait_status(spawn({"frsim", "explore", "no-such-scenario", "--quiet"})), 2);
  EXPECT_EQ(wait_status(spawn({"frsim", "explore", "chat", "--strategy", "sideways"})), 2);
  EXPECT_EQ(wait_status(spawn({"frsim", "explore", "chat", "--jobs", "0"})), 2);
  EXPECT_EQ(wait_status(spawn({"frsim", "explore", "chat", "--devices", "0"})), 2);
}

}  // namespace
