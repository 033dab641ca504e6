// The bug zoo of issue 4, program bugs: each deliberately broken scenario is
// caught by its expected property on seeded random schedules, with a finding
// that names the property, the device and the reactive (or Lo service); and
// lo-failure judged complete — it holds on lo-bank and catches a broken
// worker that does not halt a failed task.

#include <algorithm>

#include <fmt/format.h>

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "checker/properties/lo_failure.hpp"
#include "sim/explore/explore.hpp"
#include "checker/properties/lo_one_response.hpp"
#include "scenarios/registry.hpp"
#include "sim/lo/system.hpp"
#include "sim/prng.hpp"
#include "support.hpp"

namespace frsim::checker {
namespace {

using core::Value;
namespace lo = sim::lo;

// ---- the program bugs ---------------------------------------------------------

struct Expected {
  const char* scenario;
  const char* property;
  const char* reactive;   // label (or Lo service) the finding must name
  std::uint64_t seeds;    // random schedules searched
  // The property that sees the bug first with every property watching, when
  // it is not `property` (the cause before its consequence: a merge that is
  // not a join before the divergence it causes).
  const char* first = nullptr;
  std::size_t steps_max = 200;  // per random schedule
};

class BugScenario : public ::testing::TestWithParam<Expected> {};

// The whole checker (every property) flags the scenario with its expected
// property first, and the finding says where.
TEST_P(BugScenario, IsCaughtByItsExpectedProperty) {
  const Expected& x = GetParam();
  const auto s = scenarios::get(x.scenario);
  ASSERT_EQ(s->expected_violation, x.property);
  const auto found = testing::search(*s, s->defaults, x.seeds);
  ASSERT_TRUE(found.has_value()) << x.scenario << ": no finding in " << x.seeds << " schedules";
  const sim::Finding& f = *found->finding;
  const std::string first = x.first != nullptr ? x.first : x.property;
  EXPECT_EQ(f.property, first) << f.message;
  EXPECT_EQ(f.reactive, x.reactive) << f.message;
  EXPECT_LT(f.device, s->defaults.devices) << f.message;
  EXPECT_NE(f.message.find(fmt::format("d{}", f.device)), std::string::npos) << f.message;
  // The finding replays: the same choices give the same verdict.
  const auto again = replay(*s, s->defaults, 1, found->choices);
  ASSERT_TRUE(again.finding.has_value());
  EXPECT_EQ(again.finding->property, first);
}

// The expected property alone also catches it (not only as a side effect of another).
TEST_P(BugScenario, ItsPropertyAloneCatchesIt) {
  const Expected& x = GetParam();
  const auto s = scenarios::get(x.scenario);
  const auto found = testing::search(*s, s->defaults, x.seeds, CheckOptions{{x.property}}, x.steps_max);
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->finding->property, x.property);
}

INSTANTIATE_TEST_SUITE_P(
    Zoo, BugScenario,
    ::testing::Values(Expected{"bug-lww-tie", "convergence", "title", 30, "lattice-laws"},
                      Expected{"bug-lasp-map-no-metadata", "sequential-spec", "B", 20},
                      Expected{"bug-lo-double-response", "lo-one-response", "quote", 3},
                      Expected{"bug-max-counter", "sequential-spec", "count", 20},
                      Expected{"bug-intersection-set", "sequential-spec", "participants", 20},
                      // A walk to the end lets the two replicas agree by chance; healing
                      // from short prefixes is where they swap forever.
                      Expected{"bug-arrival-register", "convergence", "status", 10, "lattice-laws", 3},
                      Expected{"bug-sum-merge", "lattice-laws", "clicks", 5},
                      Expected{"bug-non-associative-merge", "lattice-laws", "winner", 40},
                      Expected{"bug-impure-operator", "confluence", "amount", 3}),
    [](const auto& info) {
      std::string name = info.param.scenario;
      std::replace(name.begin(), name.end(), '-', '_');
      return name;
    });

// The tie is the bug: where one rename reaches a device before its own, there
// is no tie and the register converges. Both kinds of schedule occur.
TEST(BugLwwTie, DivergesOnlyWhenConcurrentRenamesTie) {
  const auto s = scenarios::get("bug-lww-tie");
  std::size_t caught = 0;
  std::size_t clean = 0;
  for (std::uint64_t seed = 1; seed <= 30; ++seed) {
    const auto r = testing::random_run(*s, s->defaults, seed, CheckOptions{{"convergence"}});
    if (r.finding) {
      ++caught;
      ASSERT_EQ(r.finding->property, "convergence");
      ASSERT_EQ(r.finding->values.size(), 2U);
      EXPECT_NE(r.finding->values[0], r.finding->values[1]);
      // Equal versions, different titles: a tie, resolved differently per replica.
      const auto version = [](const std::string& printed) { return printed.substr(0, printed.find(',')); };
      EXPECT_EQ(version(r.finding->values[0]), version(r.finding->values[1]));
    } else {
      ++clean;
    }
  }
  EXPECT_GT(caught, 0U);
  EXPECT_GT(clean, 0U);
}

// The correct program with the same shape (lasp-map: B = map(f, A) with A's
// dots) holds where the metadata-free one fails.
TEST(BugLaspMapNoMetadata, TheMapWithMetadataHoldsOnTheSameSchedules) {
  const auto good = scenarios::get("lasp-map");
  auto config = good->defaults;
  config.drops = config.dups = config.crashes = 0;
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    const auto r = testing::random_run(*good, config, seed, CheckOptions{{"convergence", "sequential-spec"}});
    ASSERT_FALSE(r.finding.has_value()) << "seed " << seed << ": " << r.finding->message;
  }
}

// ---- lo-one-response: the substrate refuses, the stream still shows it -----------

struct LoHarness {
  std::shared_ptr<const sim::Scenario> scenario = scenarios::get("lo-bank");
  sim::World world{*scenario, scenario->defaults, 1};  // only the properties' world argument
  std::vector<sim::Event> events;
  LoOneResponse one_response;
  LoFailure failure;
  std::uint64_t step = 0;
  lo::System system;

  explicit LoHarness(std::uint32_t devices)
      : system(devices, sim::NestedPolicy::inner_while_outer_waits, [this](sim::Event e) {
          e.step = step;
          one_response.on_event(e, world);
          failure.on_event(e, world);
          events.push_back(std::move(e));
        }) {}

  // Runs random Lo steps until none is enabled or lo-failure has a finding
  // (a task the broken worker keeps alive runs on in states its procedure
  // never expects); false if `steps_max` ran out first.
  bool run_random(std::uint64_t seed, std::size_t steps_max = 10000) {
    sim::Prng prng(seed);
    for (std::size_t i = 0; i < steps_max; ++i) {
      if (failure.finding()) return true;
      const auto steps = system.enabled();
      if (steps.empty()) {
        failure.on_schedule_end(world);
        return true;
      }
      ++step;
      system.apply(steps[static_cast<std::size_t>(prng.below(steps.size()))]);
    }
    return false;
  }
  std::size_t count(sim::EventKind kind, std::string_view text_part) const {
    return static_cast<std::size_t>(std::count_if(events.begin(), events.end(), [&](const sim::Event& e) {
      return e.kind == kind && e.text.find(text_part) != std::string::npos;
    }));
  }
};

TEST(LoOneResponse, SeesASecondResponseThatTheSubstrateRefuses) {
  LoHarness h(2);
  const auto s = scenarios::get("bug-lo-double-response");
  for (const auto& service : s->services) h.system.install(1, service.name, service.procedure);
  const auto request = h.system.user_request(0, *h.system.find(1, "quote"), Value::integer(500));
  ASSERT_TRUE(h.run_random(1));
  // The substrate's guarantee stands: one response posted, one delivered.
  EXPECT_EQ(h.system.responses_sent(request), 1U);
  ASSERT_EQ(h.system.user_inbox(0).size(), 1U);
  EXPECT_EQ(h.system.user_inbox(0)[0].kind, lo::MessageKind::failure);
  EXPECT_EQ(h.count(sim::EventKind::response, "refused"), 1U);
  EXPECT_EQ(h.count(sim::EventKind::aborted, "lo task"), 1U);
  ASSERT_TRUE(h.one_response.finding().has_value());
  EXPECT_EQ(h.one_response.finding()->device, 1U);
  EXPECT_EQ(h.one_response.finding()->reactive, "quote");
  EXPECT_NE(h.one_response.finding()->message.find(fmt::format("#{}", request)), std::string::npos);
  // The refusal came before the halt: the halted task did nothing more.
  EXPECT_FALSE(h.failure.finding().has_value());
}

TEST(LoOneResponse, HoldsForAServiceThatAnswersOnce) {
  LoHarness h(2);
  const auto s = scenarios::get("bug-lo-double-response");
  for (const auto& service : s->services) h.system.install(1, service.name, service.procedure);
  h.system.user_request(0, *h.system.find(1, "quote"), Value::integer(5));
  ASSERT_TRUE(h.run_random(1));
  EXPECT_EQ(h.count(sim::EventKind::response, "lo success"), 1U);
  EXPECT_FALSE(h.one_response.finding().has_value());
}

// ---- lo-failure: complete, on the real lo-bank services ---------------------------

// lo-bank's services on a standalone substrate; the transfers of its workload
// (two of which fail with subrequests pending) issued from every device.
struct LoBank : LoHarness {
  explicit LoBank(lo::FailureHandling handling) : LoHarness(3) {
    system.set_failure_handling(handling);
    for (std::uint32_t d = 0; d < 3; ++d) {
      for (const auto& service : scenario->services) system.install(d, service.name, service.procedure);
    }
    for (std::uint32_t d = 0; d < 3; ++d) {
      for (const auto& action : scenario->workload(d, 3)) {
        if (action.kind == sim::Action::Kind::request) {
          system.user_request(d, *system.find(d, action.target), action.value);
        }
      }
    }
  }
};

TEST(LoFailure, HoldsOnLoBankWithEveryFailedTaskHalted) {
  std::size_t halted_with_pending = 0;
  std::size_t dropped = 0;
  for (std::uint64_t seed = 1; seed <= 100; ++seed) {
    LoBank h(lo::FailureHandling::halt);
    ASSERT_TRUE(h.run_random(seed));
    ASSERT_FALSE(h.failure.finding().has_value()) << "seed " << seed << ": " << h.failure.finding()->message;
    ASSERT_FALSE(h.one_response.finding().has_value()) << h.one_response.finding()->message;
    halted_with_pending += h.count(sim::EventKind::aborted, "; pending #");
    dropped += h.count(sim::EventKind::dropped, "its requesting task has failed");
  }
  // Not vacuous: tasks did halt with subrequests out, and responses were dropped.
  EXPECT_GT(halted_with_pending, 0U);
  EXPECT_GT(dropped, 0U);
}

TEST(LoFailure, CatchesAWorkerThatKeepsAFailedTaskAlive) {
  std::size_t caught = 0;
  for (std::uint64_t seed = 1; seed <= 100; ++seed) {
    LoBank h(lo::FailureHandling::keep_task);
    ASSERT_TRUE(h.run_random(seed));
    if (!h.failure.finding()) continue;
    ++caught;
    const sim::Finding& f = *h.failure.finding();
    EXPECT_EQ(f.property, "lo-failure");
    // The failing tellers are those of d1 (a zero fee divisor) and d2 (no account "dave").
    EXPECT_NE(f.device, 0U) << f.message;
    EXPECT_EQ(f.reactive, "bank") << f.message;
  }
  // d2's teller always halts with two subrequests out, whose responses then reach it.
  EXPECT_EQ(caught, 100U);
}

// Both halves of (b), on hand-ordered schedules: a response already queued
// when its task fails, and one arriving after. d0 "outer" asks d1 "inner"
// twice and divides by zero on the first response.
struct Halting : LoHarness {
  lo::Address inner, outer;
  std::uint64_t resp1 = 0, resp2 = 0;
  explicit Halting(lo::FailureHandling handling) : LoHarness(2) {
    system.set_failure_handling(handling);
    inner = system.install(1, "inner", [](lo::TaskContext& ctx) { ctx.respond(true, ctx.message().payload); });
    outer = system.install(0, "outer", [this](lo::TaskContext& ctx) {
      if (!ctx.is_response()) {
        ctx.request(ctx.lookup(1, "inner"), Value::integer(1));
        ctx.request(ctx.lookup(1, "inner"), Value::integer(2));
        return;
      }
      ctx.env()["quotient"] = Value::integer(core::checked::divide(1, 0));
    });
    deliver(system.user_request(0, outer, Value()));
    run(outer);
    const auto sub1 = system.in_flight().at(0).id;
    const auto sub2 = system.in_flight().at(1).id;
    deliver(sub1);
    deliver(sub2);
    run(inner);
    run(inner);
    resp1 = system.in_flight().at(0).id;
    resp2 = system.in_flight().at(1).id;
  }
  void deliver(std::uint64_t id) {
    ++step;
    system.apply(lo::System::Step{lo::System::Step::Kind::deliver, id, {}});
  }
  void run(lo::Address queue) {
    ++step;
    system.apply(lo::System::Step{lo::System::Step::Kind::run, 0, queue});
  }
};

TEST(LoFailure, ResponsesAlreadyQueuedForAHaltedTaskMustBeDropped) {
  for (auto handling : {lo::FailureHandling::halt, lo::FailureHandling::keep_task}) {
    Halting h(handling);
    h.deliver(h.resp1);
    h.deliver(h.resp2);  // queued behind resp1
    h.run(h.outer);      // resp1 divides by zero; resp2 waits in the queue
    h.failure.on_schedule_end(h.world);
    if (handling == lo::FailureHandling::halt) {
      EXPECT_FALSE(h.failure.finding().has_value()) << h.failure.finding()->message;
      EXPECT_EQ(h.count(sim::EventKind::dropped, fmt::format("lo #{} response dropped", h.resp2)), 1U);
    } else {
      ASSERT_TRUE(h.failure.finding().has_value());
      EXPECT_EQ(h.failure.finding()->reactive, "outer");
      EXPECT_NE(h.failure.finding()->message.find(fmt::format("response #{}", h.resp2)), std::string::npos)
          << h.failure.finding()->message;
    }
  }
}

TEST(LoFailure, ResponsesArrivingAfterTheHaltMustBeDropped) {
  for (auto handling : {lo::FailureHandling::halt, lo::FailureHandling::keep_task}) {
    Halting h(handling);
    h.deliver(h.resp1);
    h.run(h.outer);       // fails while resp2 is in flight
    h.deliver(h.resp2);
    h.failure.on_schedule_end(h.world);
    if (handling == lo::FailureHandling::halt) {
      EXPECT_FALSE(h.failure.finding().has_value()) << h.failure.finding()->message;
      EXPECT_EQ(h.count(sim::EventKind::dropped, fmt::format("lo #{} response dropped", h.resp2)), 1U);
    } else {
      ASSERT_TRUE(h.failure.finding().has_value());
      EXPECT_EQ(h.failure.finding()->device, 0U);
      EXPECT_NE(h.failure.finding()->message.find("queued for the task after it halted"), std::string::npos)
          << h.failure.finding()->message;
    }
  }
}

// (a) on a crafted stream: an operation tagged with a halted task.
TEST(LoFailure, AHaltedTaskPerformsNoFurtherOperation) {
  LoHarness h(1);
  auto event = [&](sim::EventKind kind, std::uint64_t step, std::string text, std::uint64_t message) {
    sim::Event e;
    e.step = step;
    e.device = 0;
    e.kind = kind;
    e.message = message;
    e.text = std::move(text);
    h.failure.on_event(e, h.world);
  };
  event(sim::EventKind::aborted, 1, "lo task at d0/s1 halted: zero divisor [task 3 of svc; pending #7]", 5);
  event(sim::EventKind::response, 1, "lo failure #8 d0/s1 -> d0/s0 (answers #5) [task 3 of svc]", 8);
  EXPECT_FALSE(h.failure.finding().has_value());  // the worker's failure response
  event(sim::EventKind::request, 2, "lo request #9 d0/s1 -> d0/s2 [task 4 of svc]", 9);
  EXPECT_FALSE(h.failure.finding().has_value());  // another task of the same service
  event(sim::EventKind::sent, 3, "lo one-way #10 d0/s1 -> d0/s2 [task 3 of svc]", 10);
  ASSERT_TRUE(h.failure.finding().has_value());
  EXPECT_EQ(h.failure.finding()->reactive, "svc");
  EXPECT_NE(h.failure.finding()->message.find("task 3"), std::string::npos);
}

// (c) "the worker immediately halts execution of the procedure": a procedure
// that catches its invalid operation and answers success anyway. Lo's worker
// halts it all the same (a failure response); a worker that lets it carry on
// (FailureHandling::swallow) is caught.
struct Careless : LoHarness {
  explicit Careless(lo::FailureHandling handling) : LoHarness(2) {
    system.set_failure_handling(handling);
    const lo::Address svc = system.install(1, "careless", [](lo::TaskContext& ctx) {
      try {
        core::checked::divide(1, 0);
      } catch (const core::InvalidOperation&) {
        ctx.respond(true, Value::string("all fine"));
      }
    });
    system.user_request(0, svc, Value());
  }
};

// Runs `Harness` under Lo's worker (FailureHandling::halt), where lo-failure
// finds nothing and one `kind` event mentioning `what` shows the halt, and
// under the `broken` worker, where lo-failure must find it (at the service
// `service`, when one is given).
template <class Harness>
void expect_only_the_broken_worker_caught(lo::FailureHandling broken, sim::EventKind kind, std::string_view what,
                                          std::string_view service = {}) {
  for (auto handling : {lo::FailureHandling::halt, broken}) {
    Harness h(handling);
    ASSERT_TRUE(h.run_random(1));
    h.failure.on_schedule_end(h.world);
    if (handling == lo::FailureHandling::halt) {
      EXPECT_FALSE(h.failure.finding().has_value()) << h.failure.finding()->message;
      EXPECT_EQ(h.count(kind, what), 1U);
      continue;
    }
    ASSERT_TRUE(h.failure.finding().has_value());
    EXPECT_EQ(h.failure.finding()->property, "lo-failure");
    if (!service.empty()) {
      EXPECT_EQ(h.failure.finding()->reactive, service) << h.failure.finding()->message;
    }
  }
}

TEST(LoFailure, ATaskHaltsInTheStepOfItsInvalidOperationWhateverItsProcedureDoes) {
  expect_only_the_broken_worker_caught<Careless>(lo::FailureHandling::swallow, sim::EventKind::aborted, "halted",
                                                 "careless");
}

// (d) "services bound by a halted task stop": the task binds a nested
// service, sends it a message and then fails. Lo's worker stops the service
// (the message finds none); one that leaves it running
// (FailureHandling::keep_bound_services) is caught when it runs.
struct Binder : LoHarness {
  explicit Binder(lo::FailureHandling handling) : LoHarness(1) {
    system.set_failure_handling(handling);
    const lo::Address svc = system.install(0, "outer", [](lo::TaskContext& ctx) {
      const Value address = ctx.bind("inner", [](lo::TaskContext& inner) { inner.env()["ran"] = Value::boolean(true); });
      ctx.send(address, Value());
      core::checked::map_fetch(Value::map({}), Value::integer(1));
    });
    system.user_request(0, svc, Value());
  }
};

TEST(LoFailure, ServicesBoundByAHaltedTaskStop) {
  expect_only_the_broken_worker_caught<Binder>(lo::FailureHandling::keep_bound_services, sim::EventKind::dropped,
                                               "no service at");
}

// ---- the tag format -----------------------------------------------------------------

RC_GTEST_PROP(LoEventTag, ParsesWhatItPrints, ()) {
  lo::EventTag tag;
  tag.task = *rc::gen::inRange<std::uint64_t>(1, 1'000'000);
  tag.service = *rc::gen::container<std::string>(rc::gen::elementOf(std::string("abz-09 /[;#")));
  tag.pending = *rc::gen::container<std::vector<std::uint64_t>>(rc::gen::inRange<std::uint64_t>(0, 1'000'000));
  const std::string prefix = *rc::gen::element<std::string>("lo task at d0/s1 halted: x [task 2 of y]", "lo request #3");
  std::string text = prefix;
  text += " ";
  text += lo::to_string(tag);
  const auto parsed = lo::parse_tag(text);
  RC_ASSERT(parsed.has_value());
  RC_ASSERT(*parsed == tag);
}

TEST(LoEventTag, UntaggedAndMalformedTextsHaveNone) {
  EXPECT_FALSE(lo::parse_tag("lo request #3 d0/s0 -> d0/s1").has_value());
  EXPECT_FALSE(lo::parse_tag("lo request #3 [task x of y]").has_value());
  EXPECT_FALSE(lo::parse_tag("lo request #3 [task 4 of y; pending #a]").has_value());
  EXPECT_FALSE(lo::parse_tag("lo request #3 [task 4 of y").has_value());
}


// Issue 15: Lo messages are duplicated like FR ones; a ticket dispenser that
// answers a duplicated request again, with another ticket, is caught by the
// default campaign. Without Lo duplicates (the world before) nothing is found.
TEST(BugLoDuplicateRequest, IsCaughtByTheDefaultCampaignOnlyUnderDuplication) {
  const auto s = scenarios::get("bug-lo-duplicate-request");
  auto options = sim::explore::default_options(*s);
  options.limits.time_limit_seconds = 0;
  options.limits.states_max = 20000;
  const auto caught = sim::explore::default_campaign(*s, options, monitor_factory(*s));
  ASSERT_TRUE(caught.violation.has_value());
  EXPECT_EQ(caught.violation->finding.property, "lo-one-response");
  EXPECT_TRUE(caught.violation->finding.reactive == "take" || caught.violation->finding.reactive == "office")
      << caught.violation->finding.message;
  options.world.dups = 0;
  const auto clean = sim::explore::default_campaign(*s, options, monitor_factory(*s));
  EXPECT_FALSE(clean.violation.has_value()) << clean.violation->finding.message;
}

}  // namespace
}  // namespace frsim::checker
