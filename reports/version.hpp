#pragma once
// Which frsim this is: the project's version and the git commit it was built
// from ("unknown" outside a git checkout; "-dirty" when the checkout had
// uncommitted changes). Generated at every build by cmake/version.cmake, so
// `frsim --version` and report.json never name a stale commit.

#include <string_view>

namespace frsim::reports {

std::string_view frsim_version();  // "0.1.0"
std::string_view frsim_commit();   // "d6e25c1f0c…", "d6e25c1f0c…-dirty" or "unknown"

}  // namespace frsim::reports
