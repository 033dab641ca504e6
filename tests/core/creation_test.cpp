// Creation inside operators (Fig. 6 applied in an operator's body,
// core/README.md "Creation") and its restoration (Lemmas 4.21-4.22, Thm.
// 4.24): a crash is "destroy the Runtime", a restart is "a new Runtime over
// the same Snapshot, the creation code, then replay_creations()".

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <memory>
#include <string>

#include "core/policy.hpp"
#include "core/runtime.hpp"
#include "tests/core/runtime_test_support.hpp"

namespace frsim::core {
namespace {

Value twice(const Value& v) { return Value::integer(v.as_int() * 2); }

// The application: "add" (a source); "items", a fold that creates, for every
// value v fired on "add", a Source labelled item<v> holding v and a Map
// double<v> over it, and keeps the references; "count", a map over items.
struct App {
  Snapshot sigma;
  RuntimeOptions options;

  std::unique_ptr<Runtime> start(bool replay = true) {
    auto rt = std::make_unique<Runtime>(sigma, options);
    const auto add = rt->source(Value::integer(0), "add");
    const auto items = rt->fold(
        add, Value::list({}),
        [](const Value& state, const Value& v, Creation& create) {
          if (v.as_int() < 0) throw Error("negative");
          ValueList refs(state.as_list().begin(), state.as_list().end());
          const Value item = create.source(v, "item" + std::to_string(v.as_int()));
          refs.push_back(item);
          refs.push_back(create.map({item}, [](std::span<const Value> in) { return twice(in[0]); },
                                    "double" + std::to_string(v.as_int())));
          if (v.as_int() == 13) throw Error("unlucky");  // after creating: the abort must undo it
          return Value::list(std::move(refs));
        },
        "items");
    rt->map({items}, [](std::span<const Value> in) { return Value::integer(static_cast<std::int64_t>(in[0].as_list().size())); },
            "count");
    if (replay) rt->replay_creations();
    return rt;
  }
};

TEST(Creation, AFoldCreatesAtTheNextLocationAndTheReferenceIsAValue) {
  App app;
  auto rt = app.start();
  ASSERT_EQ(rt->size(), 3u);
  ASSERT_TRUE(rt->fire(0, Value::integer(5)).committed);
  // location(µ): the next dense ids, in creation order.
  ASSERT_EQ(rt->size(), 5u);
  EXPECT_EQ(rt->kind(3), ReactiveKind::source);
  EXPECT_EQ(rt->label(3), "item5");
  EXPECT_EQ(rt->value(3), Value::integer(5));
  EXPECT_EQ(rt->kind(4), ReactiveKind::map);
  EXPECT_EQ(rt->value(4), Value::integer(10));
  EXPECT_EQ(rt->value(1), Value::list({Value::ref(3), Value::ref(4)}));
  EXPECT_EQ(rt->value(2), Value::integer(2));
  // The created source is an ordinary source: it can be fired, and its map follows.
  ASSERT_TRUE(rt->fire(3, Value::integer(7)).committed);
  EXPECT_EQ(rt->value(4), Value::integer(14));
}

TEST(Creation, SigmaGetsCreatedSourcesAndTheRecordAtCommitOnly) {
  App app;
  app.options.policy = calculus_policy();
  auto rt = app.start();
  ASSERT_FALSE(rt->begin_fire(0, Value::integer(5)).committed);
  rt->step(1);  // items: creates item5 and double5
  EXPECT_TRUE(rt->propagating());
  EXPECT_EQ(rt->size(), 5u);
  EXPECT_FALSE(app.sigma.values.contains(3));  // Σ changes only at (commit)
  EXPECT_TRUE(app.sigma.creations.empty());
  ASSERT_TRUE(rt->finish().committed);
  EXPECT_EQ(app.sigma.values.at(3), Value::integer(5));
  ASSERT_EQ(app.sigma.creations.size(), 1u);
  EXPECT_EQ(app.sigma.creations[0].creator, 1u);
  EXPECT_EQ(app.sigma.creations[0].first, 3u);
  EXPECT_EQ(app.sigma.creations[0].count, 2u);
}

TEST(Creation, AnAbortedPropagationCreatedNothing) {
  App app;
  auto rt = app.start();
  ASSERT_TRUE(rt->fire(0, Value::integer(1)).committed);
  const Snapshot before = app.sigma;
  const auto fingerprint = rt->fingerprint();
  const auto result = rt->fire(0, Value::integer(13));
  EXPECT_FALSE(result.committed);
  EXPECT_EQ(rt->size(), 5u);
  EXPECT_EQ(rt->fingerprint(), fingerprint);
  EXPECT_EQ(app.sigma, before);
  EXPECT_FALSE(rt->find("item13").has_value());
  // The locations are free again.
  ASSERT_TRUE(rt->fire(0, Value::integer(2)).committed);
  EXPECT_EQ(rt->label(5), "item2");
}

// Runtime::labels_hash is computed once per graph: a copy sharing the graph
// has it, and every change of the graph (a creation, mid-propagation too;
// an abort that removes one) gives the hash of the labels it then holds, as
// a runtime built anew with the same labels computes it.
TEST(Creation, TheLabelsHashFollowsTheGraphAcrossCopiesCreationsAndAborts) {
  App app;
  app.options.policy = calculus_policy();
  auto rt = app.start();
  const auto initial = rt->labels_hash();

  // A creation in the graph this runtime alone holds (changed in place).
  ASSERT_FALSE(rt->begin_fire(0, Value::integer(5)).committed);
  rt->step(1);  // items: creates item5 and double5
  ASSERT_EQ(rt->size(), 5u);
  const auto five = rt->labels_hash();
  EXPECT_NE(five, initial);
  ASSERT_TRUE(rt->finish().committed);
  EXPECT_EQ(rt->labels_hash(), five);

  // A copy shares the graph and its hash; a creation gives the runtime a graph of its own.
  Snapshot copy_sigma = app.sigma;
  const Runtime copy(*rt, copy_sigma, nullptr);
  EXPECT_EQ(copy.labels_hash(), five);
  ASSERT_TRUE(rt->fire(0, Value::integer(7)).committed);
  const auto seven = rt->labels_hash();
  EXPECT_NE(seven, five);
  EXPECT_EQ(copy.labels_hash(), five);

  EXPECT_FALSE(rt->fire(0, Value::integer(13)).committed);  // creates item13, then aborts
  EXPECT_EQ(rt->labels_hash(), seven);

  // The same creation code over the same Σ: the same labels, the same hash.
  auto restarted = app.start();
  ASSERT_EQ(restarted->size(), 7u);
  EXPECT_EQ(restarted->labels_hash(), seven);
  App other;
  EXPECT_EQ(other.start()->labels_hash(), initial);
}

TEST(Creation, ACreatedFoldOverAnActiveInputIsReevaluatedInTheSamePropagation) {
  Snapshot sigma;
  testing::Recorder recorder;
  Runtime rt(sigma, RuntimeOptions{level_policy(), &recorder});
  const auto s = rt.source(Value::integer(0), "s");
  rt.fold(s, Value::unit(), [s](const Value& state, const Value&, Creation& create) {
    if (!state.is_unit()) return state;
    return create.fold(Value::ref(s), Value::integer(100),
                       [](const Value& sum, const Value& v) { return Value::integer(sum.as_int() + v.as_int()); },
                       "sum");
  });
  ASSERT_TRUE(rt.fire(s, Value::integer(3)).committed);
  const auto sum = rt.find("sum");
  ASSERT_TRUE(sum.has_value());
  EXPECT_EQ(rt.value(*sum), Value::integer(103));  // outdated(A, µ): s is active
  EXPECT_EQ(recorder.violations(), "");
  ASSERT_TRUE(rt.fire(s, Value::integer(4)).committed);
  EXPECT_EQ(rt.value(*sum), Value::integer(107));
  EXPECT_EQ(rt.size(), 3u);
}

TEST(Creation, ARestartReplaysTheCreationsAtTheSameLocationsWithTheirValues) {
  App app;
  auto rt = app.start();
  for (int v : {4, 6}) ASSERT_TRUE(rt->fire(0, Value::integer(v)).committed);
  ASSERT_TRUE(rt->fire(5, Value::integer(60)).committed);  // item6 fired after its creation
  const auto size = rt->size();
  std::vector<Value> values;
  for (ReactiveId r = 0; r < size; ++r) values.push_back(rt->value(r));
  rt.reset();  // crash
  auto restarted = app.start();
  ASSERT_EQ(restarted->size(), size);
  for (ReactiveId r = 0; r < size; ++r) EXPECT_EQ(restarted->value(r), values[r]) << "r" << r;
  EXPECT_EQ(restarted->label(5), "item6");
  EXPECT_EQ(restarted->value(6), Value::integer(120));
  // Actions after the restart cause the same changes (Lemma 4.23).
  ASSERT_TRUE(restarted->fire(5, Value::integer(1)).committed);
  EXPECT_EQ(restarted->value(6), Value::integer(2));
}

TEST(Creation, WithoutTheReplayTheCreatedReactivesAreRestoredConstantsOnly) {
  App app;
  auto rt = app.start();
  ASSERT_TRUE(rt->fire(0, Value::integer(4)).committed);
  rt.reset();
  app.options.forget_dynamic_creation = true;  // the mutant
  auto restarted = app.start();
  EXPECT_EQ(restarted->size(), 3u);
  // §3.2: the nested values are there, as constants (resolve finds them).
  EXPECT_EQ(restarted->value(3), Value::integer(4));
}

// Thm. 4.24 for creations after the creation prefix: whatever is fired, a
// crash after any prefix of it and a restart rebuild the store exactly, and
// the rest of the schedule then ends in the same store as without the crash.
RC_GTEST_PROP(Creation, ACrashAfterAnyPrefixRestoresEveryCreatedReactive, ()) {
  const auto fires = *rc::gen::container<std::vector<int>>(rc::gen::inRange(0, 20));
  const auto crash_at = *rc::gen::inRange<std::size_t>(0, fires.size() + 1);
  App original;
  App crashed;
  auto a = original.start();
  auto b = crashed.start();
  for (std::size_t i = 0; i < fires.size(); ++i) {
    if (i == crash_at) {
      b.reset();
      b = crashed.start();
      RC_ASSERT(b->size() == a->size());
      for (ReactiveId r = 0; r < a->size(); ++r) {
        RC_ASSERT(b->kind(r) == a->kind(r));
        RC_ASSERT(b->label(r) == a->label(r));
        RC_ASSERT(b->value(r) == a->value(r));
      }
    }
    // Fire "add", or an item created so far (the newest but one).
    const ReactiveId target = fires[i] % 3 == 0 && a->size() > 4 ? static_cast<ReactiveId>(a->size() - 2) : 0;
    RC_ASSERT(a->fire(target, Value::integer(fires[i])).committed == b->fire(target, Value::integer(fires[i])).committed);
  }
  RC_ASSERT(a->fingerprint() == b->fingerprint());
  RC_ASSERT(original.sigma.fingerprint() == crashed.sigma.fingerprint());
}

// A workload action's creation (sim::Action::create): the creation code
// defines "task", which creates a Source holding the argument and a Map
// shouting it; the action runs it after the creation prefix.
struct TaskApp {
  Snapshot sigma;
  RuntimeOptions options;

  std::unique_ptr<Runtime> start() {
    auto rt = std::make_unique<Runtime>(sigma, options);
    rt->source(Value::integer(0), "clicks");
    rt->define_creation("task", [](Creation& create, const Value& title) {
      const Value task = create.source(title, "task:" + title.as_string());
      create.map({task}, [](std::span<const Value> in) { return Value::string(in[0].as_string() + "!"); });
    });
    rt->replay_creations();
    return rt;
  }
};

TEST(Creation, AWorkloadActionsCreationIsRecordedInSigmaAndReplayedAtRestart) {
  TaskApp app;
  auto rt = app.start();
  rt->create("task", Value::string("milk"));
  rt->create("task", Value::string("eggs"));
  ASSERT_EQ(rt->size(), 5u);
  ASSERT_TRUE(rt->fire(3, Value::string("bread")).committed);  // the second task, renamed
  ASSERT_EQ(app.sigma.creations.size(), 2u);
  EXPECT_EQ(app.sigma.creations[1].creator, action_creator);
  EXPECT_EQ(app.sigma.creations[1].first, 3u);
  const auto fingerprint = rt->fingerprint();
  rt.reset();  // crash
  auto restarted = app.start();
  ASSERT_EQ(restarted->size(), 5u);
  EXPECT_EQ(restarted->label(3), "task:eggs");
  EXPECT_EQ(restarted->value(3), Value::string("bread"));  // Σ's value (lookup), not the argument
  EXPECT_EQ(restarted->value(4), Value::string("bread!"));
  EXPECT_EQ(restarted->fingerprint(), fingerprint);
  EXPECT_EQ(app.sigma.creations.size(), 2u);  // the replay records nothing again
  // Without the replay (the mutant) the tasks are restored constants only.
  rt = std::move(restarted);
  rt.reset();
  app.options.forget_dynamic_creation = true;
  EXPECT_EQ(app.start()->size(), 1u);
}

TEST(Creation, AnUnknownProcedureOrOneDuringAPropagationIsAnError) {
  TaskApp app;
  auto rt = app.start();
  EXPECT_THROW(rt->create("nothing", Value::unit()), Error);
  EXPECT_THROW(rt->define_creation("task", [](Creation&, const Value&) {}), Error);
  rt->create("task", Value::string("x"));  // creates: fine
  rt->define_creation("quiet", [](Creation&, const Value&) {});
  rt->create("quiet", Value::unit());  // creates nothing: no record
  EXPECT_EQ(app.sigma.creations.size(), 1u);
}

}  // namespace
}  // namespace frsim::core
