// Snapshots and restoration (paper §2.4, §3.2, §4.9): a crash is "destroy
// the Runtime", a restart is "a new Runtime over the same Snapshot re-running
// the creation code".

#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <memory>
#include <optional>
#include <tuple>
#include <utility>

#include "core/policy.hpp"
#include "core/runtime.hpp"
#include "tests/core/runtime_test_support.hpp"

namespace frsim::core {
namespace {

using testing::Model;
using testing::Recorder;

// A random program's device: the creation code, resolved once and re-run on
// every restart, and the durable snapshot.
struct Device {
  Model model;
  std::vector<testing::Resolved> nodes;
  Snapshot sigma;

  explicit Device(const testing::Program& program) {
    for (const auto& spec : program.nodes) {
      const auto added = model.add(spec);
      if (added.created) nodes.push_back(added.node);
    }
  }
  std::unique_ptr<Runtime> start(Observer* observer = nullptr) {
    auto rt = std::make_unique<Runtime>(sigma, RuntimeOptions{level_policy(), observer});
    for (const auto& node : nodes) testing::create(*rt, node);
    return rt;
  }
  std::pair<ReactiveId, Value> action(const testing::ActionSpec& spec) const {
    const auto action = model.resolve(spec);
    RC_ASSERT(action.has_value());
    return *action;
  }
};

std::vector<Value> values_of(const Runtime& rt) {
  std::vector<Value> values;
  for (ReactiveId r = 0; r < rt.size(); ++r) values.push_back(rt.value(r));
  return values;
}

// Def. 4.18: every source and fold of µ is in Σ with its value.
void check_proper(const Runtime& rt) {
  for (ReactiveId r = 0; r < rt.size(); ++r) {
    const ReactiveKind kind = rt.kind(r);
    if (kind != ReactiveKind::source && kind != ReactiveKind::fold) continue;
    const auto it = rt.snapshot().values.find(r);
    RC_ASSERT(it != rt.snapshot().values.end());
    RC_ASSERT(it->second == rt.value(r));
  }
}

TEST(Restoration, CrashAfterAnyPrefixRestoresEveryValue) {
  testing::check_cases(300, [] {
    // No division: a creation prefix must not fail differently on restored values.
    const auto program = *testing::gen_program(/*with_division=*/false);
    const auto prefix = *rc::gen::inRange<std::size_t>(0, program.actions.size() + 1);
    Device device(program);
    auto rt = device.start();
    for (std::size_t i = 0; i < prefix; ++i) {
      const auto [target, v] = device.action(program.actions[i]);
      RC_ASSERT(rt->fire(target, v).committed);
      check_proper(*rt);
    }
    const std::vector<Value> before_crash = values_of(*rt);
    rt.reset();  // crash
    Recorder events;
    const auto restored = device.start(&events);
    RC_ASSERT(values_of(*restored) == before_crash);
    check_proper(*restored);
  });
}

TEST(Restoration, CrashMidPropagationLosesExactlyThatAction) {
  testing::check_cases(300, [] {
    const auto program = *testing::gen_program(/*with_division=*/false);
    RC_PRE(!program.actions.empty());
    const auto steps = *rc::gen::inRange<std::size_t>(0, 12);
    const auto picks =
        *rc::gen::container<std::vector<std::uint32_t>>(steps, rc::gen::arbitrary<std::uint32_t>());
    Device device(program);
    auto rt = device.start();
    for (std::size_t i = 0; i + 1 < program.actions.size(); ++i) {
      const auto [target, v] = device.action(program.actions[i]);
      rt->fire(target, v);
    }
    std::vector<Value> expected = values_of(*rt);
    const auto [target, v] = device.action(program.actions.back());
    rt->begin_fire(target, v);
    for (std::uint32_t pick : picks) {
      if (!rt->propagating()) break;
      const auto ready = rt->ready();
      rt->step(ready[pick % ready.size()]);
    }
    // A propagation that got to commit is not lost.
    if (!rt->propagating()) expected = values_of(*rt);
    rt.reset();  // crash
    RC_ASSERT(values_of(*device.start()) == expected);
  });
}

// §3.2 "Storing nested reactives": a source holding a reference to another
// source stores and restores both, the inner one as a constant until the
// creation code recreates it.
TEST(Restoration, NestedReactivesAreStoredAndRestored) {
  auto creation = [](Runtime& rt) {
    const ReactiveId holder = rt.source(Value(), "holder");
    const ReactiveId inner = rt.source(Value::integer(10), "inner");
    return std::pair{holder, inner};
  };
  Snapshot sigma;
  {
    Runtime rt(sigma);
    const auto [holder, inner] = creation(rt);
    rt.fire(inner, Value::integer(42));
    rt.fire(holder, Value::list({Value::ref(inner)}));
    EXPECT_EQ(sigma.values.at(inner), Value::integer(42));
  }
  Recorder events;
  Runtime rt(sigma, {level_policy(), &events});
  const ReactiveId holder = rt.source(Value(), "holder");
  const ReactiveId inner_id = rt.value(holder).as_list()[0].as_ref();
  EXPECT_EQ(rt.size(), 1u);
  EXPECT_EQ(rt.value(inner_id), Value::integer(42));  // the restored constant
  EXPECT_EQ(rt.resolve(Value::ref(inner_id)), inner_id);
  const ReactiveId inner = rt.source(Value::integer(10), "inner");
  EXPECT_EQ(inner, inner_id);
  EXPECT_EQ(rt.value(inner), Value::integer(42));
  EXPECT_TRUE(rt.fire(inner, Value::integer(7)).committed);
  EXPECT_EQ(sigma.values.at(inner), Value::integer(7));
  std::vector<ReactiveId> restored;
  for (const auto& e : events.events) {
    if (e.type == testing::Event::restored) restored.push_back(e.r);
  }
  EXPECT_EQ(restored, (std::vector<ReactiveId>{holder, inner, inner}));
}

// A flatten created while its inner reactive is still a restored constant
// reads the constant, and follows the reactive once it is recreated.
TEST(Restoration, FlattenOverARestoredConstantFollowsItsRecreation) {
  auto creation = [](Runtime& rt) {
    const ReactiveId a = rt.source(Value::integer(0), "a");
    const ReactiveId holder = rt.source(Value::ref(a), "holder");
    const ReactiveId f = rt.flatten(holder, "f");
    const ReactiveId g = rt.map({f}, [](std::span<const Value> in) {
      return Value::integer(in[0].as_int() * 2);
    }, "g");
    const ReactiveId inner = rt.source(Value::integer(10), "inner");
    return std::tuple{holder, f, g, inner};
  };
  Snapshot sigma;
  {
    Runtime rt(sigma);
    const auto [holder, f, g, inner] = creation(rt);
    rt.fire(inner, Value::integer(42));
    ASSERT_TRUE(rt.fire(holder, Value::ref(inner)).committed);
    EXPECT_EQ(rt.value(g), Value::integer(84));
  }
  Recorder events;
  Runtime rt(sigma, {level_policy(), &events});
  const auto [holder, f, g, inner] = creation(rt);
  EXPECT_EQ(rt.inputs(f), (std::vector<ReactiveId>{holder, inner}));
  EXPECT_EQ(rt.value(f), Value::integer(42));
  EXPECT_EQ(rt.value(g), Value::integer(84));
  EXPECT_GT(rt.level(f), rt.level(inner));
  EXPECT_GT(rt.level(g), rt.level(f));
  EXPECT_TRUE(rt.fire(inner, Value::integer(7)).committed);
  EXPECT_EQ(rt.value(g), Value::integer(14));
  EXPECT_EQ(events.violations(), "");
}

}  // namespace
}  // namespace frsim::core
