#include "sim/world.hpp"

#include <algorithm>
#include <set>

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "core/hash.hpp"
#include "scenarios/registry.hpp"
#include "sim/prng.hpp"
#include "sim/random_walk.hpp"
#include "sim/state.hpp"
#include "sim/trace.hpp"

namespace frsim::sim {
namespace {

using core::Value;

std::uint64_t run_hash(const std::shared_ptr<const Scenario>& scenario, const WorldConfig& config,
                       std::uint64_t seed) {
  World world(scenario, config, seed);
  world.set_record_events(false);
  random_walk(world, seed);
  world.heal();
  return world.event_hash();
}

// A varied world per seed: grain, topology and budgets all come from the seed.
WorldConfig config_for(std::uint64_t seed, const Scenario& scenario) {
  WorldConfig c = scenario.defaults;
  const std::uint64_t h = core::mix64(seed);
  c.grain = (h & 1) != 0 ? Grain::fine : Grain::coarse;
  c.topology = static_cast<Topology>((h >> 1) % 4);
  c.devices = 2 + static_cast<std::uint32_t>((h >> 3) % 3);
  c.drops = static_cast<std::uint32_t>((h >> 5) % 3);
  c.dups = static_cast<std::uint32_t>((h >> 7) % 2);
  c.crashes = static_cast<std::uint32_t>((h >> 8) % 2);
  c.partitions = static_cast<std::uint32_t>((h >> 9) % 2);
  return c;
}

TEST(World, SameSeedSameEventHashFor1000Seeds) {
  const auto chat = scenarios::get("chat");
  std::set<std::uint64_t> distinct;
  for (std::uint64_t seed = 0; seed < 1000; ++seed) {
    const auto first = run_hash(chat, chat->defaults, seed);
    ASSERT_EQ(first, run_hash(chat, chat->defaults, seed)) << "seed " << seed;
    distinct.insert(first);
  }
  EXPECT_GT(distinct.size(), 900U);  // different seeds mostly give different schedules
}

TEST(World, ReplayOf1000RandomTracesReproducesThem) {
  for (std::uint64_t seed = 0; seed < 1000; ++seed) {
    const auto scenario = scenarios::get(seed % 2 == 0 ? "counter" : "chat");
    World world(scenario, config_for(seed, *scenario), seed);
    random_walk(world, seed);
    world.heal();
    const Trace trace = read_trace(write_trace(make_trace(world)));
    const auto again = replay(trace, scenario);
    ASSERT_EQ(again->event_hash(), world.event_hash()) << "seed " << seed;
    ASSERT_EQ(again->fingerprint(), world.fingerprint()) << "seed " << seed;
  }
}

// a -> b = a * 10 -> c = b + 1: a propagation with two reevaluations.
Scenario chain() {
  Scenario s;
  s.name = "chain";
  s.description = "a source and two maps";
  s.create = [](core::Runtime& rt, const DeviceContext&) {
    const auto a = rt.source(Value::integer(1), "a");
    const auto b = rt.map({a}, [](std::span<const Value> in) { return Value::integer(in[0].as_int() * 10); }, "b");
    rt.map({b}, [](std::span<const Value> in) { return Value::integer(in[0].as_int() + 1); }, "c");
  };
  s.workload = [](std::uint32_t, std::uint32_t) { return std::vector<Action>{Action::fire("a", Value::integer(5))}; };
  s.defaults.devices = 1;
  s.defaults.crashes = 1;
  s.defaults.grain = Grain::fine;
  return s;
}

std::optional<Transition> first_of(const World& world, TransitionKind kind) {
  for (auto& t : world.enabled()) {
    if (t.kind == kind) return t;
  }
  return std::nullopt;
}

std::size_t count_events(const World& world, EventKind kind) {
  return static_cast<std::size_t>(std::count_if(world.events().begin(), world.events().end(),
                                                [kind](const Event& e) { return e.kind == kind; }));
}

TEST(World, CrashMidPropagationLosesTheActionAndCommitsNothing) {
  World world(chain(), chain().defaults, 1);
  const auto commits_before = world.device(0).snapshot().commits;
  const auto committed_before = count_events(world, EventKind::committed);
  world.apply(*first_of(world, TransitionKind::fire));
  ASSERT_TRUE(world.device(0).propagating());
  world.apply(*first_of(world, TransitionKind::step));  // b reevaluated, c not yet
  ASSERT_TRUE(world.device(0).propagating());
  EXPECT_EQ(world.device(0).value("a"), Value::integer(5));
  world.apply(*first_of(world, TransitionKind::crash));
  EXPECT_FALSE(world.device(0).up());
  EXPECT_EQ(world.device(0).snapshot().commits, commits_before);
  EXPECT_EQ(count_events(world, EventKind::committed), committed_before);
  EXPECT_EQ(count_events(world, EventKind::response), 0U);  // the action's request is never answered
  world.apply(*first_of(world, TransitionKind::restart));
  EXPECT_EQ(world.device(0).value("a"), Value::integer(1));
  EXPECT_EQ(world.device(0).value("c"), Value::integer(11));
  EXPECT_TRUE(world.enabled().empty());  // the action was consumed and lost
}

TEST(World, CommittedActionSurvivesACrash) {
  World world(chain(), chain().defaults, 1);
  world.apply(*first_of(world, TransitionKind::fire));
  while (auto step = first_of(world, TransitionKind::step)) world.apply(*step);
  EXPECT_EQ(count_events(world, EventKind::response), 1U);
  world.apply(*first_of(world, TransitionKind::crash));
  world.apply(*first_of(world, TransitionKind::restart));
  EXPECT_EQ(world.device(0).value("a"), Value::integer(5));
  EXPECT_EQ(world.device(0).value("c"), Value::integer(51));
}

WorldConfig counter_config(std::uint32_t drops, std::uint32_t dups, std::uint32_t partitions) {
  WorldConfig c;
  c.devices = 3;
  c.drops = drops;
  c.dups = dups;
  c.partitions = partitions;
  return c;
}

// d0 clicks once and sends "clicks" to d1.
void click_and_send(World& world) {
  world.apply(*first_of(world, TransitionKind::fire));
  for (const auto& t : world.enabled()) {
    if (t.kind == TransitionKind::send && t.device == 0 && t.peer == 1) {
      world.apply(t);
      return;
    }
  }
  FAIL() << "no send from d0 to d1";
}

TEST(World, DropRemovesTheMessage) {
  World world(scenarios::get("counter"), counter_config(1, 0, 0), 1);
  click_and_send(world);
  ASSERT_EQ(world.network().in_flight().size(), 1U);
  world.apply(*first_of(world, TransitionKind::drop));
  EXPECT_TRUE(world.network().in_flight().empty());
  EXPECT_EQ(world.budgets_left().drops, 0U);
  EXPECT_FALSE(first_of(world, TransitionKind::drop));  // budget spent
  EXPECT_FALSE(first_of(world, TransitionKind::deliver));
}

TEST(World, DuplicateAddsACopyThatIsDeliveredToo) {
  World world(scenarios::get("counter"), counter_config(0, 1, 0), 1);
  click_and_send(world);
  world.apply(*first_of(world, TransitionKind::duplicate));
  EXPECT_EQ(world.network().in_flight().size(), 2U);
  EXPECT_EQ(world.budgets_left().dups, 0U);
  world.apply(*first_of(world, TransitionKind::deliver));
  world.apply(*first_of(world, TransitionKind::deliver));
  EXPECT_TRUE(world.network().in_flight().empty());
  EXPECT_EQ(world.device(1).value("total"), Value::integer(1));  // merge is idempotent
}

TEST(World, PartitionBlocksDeliveryUntilHeal) {
  World world(scenarios::get("counter"), counter_config(0, 0, 1), 1);
  click_and_send(world);
  for (const auto& t : world.enabled()) {
    if (t.kind == TransitionKind::partition && t.device == 1) world.apply(t);
  }
  ASSERT_TRUE(world.network().partitioned());
  EXPECT_FALSE(first_of(world, TransitionKind::deliver));
  EXPECT_FALSE(first_of(world, TransitionKind::partition));  // one at a time, budget spent
  world.apply(*first_of(world, TransitionKind::heal));
  EXPECT_TRUE(first_of(world, TransitionKind::deliver));
}

TEST(World, FingerprintIgnoresMessageSendOrder) {
  const auto counter = scenarios::get("counter");
  auto send = [](World& world, std::uint32_t from, std::uint32_t to) {
    for (const auto& t : world.enabled()) {
      if (t.kind == TransitionKind::send && t.device == from && t.peer == to) return world.apply(t);
    }
    FAIL() << "no send";
  };
  World a(counter, counter_config(0, 0, 0), 1);
  World b(counter, counter_config(0, 0, 0), 1);
  send(a, 0, 1);
  send(a, 2, 1);
  send(b, 2, 1);
  send(b, 0, 1);
  EXPECT_EQ(a.fingerprint(), b.fingerprint());
  // The two worlds did send in different orders: message ids say so.
  auto id_from = [](const World& world, std::uint32_t from) {
    for (const auto& m : world.network().in_flight()) {
      if (m.from == from) return m.id;
    }
    return std::uint64_t{0};
  };
  EXPECT_LT(id_from(a, 0), id_from(a, 2));
  EXPECT_GT(id_from(b, 0), id_from(b, 2));
  send(a, 1, 0);
  EXPECT_NE(a.fingerprint(), b.fingerprint());
}

TEST(World, CloneReproducesTheWorld) {
  const auto chat = scenarios::get("chat");
  World world(chat, chat->defaults, 3);
  Prng prng(3);
  for (int i = 0; i < 40 && !world.enabled().empty(); ++i) {
    world.apply_index(static_cast<std::size_t>(prng.below(world.enabled().size())));
  }
  const auto copy = world.clone();
  EXPECT_EQ(copy->fingerprint(), world.fingerprint());
  EXPECT_EQ(copy->event_hash(), world.event_hash());
  EXPECT_EQ(copy->choices(), world.choices());
}

RC_GTEST_PROP(World, HealingConvergesTheCounter, (std::uint64_t seed)) {
  const auto counter = scenarios::get("counter");
  WorldConfig c = config_for(seed, *counter);
  World world(counter, c, seed);
  world.set_record_events(false);
  random_walk(world, seed);
  world.heal();
  RC_ASSERT(world.enabled().size() == static_cast<std::size_t>(std::count_if(
      world.enabled().begin(), world.enabled().end(), [](const Transition& t) {
        return t.kind == TransitionKind::crash || t.kind == TransitionKind::partition;
      })));  // only faults are left: nothing to deliver, send or restart
  const auto clicks = world.device(0).value("clicks");
  const auto total = world.device(0).value("total");
  for (std::uint32_t d = 0; d < world.devices(); ++d) {
    RC_ASSERT(world.device(d).value("clicks") == clicks);
    RC_ASSERT(world.device(d).value("total") == total);
    RC_ASSERT(world.device(d).value("reached") == world.device(0).value("reached"));
  }
  if (c.crashes == 0) RC_ASSERT(total == Value::integer(2 * c.devices));  // nothing lost
}


// ---- rule (send) at any time (Fig. 9), within the re-send budget --------------

// One distributed register merged by max; d0's user writes 7 once, d1's nothing.
std::shared_ptr<const Scenario> one_write() {
  Scenario s;
  s.name = "one-write";
  s.create = [](core::Runtime& rt, const DeviceContext&) {
    rt.distributed_source("x", Value::integer(0), [](const Value& local, const Value& remote) {
      return std::max(local, remote);
    });
  };
  s.workload = [](std::uint32_t device, std::uint32_t) {
    return device == 0 ? std::vector<Action>{Action::fire("x", Value::integer(7))} : std::vector<Action>{};
  };
  return std::make_shared<const Scenario>(std::move(s));
}

WorldConfig one_drop(std::uint32_t resends) {
  WorldConfig c;
  c.devices = 2;
  c.drops = 1;
  c.resends = resends;
  return c;
}

bool dropped_seven(const World& world) {
  return std::any_of(world.events().begin(), world.events().end(), [](const Event& e) {
    // d0's message (an event's peer is the sender), not d1's forwarding 7 back.
    return e.kind == EventKind::dropped && e.peer == 0 && e.values.size() == 1 && e.values[0] == Value::integer(7);
  });
}

// Every state reachable before healing: is there one where the message with
// 7 was dropped and d1 holds 7 all the same? Only a re-send can bring it.
bool converges_after_dropping_seven(std::uint32_t resends, std::uint64_t& states) {
  std::set<std::uint64_t> seen;
  std::vector<std::unique_ptr<World>> stack;
  stack.push_back(std::make_unique<World>(one_write(), one_drop(resends), 1));
  bool found = false;
  while (!stack.empty()) {
    auto world = std::move(stack.back());
    stack.pop_back();
    if (!seen.insert(world->fingerprint()).second) continue;
    if (dropped_seven(*world) && world->device(1).value("x") == Value::integer(7)) found = true;
    for (std::size_t i = 0, n = world->enabled().size(); i < n; ++i) {
      auto next = world->clone();
      next->apply_index(i);
      stack.push_back(std::move(next));
    }
  }
  states = seen.size();
  return found;
}

// A distributed reactive that only d0 creates (a workload action runs the
// creation procedure): d1 ignores what arrives for it, and healing must
// still quiesce rather than send it to d1 again in every round (healing
// runs no workload). If d1 creates it afterwards, the value it ignored is
// sent again and the replicas meet.
TEST(SendAnyTime, HealingQuiescesWhileAPeerHasNotCreatedTheReactive) {
  Scenario s;
  s.name = "opened-on-demand";
  s.create = [](core::Runtime& rt, const DeviceContext&) {
    rt.define_creation("open", [](core::Creation& create, const Value&) {
      const Value in = create.source(Value::integer(0), "in");
      auto max = [](const Value& a, const Value& b) { return a.as_int() >= b.as_int() ? a : b; };
      create.distributed_fold("best", in, Value::integer(0), max, max);
    });
  };
  for (const bool d1_opens : {false, true}) {
    s.workload = [d1_opens](std::uint32_t device, std::uint32_t) {
      if (device == 1 && !d1_opens) return std::vector<Action>{};
      return std::vector<Action>{Action::create("open", Value::unit()),
                                 Action::fire("in", Value::integer(device == 0 ? 4 : 7))};
    };
    WorldConfig config;
    config.devices = 2;
    World world(s, config, 1);
    // d0 opens, posts 4 and sends it; d1 receives it before it has "best".
    for (TransitionKind kind : {TransitionKind::fire, TransitionKind::fire, TransitionKind::send}) {
      const auto all = world.enabled();
      const auto it = std::find_if(all.begin(), all.end(),
                                   [&](const Transition& t) { return t.kind == kind && t.device == 0; });
      ASSERT_NE(it, all.end()) << to_string(kind);
      world.apply_index(static_cast<std::size_t>(it - all.begin()));
    }
    const auto all = world.enabled();
    const auto deliver = std::find_if(all.begin(), all.end(), [](const Transition& t) {
      return t.kind == TransitionKind::deliver && t.device == 1;
    });
    ASSERT_NE(deliver, all.end());
    world.apply_index(static_cast<std::size_t>(deliver - all.begin()));
    for (int action = 0; d1_opens && action < 2; ++action) {
      const auto now = world.enabled();
      const auto fire = std::find_if(now.begin(), now.end(), [](const Transition& t) {
        return t.kind == TransitionKind::fire && t.device == 1;
      });
      ASSERT_NE(fire, now.end());
      world.apply_index(static_cast<std::size_t>(fire - now.begin()));
    }
    world.heal();
    SCOPED_TRACE(d1_opens ? "d1 opens after ignoring 4" : "d1 never opens");
    EXPECT_EQ(world.heal_outcome().kind, HealOutcome::Kind::quiesced);
    const auto d0 = world.device(0).distributed_values();
    ASSERT_EQ(d0.size(), 1U);
    EXPECT_EQ(d0[0].second, Value::integer(d1_opens ? 7 : 4));
    EXPECT_EQ(world.device(1).distributed_values(), d1_opens ? d0 : decltype(d0){});
  }
}

TEST(SendAnyTime, ADroppedValueIsSentAgainBeforeHealingOnlyWithAResendBudget) {
  std::uint64_t without = 0;
  std::uint64_t with = 0;
  EXPECT_FALSE(converges_after_dropping_seven(0, without));
  EXPECT_TRUE(converges_after_dropping_seven(1, with));
  EXPECT_GT(with, without);  // the re-sends are states of their own
}

TEST(SendAnyTime, TheSameValueIsOfferedAgainUpToTheBudgetThenNoMore) {
  World world(one_write(), one_drop(2), 1);
  const auto sends_to_d1 = [&world] {
    const auto all = world.enabled();
    return std::count_if(all.begin(), all.end(), [](const Transition& t) {
      return t.kind == TransitionKind::send && t.device == 0 && t.peer == 1;
    });
  };
  const auto apply_first = [&world](TransitionKind kind, std::uint32_t device) {
    const auto all = world.enabled();
    const auto it = std::find_if(all.begin(), all.end(),
                                 [&](const Transition& t) { return t.kind == kind && t.device == device; });
    ASSERT_NE(it, all.end()) << to_string(kind);
    world.apply_index(static_cast<std::size_t>(it - all.begin()));
  };
  apply_first(TransitionKind::fire, 0);
  for (int send = 0; send < 3; ++send) {  // the first send, then two re-sends of 7
    ASSERT_EQ(sends_to_d1(), 1) << "send " << send;
    apply_first(TransitionKind::send, 0);
  }
  EXPECT_EQ(sends_to_d1(), 0);  // the budget is spent while 7 is unchanged
  EXPECT_EQ(world.network().size(), 3U);
  // The state vector keeps the counts (sim/state.hpp): the decoded world offers no more re-sends either.
  StateCodec codec(world);
  std::vector<std::uint8_t> bytes;
  codec.encode(world, bytes);
  const auto decoded = codec.decode(bytes);
  EXPECT_EQ(decoded->fingerprint(), world.fingerprint());
  const auto again = decoded->enabled();
  EXPECT_FALSE(std::any_of(again.begin(), again.end(), [](const Transition& t) {
    return t.kind == TransitionKind::send && t.device == 0 && t.peer == 1;
  }));
}

TEST(SendAnyTime, WithoutABudgetAValueIsSentOncePerChange) {
  World world(one_write(), one_drop(0), 1);
  const auto all = world.enabled();
  const auto first_send = std::find_if(all.begin(), all.end(), [](const Transition& t) {
    return t.kind == TransitionKind::send && t.device == 0 && t.peer == 1;
  });
  ASSERT_NE(first_send, all.end());
  world.apply_index(static_cast<std::size_t>(first_send - all.begin()));
  const auto after = world.enabled();
  EXPECT_FALSE(std::any_of(after.begin(), after.end(), [](const Transition& t) {
    return t.kind == TransitionKind::send && t.device == 0 && t.peer == 1;
  }));
}

}  // namespace
}  // namespace frsim::sim
