// frsim selftest through frsim::cli::run over scenario lists of our own: a
// broken program that claims to be sound (no expected violation) is a false
// negative of the zoo's kind turned around — selftest must flag it and exit
// 1; sound ones are clean and exit 0.

#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "cli/cli.hpp"
#include "scenarios/registry.hpp"

namespace frsim::cli {
namespace {

int selftest(const Scenarios& scenarios, const std::string& only) {
  const std::vector<const char*> argv = {"frsim", "selftest", "--only", only.c_str(), "--sound-states", "2000"};
  return run(static_cast<int>(argv.size()), argv.data(), scenarios);
}

TEST(Selftest, ASoundScenarioIsClean) {
  EXPECT_EQ(selftest({scenarios::get("read-receipts")}, "read-receipts"), 0);
}

TEST(Selftest, ABrokenProgramPosingAsSoundIsFlagged) {
  auto posing = *scenarios::get("bug-max-counter");
  posing.name = "posing-counter";
  posing.expected_violation.clear();
  EXPECT_EQ(selftest({std::make_shared<const sim::Scenario>(posing)}, "posing"), 1);
}

}  // namespace
}  // namespace frsim::cli
