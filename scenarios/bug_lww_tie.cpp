// Deliberately broken (paper §4.8): "Distributed reactives in FR have a
// commutativity and idempotent merge function". A shared document title is a
// hand-written last-writer-wins register, the pair [version, title]: a rename
// writes version + 1, and the merge keeps the higher version. On equal versions
// it keeps the local title ("first writer wins locally"), so merge(a, b) and
// merge(b, a) differ: two devices that rename concurrently from the same
// version each keep their own title forever, since neither newer version ever
// arrives. The library's LWW-Register (core/crdt/registers.hpp) breaks such
// ties by replica id, the same way on every replica; this one does not.
//
// The divergence is what shows: convergence on "title" (the schedules in
// which one rename reaches a device before its own rename do not tie, and
// converge). With every property watching, lattice-laws sees the cause
// first: the user's merge M(r) is not commutative on the tied values.
// Workload (three devices): every device renames once, concurrently.
// Expected verdict: convergence.

#include <fmt/format.h>

#include "scenarios/registry.hpp"
#include "scenarios/scaffold.hpp"

namespace frsim::scenarios {

namespace {

using core::Value;

Value version_of(const Value& reg) { return core::checked::array_fetch(reg, 0); }

// The user's merge: higher version wins; on a tie, the local title stays.
Value merge_keep_local_on_tie(const Value& local, const Value& remote) {
  return version_of(remote).as_int() > version_of(local).as_int() ? remote : local;
}

Value rename(const Value& reg, const Value& title) {
  return Value::list({Value::integer(version_of(reg).as_int() + 1), title});
}

}  // namespace

sim::Scenario bug_lww_tie() {
  auto s = broken_merge("bug-lww-tie",
                        "a hand-written LWW register whose merge keeps the local value on equal timestamps",
                        {.source = "rename", .source_initial = Value::unit(), .name = "title",
                         .initial = Value::list({Value::integer(0), Value::string("untitled")}), .step = rename,
                         .merge = merge_keep_local_on_tie},
                        3, "convergence");
  s.workload = [](std::uint32_t device, std::uint32_t) {
    return std::vector<sim::Action>{sim::Action::fire("rename", Value::string(fmt::format("draft of d{}", device)))};
  };
  return s;
}

}  // namespace frsim::scenarios
