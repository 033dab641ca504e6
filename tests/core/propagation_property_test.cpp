// Random dataflow graphs and actions: the level policy, the calculus policy
// with random ready choices, and an independent reference evaluator of the
// synchronous semantics agree after every action (Lemmas 4.10, 4.11), and no
// propagation reevaluates twice or reads an input written later (Lemmas 4.5,
// 4.6). Without an observer the level policy runs its order in place
// (Propagation::run_level_order), a separate path: it must end every action
// exactly as the calculus policy, the specification, does.

#include <gtest/gtest.h>
#include <rapidcheck.h>

#include "core/policy.hpp"
#include "core/runtime.hpp"
#include "tests/core/runtime_test_support.hpp"

namespace frsim::core {
namespace {

using testing::Model;
using testing::Recorder;

void check_levels(const Runtime& rt) {
  for (ReactiveId r = 0; r < rt.size(); ++r) {
    for (ReactiveId i : rt.inputs(r)) {
      if (i == r) continue;  // a fold reads itself
      const bool below = rt.level(i) < rt.level(r);
      RC_ASSERT(below);
    }
  }
}

void check_values(const Runtime& rt, const Model& model) {
  RC_ASSERT(rt.size() == model.values.size());
  for (ReactiveId r = 0; r < rt.size(); ++r) RC_ASSERT(rt.value(r) == model.values[r]);
}

TEST(PropagationProperty, LevelCalculusAndReferenceAgree) {
  testing::check_cases(1000, [] {
    const auto program = *testing::gen_program(/*with_division=*/true);
    const auto choices = *rc::gen::nonEmpty(rc::gen::container<std::vector<std::uint32_t>>(
        rc::gen::arbitrary<std::uint32_t>()));
    std::size_t next_choice = 0;
    Chooser chooser = [&](std::span<const ReactiveId> ready) {
      return choices[next_choice++ % choices.size()] % ready.size();
    };

    Snapshot level_sigma;
    Snapshot calculus_sigma;
    Recorder level_events;
    Recorder calculus_events;
    Runtime level(level_sigma, {level_policy(), &level_events});
    Runtime calculus(calculus_sigma, {calculus_policy(chooser), &calculus_events});
    Model model;

    for (const auto& spec : program.nodes) {
      const auto added = model.add(spec);
      if (!added.created) {
        RC_ASSERT_THROWS_AS(testing::create(level, added.node), InvalidOperation);
        RC_ASSERT_THROWS_AS(testing::create(calculus, added.node), InvalidOperation);
        RC_ASSERT_THROWS_AS(testing::create(calculus, added.node), InvalidOperation);
        continue;
      }
      const ReactiveId a = testing::create(level, added.node);
      const ReactiveId b = testing::create(calculus, added.node);
      RC_ASSERT(a == model.nodes.size() - 1);
      RC_ASSERT(b == a);
    }
    check_values(level, model);
    check_values(calculus, model);

    for (const auto& spec : program.actions) {
      const auto action = model.resolve(spec);
      if (!action) break;
      const ReactiveId target = action->first;
      const Value& v = action->second;
      const std::uint64_t before = level.fingerprint();
      const ActionResult by_level = level.fire(target, v);
      const ActionResult by_calculus = calculus.fire(target, v);
      const bool by_model = model.fire(target, v);
      RC_ASSERT(by_level.committed == by_model);
      RC_ASSERT(by_calculus.committed == by_model);
      if (!by_model) {
        RC_ASSERT(by_level.invalid_op == std::optional(InvalidOp::integer_division));
        RC_ASSERT(by_calculus.invalid_op == std::optional(InvalidOp::integer_division));
        RC_ASSERT(level.fingerprint() == before);
      }
      RC_ASSERT(!level.propagating());
      RC_ASSERT(!calculus.propagating());
      check_values(level, model);
      check_values(calculus, model);
      RC_ASSERT(level.fingerprint() == calculus.fingerprint());
      RC_ASSERT(level_sigma.fingerprint() == calculus_sigma.fingerprint());
      check_levels(level);
    }
    RC_ASSERT(level_events.violations() == "");
    RC_ASSERT(calculus_events.violations() == "");
  });
}

// The level order in place (no observer) against the calculus policy with
// random choices: the same commit or abort, the same store µ, levels and Σ
// after every action, and an abort leaves µ as before it. With `cutoff`, the
// level order stops at equal values (RuntimeOptions::equal_value_cutoff, not
// the calculus) where everything below is a plain Map: the same must hold,
// folds below included (a fold folds on every activation of its input, equal
// value or not). The division maps collapse values, so cut-offs happen; the
// folds, flattens and selectors are where it must not.
void check_level_order_against_the_calculus(bool cutoff) {
  testing::check_cases(1000, [cutoff] {
    const auto program = *testing::gen_program(/*with_division=*/true, /*nodes_max=*/24, /*actions_max=*/12);
    const auto choices = *rc::gen::nonEmpty(rc::gen::container<std::vector<std::uint32_t>>(
        rc::gen::arbitrary<std::uint32_t>()));
    std::size_t next_choice = 0;
    Chooser chooser = [&](std::span<const ReactiveId> ready) {
      return choices[next_choice++ % choices.size()] % ready.size();
    };

    Snapshot fast_sigma;
    Snapshot calculus_sigma;
    RuntimeOptions options{level_policy(), nullptr};
    options.equal_value_cutoff = cutoff;
    Runtime fast(fast_sigma, std::move(options));
    Runtime calculus(calculus_sigma, {calculus_policy(chooser), nullptr});
    Model model;
    for (const auto& spec : program.nodes) {
      const auto added = model.add(spec);
      if (!added.created) continue;
      RC_ASSERT(testing::create(fast, added.node) == testing::create(calculus, added.node));
    }
    for (const auto& spec : program.actions) {
      const auto action = model.resolve(spec);
      if (!action) break;
      const std::uint64_t before = fast.fingerprint();
      const ActionResult by_fast = fast.fire(action->first, action->second);
      const ActionResult by_calculus = calculus.fire(action->first, action->second);
      const bool by_model = model.fire(action->first, action->second);
      RC_ASSERT(by_fast.committed == by_model);
      RC_ASSERT(by_calculus.committed == by_model);
      RC_ASSERT(by_fast.invalid_op == by_calculus.invalid_op);
      if (!by_model) RC_ASSERT(fast.fingerprint() == before);
      RC_ASSERT(!fast.propagating());
      check_values(fast, model);
      RC_ASSERT(fast.fingerprint() == calculus.fingerprint());
      RC_ASSERT(fast_sigma.fingerprint() == calculus_sigma.fingerprint());
      RC_ASSERT(fast_sigma.commits == calculus_sigma.commits);
      for (ReactiveId r = 0; r < fast.size(); ++r) RC_ASSERT(fast.inputs(r) == calculus.inputs(r));
      check_levels(fast);
    }
  });
}

TEST(PropagationProperty, LevelOrderInPlaceAgreesWithTheCalculus) { check_level_order_against_the_calculus(false); }

TEST(PropagationProperty, CutoffAtEqualValuesAgreesWithTheCalculus) { check_level_order_against_the_calculus(true); }

// What the cut-off saves and where it stops: a chain source -> x/10 -> +1
// -> +2 runs the two maps after the division only when x/10 changes; a fold
// counting the activations of a map of the division's result is activated
// by every write, as in the calculus.
TEST(PropagationProperty, CutoffStopsBelowAnUnchangedMapButNotAboveAFold) {
  for (const bool with_fold : {false, true}) {
    Snapshot sigma;
    RuntimeOptions options{level_policy(), nullptr};
    options.equal_value_cutoff = true;
    Runtime rt(sigma, std::move(options));
    int below = 0;
    const ReactiveId x = rt.source(Value::integer(0));
    const ReactiveId tenth = rt.map({x}, [](std::span<const Value> in) { return Value::integer(in[0].as_int() / 10); });
    const ReactiveId one = rt.map({tenth}, [&below](std::span<const Value> in) {
      ++below;
      return Value::integer(in[0].as_int() + 1);
    });
    const ReactiveId two = rt.map({one}, [&below](std::span<const Value> in) {
      ++below;
      return Value::integer(in[0].as_int() + 2);
    });
    const ReactiveId count =
        with_fold ? rt.fold(two, Value::integer(0), [](const Value& n, const Value&) { return Value::integer(n.as_int() + 1); })
                  : two;
    below = 0;
    for (std::int64_t v = 1; v <= 20; ++v) ASSERT_TRUE(rt.fire(x, Value::integer(v)).committed);
    EXPECT_EQ(rt.value(two).as_int(), 2 + 3);
    if (with_fold) {
      EXPECT_EQ(below, 40) << "a fold below: every write reevaluates the chain (Fig. 8)";
      EXPECT_EQ(rt.value(count).as_int(), 20);
    } else {
      EXPECT_EQ(below, 4) << "x/10 changed twice (at 10 and 20): two maps each time";
    }
  }
}

}  // namespace
}  // namespace frsim::core
