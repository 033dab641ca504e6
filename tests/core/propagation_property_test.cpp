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
// after every action, and an abort leaves µ as before it.
TEST(PropagationProperty, LevelOrderInPlaceAgreesWithTheCalculus) {
  testing::check_cases(1000, [] {
    const auto program = *testing::gen_program(/*with_division=*/true, /*nodes_max=*/24, /*actions_max=*/12);
    const auto choices = *rc::gen::nonEmpty(rc::gen::container<std::vector<std::uint32_t>>(
        rc::gen::arbitrary<std::uint32_t>()));
    std::size_t next_choice = 0;
    Chooser chooser = [&](std::span<const ReactiveId> ready) {
      return choices[next_choice++ % choices.size()] % ready.size();
    };

    Snapshot fast_sigma;
    Snapshot calculus_sigma;
    Runtime fast(fast_sigma, {level_policy(), nullptr});
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

}  // namespace
}  // namespace frsim::core
