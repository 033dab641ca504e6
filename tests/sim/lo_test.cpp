#include "sim/lo/system.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "core/error.hpp"

namespace frsim::sim::lo {
namespace {

using core::Value;

struct Harness {
  std::vector<Event> events;
  System system;
  explicit Harness(NestedPolicy policy = NestedPolicy::inner_while_outer_waits)
      : system(2, policy, [this](Event e) { events.push_back(std::move(e)); }) {}

  // Applies the enabled step for which `match` holds; false if none.
  template <class Match>
  bool step(Match match) {
    for (const auto& s : system.enabled()) {
      if (match(s)) {
        system.apply(s);
        return true;
      }
    }
    return false;
  }
  bool deliver(std::uint64_t id) {
    return step([id](const System::Step& s) { return s.kind == System::Step::Kind::deliver && s.message == id; });
  }
  bool run(Address a) {
    return step([a](const System::Step& s) { return s.kind == System::Step::Kind::run && s.queue == a; });
  }
  std::vector<std::uint64_t> in_flight_ids() const {
    std::vector<std::uint64_t> ids;
    for (const auto& m : system.in_flight()) ids.push_back(m.id);
    return ids;
  }
  bool dropped(std::uint64_t id) const {
    return std::any_of(events.begin(), events.end(),
                       [id](const Event& e) { return e.kind == EventKind::dropped && e.message == id; });
  }
};

// d1 "inner" echoes; d0 "outer" asks inner twice, then divides by zero on the
// first response.
struct DivisionByZero : Harness {
  Address inner, outer;
  std::uint64_t user_request = 0, sub1 = 0, sub2 = 0, resp1 = 0, resp2 = 0;
  DivisionByZero() {
    inner = system.install(1, "inner", [](TaskContext& ctx) { ctx.respond(true, ctx.message().payload); });
    outer = system.install(0, "outer", [this](TaskContext& ctx) {
      if (!ctx.is_response()) {
        ctx.request(ctx.lookup(1, "inner"), Value::integer(1));
        ctx.request(ctx.lookup(1, "inner"), Value::integer(2));
        return;
      }
      ctx.env()["quotient"] = Value::integer(core::checked::divide(1, 0));
    });
    user_request = system.user_request(0, outer, Value());
    EXPECT_TRUE(deliver(user_request));
    EXPECT_TRUE(run(outer));
    const auto subs = in_flight_ids();
    EXPECT_EQ(subs.size(), 2U);
    sub1 = subs.at(0);
    sub2 = subs.at(1);
    EXPECT_TRUE(deliver(sub1));
    EXPECT_TRUE(deliver(sub2));
    EXPECT_TRUE(run(inner));
    EXPECT_TRUE(run(inner));
    const auto responses = in_flight_ids();
    EXPECT_EQ(responses.size(), 2U);
    resp1 = responses.at(0);
    resp2 = responses.at(1);
    EXPECT_TRUE(deliver(resp1));
  }
  void expect_one_failure_to_the_user() {
    ASSERT_EQ(system.responses_sent(user_request), 1U);
    const auto flight = system.in_flight();
    const auto failure = std::find_if(flight.begin(), flight.end(), [this](const Message& m) {
      return m.kind == MessageKind::failure && m.request == user_request;
    });
    ASSERT_NE(failure, flight.end());
    EXPECT_TRUE(deliver(failure->id));
    ASSERT_EQ(system.user_inbox(0).size(), 1U);
    EXPECT_EQ(system.user_inbox(0)[0].kind, MessageKind::failure);
    EXPECT_EQ(system.live_tasks(), 0U);
  }
};

// Steps are listed as ids; describe() names them from the state they are
// enabled in: a delivery by its message's endpoints, a run by its queue's head.
TEST(Lo, DescribesAnEnabledStepFromTheState) {
  Harness h;
  const Address echo = h.system.install(1, "echo", [](TaskContext& ctx) { ctx.respond(true, ctx.message().payload); });
  const std::uint64_t request = h.system.user_request(1, echo, Value::integer(7));
  const auto steps = h.system.enabled();
  ASSERT_EQ(steps.size(), 1U);
  const Message* m = h.system.find_in_flight(request);
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(h.system.describe(steps[0]),
            fmt::format("lo deliver #{} {} -> {}", request, to_string(m->from), to_string(m->to)));
  ASSERT_TRUE(h.deliver(request));
  const auto runs = h.system.enabled();
  ASSERT_EQ(runs.size(), 1U);
  EXPECT_EQ(runs[0].kind, System::Step::Kind::run);
  EXPECT_EQ(h.system.describe(runs[0]), fmt::format("lo run {} #{}", to_string(echo), request));
}

TEST(Lo, DivisionByZeroDropsResponsesAlreadyQueued) {
  DivisionByZero h;
  ASSERT_TRUE(h.deliver(h.resp2));  // both responses wait in outer's queue
  ASSERT_TRUE(h.run(h.outer));      // the first one divides by zero
  EXPECT_TRUE(h.dropped(h.resp2));
  EXPECT_FALSE(h.run(h.outer));  // nothing left to run
  h.expect_one_failure_to_the_user();
}

TEST(Lo, DivisionByZeroDropsResponsesArrivingLater) {
  DivisionByZero h;
  ASSERT_TRUE(h.run(h.outer));  // fails while resp2 is still in flight
  EXPECT_FALSE(h.dropped(h.resp2));
  ASSERT_TRUE(h.deliver(h.resp2));
  EXPECT_TRUE(h.dropped(h.resp2));
  EXPECT_FALSE(h.run(h.outer));
  h.expect_one_failure_to_the_user();
}

enum class Op { respond_success, respond_failure, invalid_operation };

// Whatever a procedure does, the substrate answers a request at most once, and
// exactly once if the procedure answered or failed.
RC_GTEST_PROP(Lo, ARequestIsNeverAnsweredTwice, ()) {
  const auto ops = *rc::gen::container<std::vector<Op>>(
      rc::gen::element(Op::respond_success, Op::respond_failure, Op::invalid_operation));
  Harness h;
  const Address service = h.system.install(0, "svc", [ops](TaskContext& ctx) {
    for (auto op : ops) {
      if (op == Op::invalid_operation) core::checked::array_fetch(Value::list({}), 0);
      ctx.respond(op == Op::respond_success, Value::integer(1));
    }
  });
  const auto request = h.system.user_request(0, service, Value());
  while (h.step([](const System::Step&) { return true; })) {
  }
  const std::uint32_t expected = ops.empty() ? 0 : 1;
  RC_ASSERT(h.system.responses_sent(request) == expected);
  RC_ASSERT(h.system.user_inbox(0).size() == expected);
  if (!ops.empty()) {
    RC_ASSERT((h.system.user_inbox(0)[0].kind == MessageKind::success) == (ops[0] == Op::respond_success));
  }
}

TEST(Lo, OneWayMessagesGetNoResponse) {
  Harness h;
  const Address service = h.system.install(1, "sink", [](TaskContext& ctx) { ctx.env()["got"] = ctx.message().payload; });
  h.system.user_send(0, service, Value::integer(5));
  while (h.step([](const System::Step&) { return true; })) {
  }
  EXPECT_TRUE(h.system.user_inbox(0).empty());
  EXPECT_TRUE(h.system.in_flight().empty());
}

// An outer task binds a nested service, posts to it, and waits on a subrequest.
struct Nested : Harness {
  Address inner, outer, callback;
  explicit Nested(NestedPolicy policy) : Harness(policy) {
    inner = system.install(1, "inner", [](TaskContext& ctx) { ctx.respond(true, Value::integer(2)); });
    outer = system.install(0, "outer", [this](TaskContext& ctx) {
      if (ctx.is_response()) return;
      const Value bound = ctx.bind("callback", [](TaskContext& inner_ctx) { inner_ctx.env()["seen"] = Value::boolean(true); });
      callback = System::address_of(bound);
      ctx.env()["seen"] = Value::boolean(false);
      ctx.send(bound, Value::integer(7));
      ctx.request(ctx.lookup(1, "inner"), Value::integer(1));
    });
    system.user_request(0, outer, Value());
    EXPECT_TRUE(step([](const System::Step& s) { return s.kind == System::Step::Kind::deliver; }));
    EXPECT_TRUE(run(outer));
    // Deliver the one-way to the nested service (its queue is in outer's environment).
    deliver_all_to(callback);
  }
  void deliver_all_to(Address to) {
    const auto flight = system.in_flight();  // a copy: delivering changes it
    for (const auto& m : flight) {
      if (m.to == to) {
        EXPECT_TRUE(deliver(m.id));
      }
    }
  }
  bool callback_runnable() const {
    const auto steps = system.enabled();
    return std::any_of(steps.begin(), steps.end(), [this](const System::Step& s) {
      return s.kind == System::Step::Kind::run && s.queue == callback;
    });
  }
  void finish_outer() {
    deliver_all_to(inner);
    EXPECT_TRUE(run(inner));
    EXPECT_TRUE(step([](const System::Step& s) { return s.kind == System::Step::Kind::deliver; }));
    EXPECT_TRUE(run(outer));
  }
};

TEST(Lo, NestedServiceWaitsForItsOuterTaskUnderOuterFirst) {
  Nested h(NestedPolicy::outer_first);
  EXPECT_FALSE(h.callback_runnable());
  h.finish_outer();
  EXPECT_TRUE(h.callback_runnable());
}

TEST(Lo, NestedServiceMayRunWhileItsOuterTaskWaitsUnderTheException) {
  Nested h(NestedPolicy::inner_while_outer_waits);
  EXPECT_TRUE(h.callback_runnable());
}

TEST(Lo, CrashLosesTasksAndTheirResponsesAreDropped) {
  DivisionByZero h;
  h.system.crash(0);  // the outer task and its queue are gone
  EXPECT_EQ(h.system.live_tasks(), 0U);
  ASSERT_TRUE(h.deliver(h.resp2));
  EXPECT_TRUE(h.dropped(h.resp2));
  EXPECT_EQ(h.system.responses_sent(h.user_request), 0U);  // never answered: at most once
}


// ---- issue 15, item 6 ----------------------------------------------------------

bool has_event(const std::vector<Event>& events, EventKind kind, std::string_view text) {
  return std::any_of(events.begin(), events.end(),
                     [&](const Event& e) { return e.kind == kind && e.text.find(text) != std::string::npos; });
}

// Seed 001: the worker "immediately halts" on an invalid operation, whatever
// the procedure does with the exception: catching it and answering success
// is refused, the request gets a failure.
TEST(LoInvalidOperation, AProcedureThatCatchesItIsHaltedAllTheSame) {
  Harness h;
  const Address svc = h.system.install(1, "careless", [](TaskContext& ctx) {
    try {
      core::checked::divide(1, 0);
    } catch (const core::InvalidOperation&) {
      ctx.respond(true, Value::string("all fine"));
    }
  });
  const auto request = h.system.user_request(0, svc, Value());
  ASSERT_TRUE(h.deliver(request));
  ASSERT_TRUE(h.run(svc));
  EXPECT_TRUE(has_event(h.events, EventKind::aborted, "halted"));
  ASSERT_EQ(h.system.in_flight().size(), 1U);
  EXPECT_EQ(h.system.in_flight()[0].kind, MessageKind::failure);
  EXPECT_EQ(h.system.live_tasks(), 0U);
}

// A nested service lives in the environment of the task that bound it: when
// that task halts, the service stops and a message to it finds no service.
TEST(LoInvalidOperation, ServicesBoundByAHaltedTaskStop) {
  Harness h;
  Address bound;
  const Address svc = h.system.install(0, "outer", [&bound](TaskContext& ctx) {
    const Value address = ctx.bind("inner", [](TaskContext& inner) { inner.env()["ran"] = Value::boolean(true); });
    bound = System::address_of(address);
    ctx.send(address, Value());  // queued for the nested service
    core::checked::map_fetch(Value::map({}), Value::integer(1));
  });
  ASSERT_TRUE(h.deliver(h.system.user_request(0, svc, Value())));
  ASSERT_TRUE(h.run(svc));
  // The one-way to the nested service and the failure response are in flight.
  for (const auto id : h.in_flight_ids()) h.deliver(id);
  EXPECT_FALSE(h.run(bound));
  EXPECT_TRUE(has_event(h.events, EventKind::dropped, "no service at"));
}

// An address is a value: stored, sent in a payload, and used as the return
// address of a later one-way answer.
TEST(LoAddress, IsAValueThatCanBeSentAndUsedAsAReturnAddress) {
  Harness h;
  const Address echo = h.system.install(1, "echo", [](TaskContext& ctx) {
    const Value reply_to = ctx.message().payload;  // a return address, received as a value
    EXPECT_EQ(reply_to.kind(), core::Kind::address);
    ctx.send(reply_to, Value::integer(42));
  });
  const Address asker = h.system.install(0, "asker", [](TaskContext& ctx) {
    if (ctx.message().payload.is_unit()) {
      ctx.env()["me"] = ctx.self();
      ctx.send(ctx.lookup(1, "echo"), ctx.env().at("me"));
    }
  });
  ASSERT_TRUE(h.deliver(h.system.user_send(0, asker, Value())));
  ASSERT_TRUE(h.run(asker));
  ASSERT_TRUE(h.deliver(h.in_flight_ids().at(0)));
  ASSERT_TRUE(h.run(echo));
  ASSERT_EQ(h.system.in_flight().size(), 1U);
  EXPECT_EQ(h.system.in_flight()[0].to, asker);
  EXPECT_EQ(h.system.in_flight()[0].payload, Value::integer(42));
  // Encoded and decoded like any value.
  const Value copy = Value::decode(h.system.in_flight()[0].payload.encode());
  EXPECT_EQ(copy, Value::integer(42));
  EXPECT_THROW(System::address_of(Value::integer(3)), core::TypeError);
}

// Lo messages suffer the network's faults: a duplicated request runs twice.
TEST(LoFaults, ADuplicatedRequestRunsTwiceAndTheUserKeepsOneResponse) {
  Harness h;
  const Address svc = h.system.install(1, "svc", [](TaskContext& ctx) { ctx.respond(true, Value::integer(1)); });
  const auto request = h.system.user_request(0, svc, Value());
  const auto copy = h.system.duplicate(request);
  ASSERT_TRUE(h.deliver(request));
  ASSERT_TRUE(h.deliver(copy));
  ASSERT_TRUE(h.run(svc));
  ASSERT_TRUE(h.run(svc));
  EXPECT_EQ(h.system.responses_sent(request), 2U);
  for (const auto id : h.in_flight_ids()) h.deliver(id);
  EXPECT_EQ(h.system.user_inbox(0).size(), 1U);
  h.system.drop(h.system.user_request(0, svc, Value()));
  EXPECT_TRUE(h.system.in_flight().empty());
}

}  // namespace
}  // namespace frsim::sim::lo
