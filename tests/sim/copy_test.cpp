// A world is a value (DESIGN §6, issue 14): a copy of a world after any
// prefix, and a world decoded from its state vector, equal the world replayed
// from that prefix — fingerprint, every value of every device's store and
// snapshot, the running propagations, the messages in flight with their ids,
// the budgets, the enabled transitions with their descriptions and the event
// hash — and keep equalling it as both go on. Programs, workloads, worlds and
// schedules are RapidCheck's (checker/pbt/generators.hpp) or the built-in
// scenarios'.

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <optional>
#include <string>

#include <fmt/format.h>

#include "checker/checker.hpp"
#include "checker/pbt/generators.hpp"
#include "checker/pbt/program.hpp"
#include "scenarios/registry.hpp"
#include "sim/state.hpp"
#include "sim/world.hpp"

namespace frsim::sim {
namespace {

// The first difference between two worlds, if any.
std::optional<std::string> difference(const World& a, const World& b) {
  auto differ = [](std::string what) { return std::optional<std::string>(std::move(what)); };
  if (a.steps() != b.steps()) return differ("steps");
  if (a.healed() != b.healed()) return differ("healed");
  if (!(a.budgets_left() == b.budgets_left())) return differ("budgets");
  if (a.event_hash() != b.event_hash()) return differ("event hash");
  if (a.network().next_id() != b.network().next_id()) return differ("next message id");
  if (a.network().sides() != b.network().sides()) return differ("partition");
  const auto ma = a.network().in_flight();
  const auto mb = b.network().in_flight();
  if (ma.size() != mb.size()) return differ("messages in flight");
  for (std::size_t i = 0; i < ma.size(); ++i) {
    if (ma[i].id != mb[i].id || ma[i].from != mb[i].from || !a.network().same_content(ma[i], mb[i])) return differ(fmt::format("message {}", i));
  }
  if (a.network().fingerprint() != b.network().fingerprint()) return differ("network fingerprint");
  if (a.lo().fingerprint() != b.lo().fingerprint()) return differ("Lo substrate");
  for (std::uint32_t d = 0; d < a.devices(); ++d) {
    const Device& da = a.device(d);
    const Device& db = b.device(d);
    const std::string at = fmt::format("d{}: ", d);
    if (!(da.snapshot() == db.snapshot())) return differ(at + "snapshot");
    if (da.next_action() != db.next_action()) return differ(at + "next action");
    if (da.running_request() != db.running_request()) return differ(at + "running request");
    if (da.up() != db.up()) return differ(at + "up");
    if (!da.up()) continue;
    const core::Runtime& ra = *da.runtime();
    const core::Runtime& rb = *db.runtime();
    if (ra.size() != rb.size()) return differ(at + "size");
    for (core::ReactiveId r = 0; r < ra.size(); ++r) {
      if (ra.value(r) != rb.value(r)) return differ(at + fmt::format("value of r{}", r));
      if (ra.value(r).hash() != rb.value(r).hash()) return differ(at + fmt::format("hash of the value of r{}", r));
      if (ra.level(r) != rb.level(r)) return differ(at + fmt::format("level of r{}", r));
      if (ra.inputs(r) != rb.inputs(r)) return differ(at + fmt::format("inputs of r{}", r));
    }
    if (ra.propagating() != rb.propagating() || ra.active() != rb.active() || ra.processed() != rb.processed() ||
        ra.ready() != rb.ready()) {
      return differ(at + "running propagation");
    }
    if (da.distributed_values() != db.distributed_values()) return differ(at + "distributed values");
    if (ra.fingerprint() != rb.fingerprint()) return differ(at + "store fingerprint");
    if (a.device_store_hash(d) != b.device_store_hash(d)) return differ(at + "device store hash");
  }
  const auto ea = a.enabled();
  const auto eb = b.enabled();
  if (ea.size() != eb.size()) return differ("enabled transitions");
  for (std::size_t i = 0; i < ea.size(); ++i) {
    if (ea[i].description() != eb[i].description()) {
      return differ(fmt::format("transition {}: {} vs {}", i, ea[i].description(), eb[i].description()));
    }
  }
  // Last: the parts above name what differs; this catches what they miss.
  if (a.fingerprint() != b.fingerprint()) return differ("fingerprint");
  return std::nullopt;
}

#define RC_ASSERT_SAME(a, b, when)                                                  \
  do {                                                                              \
    const auto diff = difference(a, b);                                             \
    if (diff) RC_FAIL(fmt::format("{}: the worlds differ in {}", when, *diff));     \
  } while (false)

// A scenario to run: a generated program, or a built-in scenario with a
// generated world and schedule.
struct Case {
  std::shared_ptr<const Scenario> scenario;
  WorldConfig world;
  std::uint64_t seed = 0;
  std::vector<std::uint32_t> schedule;  // choice numbers: enabled()[n % |enabled()|]
};

// The built-in scenarios whose operators are pure functions of their inputs
// (paper §3.1). A world is a value only then: a program whose operators share
// hidden state (the zoo's bug-impure-operator, caught by confluence) shares it
// between a world and its copy too, and that is the program's bug, which
// confluence and replay-determinism exist to report.
const std::vector<std::shared_ptr<const Scenario>>& pure_scenarios() {
  static const auto pure = [] {
    std::vector<std::shared_ptr<const Scenario>> out;
    for (const auto& s : scenarios::all()) {
      if (s->expected_violation != "confluence" && s->expected_violation != "replay-determinism") out.push_back(s);
    }
    return out;
  }();
  return pure;
}

rc::Gen<Case> cases() {
  checker::pbt::GenOptions options;
  options.budget_max = 1;
  return rc::gen::oneOf(
      rc::gen::map(checker::pbt::program_spec(options),
                   [](const checker::pbt::ProgramSpec& spec) {
                     return Case{std::make_shared<const Scenario>(checker::pbt::to_scenario(spec)), spec.world,
                                 spec.world_seed, spec.schedule};
                   }),
      rc::gen::apply(
          [](std::size_t which, std::uint64_t seed, WorldConfig world, std::vector<std::uint32_t> schedule) {
            const auto& pure = pure_scenarios();
            auto scenario = pure[which % pure.size()];
            world.devices = std::max<std::uint32_t>(world.devices, 1);
            if (world.devices < 2) world.partitions = 0;
            return Case{scenario, world, seed, std::move(schedule)};
          },
          rc::gen::arbitrary<std::size_t>(), rc::gen::arbitrary<std::uint64_t>(),
          checker::pbt::world_config(options), checker::pbt::schedule(options)));
}

// Applies schedule[from, to) to `world`; returns where it stopped (nothing enabled).
std::size_t drive(World& world, const std::vector<std::uint32_t>& schedule, std::size_t from, std::size_t to) {
  std::vector<Transition> enabled;
  for (std::size_t i = from; i < to; ++i) {
    world.list(enabled);
    if (enabled.empty()) return i;
    world.apply_enabled(enabled, schedule[i] % enabled.size());
  }
  return to;
}

RC_GTEST_PROP(WorldCopy, ACopyAfterAnyPrefixEqualsTheWorldReplayedFromIt, ()) {
  const Case c = *cases();
  const std::size_t cut = *rc::gen::inRange<std::size_t>(0, c.schedule.size() + 1);
  World world(c.scenario, c.world, c.seed);
  const std::size_t reached = drive(world, c.schedule, 0, cut);
  const auto copy = world.clone();
  World replayed(c.scenario, c.world, c.seed);
  for (const auto& [index, text] : world.choices()) replayed.apply_index(index);
  RC_ASSERT_SAME(*copy, replayed, fmt::format("after {} choices", reached));
  // A search's inner loop: assign once, then apply and revert per transition.
  World scratch(c.scenario, c.world, c.seed);
  scratch = *copy;
  std::vector<Transition> enabled;
  copy->list(enabled);
  for (std::size_t i = 0; i < enabled.size(); ++i) {
    scratch.apply_enabled(enabled, i);
    drive(scratch, c.schedule, reached, std::min(c.schedule.size(), reached + 2));
    if (i % 2 == 0) scratch.heal();
    scratch.revert_to(*copy);
    RC_ASSERT_SAME(scratch, replayed, fmt::format("reverted after transition {}", i));
  }
  // Independent from here on: the copy and the replay go on, the original
  // goes elsewhere (or nowhere) and must not drag the copy along.
  drive(*copy, c.schedule, reached, c.schedule.size());
  drive(replayed, c.schedule, reached, c.schedule.size());
  std::vector<std::uint32_t> other(c.schedule.size(), 1);
  drive(world, other, reached, other.size());
  RC_ASSERT_SAME(*copy, replayed, "at the end of the schedule");
  copy->heal();
  replayed.heal();
  RC_ASSERT_SAME(*copy, replayed, "after healing");
  // Assignment reuses a world of the same scenario in another state.
  World assigned(c.scenario, c.world, c.seed);
  drive(assigned, other, 0, other.size());
  assigned = *copy;
  RC_ASSERT_SAME(assigned, replayed, "assigned after healing");
}

RC_GTEST_PROP(StateVector, DecodingAnEncodedWorldGivesAnEqualWorld, ()) {
  const Case c = *cases();
  World world(c.scenario, c.world, c.seed);
  StateCodec codec(world);
  auto reused = codec.decode([&] {
    std::vector<std::uint8_t> bytes;
    codec.encode(world, bytes);
    return bytes;
  }());
  std::vector<Transition> enabled;
  for (std::size_t i = 0; i <= c.schedule.size(); ++i) {
    std::vector<std::uint8_t> bytes;
    codec.encode(world, bytes);
    const auto decoded = codec.decode(bytes);
    RC_ASSERT_SAME(*decoded, world, fmt::format("decoded after {} choices", i));
    codec.decode(bytes, *reused);
    RC_ASSERT_SAME(*reused, world, fmt::format("decoded in place after {} choices", i));
    std::vector<std::uint8_t> again;
    codec.encode(*decoded, again);
    RC_ASSERT(again == bytes);
    // A decoded world goes on as the original does.
    world.list(enabled);
    if (i == c.schedule.size() || enabled.empty()) {
      world.heal();
      decoded->heal();
      RC_ASSERT_SAME(*decoded, world, "after healing");
      break;
    }
    const std::size_t index = c.schedule[i] % enabled.size();
    world.apply_enabled(enabled, index);
    decoded->list(enabled);
    decoded->apply_enabled(enabled, index);
    RC_ASSERT_SAME(*decoded, world, fmt::format("one step after decoding at {}", i));
  }
}

// A search's parent world (Search::expand): states of a schedule, in an
// order that comes back to some and jumps between others, decoded one over
// the other, so that each device is decoded anew only where its bytes
// changed; a child world that takes the changes equals the parent each
// time, and again after one of its transitions is applied and reverted. A
// plain decode into the parent now and then (and a whole assignment of the
// child) must not leave the next decode_over comparing with stale bytes, nor
// a child's encoding copying them (StateCodec::encode with a parent).
RC_GTEST_PROP(StateVector, DecodingOverTheLastStateGivesAnEqualWorld, ()) {
  const Case c = *cases();
  World world(c.scenario, c.world, c.seed);
  StateCodec codec(world);
  World parent(world);
  World child(world);
  std::vector<std::vector<std::uint8_t>> states;
  std::vector<std::unique_ptr<World>> originals;
  std::vector<Transition> enabled;
  for (std::size_t i = 0;; ++i) {
    states.emplace_back();
    codec.encode(world, states.back());
    originals.push_back(std::make_unique<World>(world));
    world.list(enabled);
    if (i == c.schedule.size() || enabled.empty()) break;
    world.apply_enabled(enabled, c.schedule[i] % enabled.size());
  }
  const auto order = *rc::gen::container<std::vector<std::size_t>>(rc::gen::inRange<std::size_t>(0, states.size()));
  const auto plain = *rc::gen::container<std::vector<bool>>(order.size(), rc::gen::weightedElement<bool>({{1, true}, {4, false}}));
  for (std::size_t k = 0; k < order.size(); ++k) {
    const std::size_t at = order[k];
    if (plain[k]) {
      codec.decode(states[at], parent);
      child = parent;
    } else {
      codec.decode_over(states[at], parent);
      parent.fingerprint();
      child.take_changes(parent);
    }
    RC_ASSERT_SAME(parent, *originals[at], fmt::format("parent, state {} as the {}th", at, k));
    RC_ASSERT_SAME(child, *originals[at], fmt::format("child, state {} as the {}th", at, k));
    child.list(enabled);
    if (enabled.empty()) continue;
    child.apply_enabled(enabled, (at + k) % enabled.size());
    // The child's encoding copies the parent's bytes of every device the
    // transition did not touch (after a plain decode there are none to
    // copy): it is the child's whole encoding, byte for byte.
    std::vector<std::uint8_t> whole, over_parent;
    codec.encode(child, whole);
    codec.encode(child, parent, over_parent);
    RC_ASSERT(over_parent == whole);
    child.revert_to(parent);
    RC_ASSERT_SAME(child, *originals[at], fmt::format("child reverted, state {} as the {}th", at, k));
  }
}

// A send whose value holds a reference that is not distributed promotes it
// (§3.4): the send changed the sender's store, not only what it last sent,
// and reverting the world must copy the store back too (World::apply_send).
TEST(WorldCopy, RevertingASendThatPromotedRestoresTheStore) {
  const auto scenario = scenarios::get("lww-ref");
  ASSERT_TRUE(scenario);
  World world(scenario, scenario->defaults, 1);
  std::vector<Transition> enabled;
  std::size_t promoting = 0, plain = 0;
  for (int step = 0; step < 40; ++step) {
    world.list(enabled);
    if (enabled.empty()) break;
    const World before(world);
    for (std::size_t i = 0; i < enabled.size(); ++i) {
      if (enabled[i].kind != TransitionKind::send) continue;
      const std::size_t distributed = world.device(enabled[i].device).runtime()->distributed_reactives().size();
      world.apply_enabled(enabled, i);
      const bool promoted = world.device(enabled[i].device).runtime()->distributed_reactives().size() != distributed;
      (promoted ? promoting : plain) += 1;
      world.revert_to(before);
      const auto diff = difference(world, before);
      ASSERT_FALSE(diff) << "after reverting a " << (promoted ? "promoting" : "plain") << " send: " << *diff;
    }
    world.apply_enabled(enabled, static_cast<std::size_t>(step) % enabled.size());
  }
  EXPECT_GT(promoting, 0U) << "no send promoted: the test did not test the promoting path";
  EXPECT_GT(plain, 0U);
}

// The copy costs what the state holds: a copy of a world far into its
// schedule carries no choices or events unless the world keeps them.
TEST(WorldCopy, AWorldWithoutHistoryCopiesNone) {
  const auto chat = scenarios::get("chat");
  World world(chat, chat->defaults, 3);
  world.set_keep_choices(false);
  world.set_record_events(false);
  std::vector<Transition> enabled;
  for (int i = 0; i < 30; ++i) {
    world.list(enabled);
    if (enabled.empty()) break;
    world.apply_enabled(enabled, static_cast<std::size_t>(i) % enabled.size());
  }
  const auto copy = world.clone();
  EXPECT_TRUE(copy->choices().empty());
  EXPECT_TRUE(copy->events().empty());
  EXPECT_EQ(copy->rerun(), nullptr);  // nothing to re-run from
  EXPECT_FALSE(difference(*copy, world).has_value());
}

// The determinism check re-runs a world's choices from the seed; a copy of a
// world keeps them, and so does its re-run.
TEST(WorldCopy, RerunReexecutesTheChoices) {
  const auto counter = scenarios::get("counter");
  World world(counter, counter->defaults, 5);
  std::vector<Transition> enabled;
  for (int i = 0; i < 12; ++i) {
    world.list(enabled);
    world.apply_enabled(enabled, static_cast<std::size_t>(i * 7) % enabled.size());
  }
  world.heal();
  const auto again = world.clone()->rerun();
  ASSERT_NE(again, nullptr);
  EXPECT_EQ(again->choices(), world.choices());
  EXPECT_FALSE(difference(*again, world).has_value());
}

TEST(StateVector, CorruptBytesAreADecodeError) {
  const auto counter = scenarios::get("counter");
  World world(counter, counter->defaults, 5);
  StateCodec codec(world);
  std::vector<std::uint8_t> bytes;
  codec.encode(world, bytes);
  bytes.push_back(0);
  EXPECT_THROW(codec.decode(bytes), core::DecodeError);
  bytes.resize(bytes.size() / 2);
  EXPECT_THROW(codec.decode(bytes), core::DecodeError);
}

}  // namespace
}  // namespace frsim::sim
