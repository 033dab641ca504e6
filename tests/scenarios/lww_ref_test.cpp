// lww-ref (paper §3.4, "Sending nested reactives"): a distributed register
// holding a reference to d0's local source. Without promotion the reference
// denotes d1's own source there (d0 shows 42, d1 shows 0, and every property
// used to hold); with it every device shows d0's value, across crashes.

#include <algorithm>
#include <memory>

#include <gtest/gtest.h>

#include "checker/checker.hpp"
#include "core/wire.hpp"
#include "driver.hpp"
#include "scenarios/registry.hpp"
#include "sim/random_walk.hpp"

namespace frsim::scenarios::testing {
namespace {

using core::Value;
using sim::TransitionKind;

// d0 points the register at its s and sets s = 42; then everything is exchanged.
std::unique_ptr<sim::World> pointed_and_set(std::uint32_t devices) {
  auto w = make_world("lww-ref", devices);
  fire(*w, 0);
  fire(*w, 0);
  settle(*w);
  return w;
}

TEST(LwwRef, EveryDeviceShowsTheValueOfD0sSource) {
  for (const std::uint32_t devices : {2U, 3U}) {
    const auto w = pointed_and_set(devices);
    for (std::uint32_t d = 0; d < devices; ++d) {
      EXPECT_EQ(value(*w, d, "shown"), Value::integer(42)) << "d" << d << " of " << devices;
      EXPECT_EQ(value(*w, d, "s"), Value::integer(d == 0 ? 42 : 0)) << "each device keeps its own s";
    }
  }
}

TEST(LwwRef, TheReferenceOnAHolderDenotesTheReplicaNotItsOwnId) {
  const auto w = pointed_and_set(2);
  const core::Runtime& d0 = *w->device(0).runtime();
  const core::Runtime& d1 = *w->device(1).runtime();
  const auto s0 = d0.find("s");
  const auto s1 = d1.find("s");
  ASSERT_TRUE(s0 && s1);
  ASSERT_EQ(*s0, *s1);  // the same location on both devices: the id alone cannot tell them apart
  EXPECT_TRUE(d0.is_distributed(*s0)) << "d0 promoted its s when it sent the register";
  EXPECT_FALSE(d1.is_distributed(*s1));
  const Value on_d1 = value(*w, 1, "target");
  ASSERT_EQ(on_d1.kind(), core::Kind::ref);
  EXPECT_NE(on_d1.as_ref(), *s1);
  EXPECT_EQ(d1.label(on_d1.as_ref()), "#view " + core::promoted_name(0, *s0));
  EXPECT_TRUE(d1.resolve(Value::named_ref(core::promoted_name(0, *s0))).has_value());
  // The same reactive in global form on both devices.
  constexpr auto in_reg = core::Holder::distributed;
  EXPECT_EQ(core::global_form(d0, 0, value(*w, 0, "reg"), in_reg),
            core::global_form(d1, 1, value(*w, 1, "reg"), in_reg));
  // "target", a local Map, refers to the same reactive too: d0's s, promoted, and d1's replica of it.
  constexpr auto in_map = core::Holder::local;
  EXPECT_EQ(core::global_form(d0, 0, value(*w, 0, "target"), in_map),
            core::global_form(d1, 1, value(*w, 1, "target"), in_map));
}

TEST(LwwRef, AChangeOfThePromotedReactiveAfterItWasSentReachesTheHolders) {
  auto w = make_world("lww-ref", 2);
  fire(*w, 0);  // point
  settle(*w);   // the register, and s = 0 with it, reaches d1
  EXPECT_EQ(value(*w, 1, "shown"), Value::integer(0));
  fire(*w, 0);  // s = 42 on d0 only: the register does not change
  settle(*w);
  EXPECT_EQ(value(*w, 1, "shown"), Value::integer(42));
}

TEST(LwwRef, AHolderThatCrashesKeepsThePromotedValueAndItsReplica) {
  auto w = make_world("lww-ref", 2, true);
  fire(*w, 0);
  fire(*w, 0);
  settle(*w);
  ASSERT_TRUE(apply_first(*w, TransitionKind::crash, 1));
  ASSERT_TRUE(apply_first(*w, TransitionKind::restart, 1));
  // Before any message: the restart restored the replica from Σ.
  EXPECT_EQ(value(*w, 1, "shown"), Value::integer(42));
  const core::Runtime& d1 = *w->device(1).runtime();
  const auto replica = d1.resolve(Value::named_ref(core::promoted_name(0, *d1.find("s"))));
  ASSERT_TRUE(replica.has_value()) << "the replica is distributed again, not a constant";
  EXPECT_TRUE(d1.is_distributed(*replica));
  w->heal();
  EXPECT_TRUE(w->heal_outcome().quiesced());
  EXPECT_EQ(value(*w, 0, "shown"), Value::integer(42));
  EXPECT_EQ(value(*w, 1, "shown"), Value::integer(42));
}

// Promotion puts s in dom(M), which is the configuration's and survives the
// creator's crash (Snapshot::promoted): the restarted creator has s
// distributed under the name its replicas know before it sends anything.
TEST(LwwRef, TheCreatorThatCrashesKeepsItsPromotionAndTheHoldersFollowIt) {
  auto w = make_world("lww-ref", 2, true);
  fire(*w, 0);  // point
  settle(*w);
  ASSERT_TRUE(apply_first(*w, TransitionKind::crash, 0));
  ASSERT_TRUE(apply_first(*w, TransitionKind::restart, 0));
  const core::Runtime& d0 = *w->device(0).runtime();
  const auto s = *d0.find("s");
  ASSERT_TRUE(d0.is_distributed(s));
  EXPECT_EQ(d0.resolve(Value::named_ref(core::promoted_name(0, s))), s);
  fire(*w, 0);  // s = 42 after the restart
  w->heal();
  EXPECT_TRUE(w->heal_outcome().quiesced());
  EXPECT_EQ(value(*w, 1, "shown"), Value::integer(42));
}

TEST(LwwRef, RandomSchedulesWithFaultsShowD0sValueEverywhereAfterHealing) {
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    auto w = make_world("lww-ref", 3, true, seed);
    sim::random_walk(*w, seed);
    const bool both_fired = w->device(0).next_action() == 2;
    w->heal();
    ASSERT_TRUE(w->heal_outcome().quiesced()) << "seed " << seed;
    const Value first = value(*w, 0, "shown");
    for (std::uint32_t d = 1; d < w->devices(); ++d) EXPECT_EQ(value(*w, d, "shown"), first) << "seed " << seed;
    if (both_fired) {
      EXPECT_EQ(first, Value::integer(42)) << "seed " << seed;
    }
  }
}

// What the engine did before promotion, kept as the zoo's
// mutant-no-promotion: the register agrees by value, the devices do not.
TEST(LwwRef, WithoutPromotionAHolderShowsItsOwnSourceAndConvergenceSaysSo) {
  const checker::Mutant& m = *checker::find_mutant("mutant-no-promotion");
  auto broken = std::make_shared<const sim::Scenario>(checker::with_mutant(*get("lww-ref"), m));
  sim::WorldConfig config = broken->defaults;
  config.drops = config.dups = config.crashes = 0;
  sim::World w(broken, config, 1);
  fire(w, 0);
  fire(w, 0);
  settle(w);
  EXPECT_EQ(value(w, 0, "shown"), Value::integer(42));
  EXPECT_EQ(value(w, 1, "shown"), Value::integer(0));
  EXPECT_EQ(value(w, 0, "reg"), value(w, 1, "reg"));
  const auto result = checker::replay(*broken, config, 1, w.choices());
  const bool convergence = std::any_of(result.findings.begin(), result.findings.end(),
                                       [](const sim::Finding& f) { return f.property == "convergence"; });
  EXPECT_TRUE(convergence) << (result.finding ? result.finding->message : "no finding");
}

}  // namespace
}  // namespace frsim::scenarios::testing
