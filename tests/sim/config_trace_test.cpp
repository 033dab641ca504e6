#include <string>

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "scenarios/registry.hpp"
#include "sim/config.hpp"
#include "sim/random_walk.hpp"
#include "sim/trace.hpp"

namespace frsim::sim {
namespace {

TEST(WorldConfig, RejectsImpossibleValues) {
  WorldConfig c;
  c.devices = 0;
  EXPECT_THROW(validate(c), core::Error);
  c.devices = devices_max + 1;
  EXPECT_THROW(validate(c), core::Error);
  c = {};
  c.crashes = budget_max + 1;
  EXPECT_THROW(validate(c), core::Error);
  c = {};
  c.devices = 1;
  c.partitions = 1;
  EXPECT_THROW(validate(c), core::Error);
  EXPECT_THROW(topology_from_string("donut"), core::Error);
  EXPECT_THROW(grain_from_string("medium"), core::Error);
  EXPECT_NO_THROW(validate(WorldConfig{}));
}

TEST(WorldConfig, JsonRoundTrip) {
  WorldConfig c;
  c.devices = 5;
  c.drops = 2;
  c.dups = 3;
  c.crashes = 1;
  c.partitions = 4;
  c.grain = Grain::fine;
  c.topology = Topology::ring;
  c.nested = NestedPolicy::outer_first;
  EXPECT_EQ(config_from_json(to_json(c)), c);
  EXPECT_THROW(config_from_json(nlohmann::json{{"devices", -1}}), core::Error);
  EXPECT_THROW(config_from_json(nlohmann::json{{"topology", "donut"}}), core::Error);
  EXPECT_THROW(config_from_json(nlohmann::json{{"devices", "three"}}), core::Error);
}

std::string counter_trace_text() {
  World world(scenarios::get("counter"), WorldConfig{}, 11);
  random_walk(world, 11);
  world.heal();
  return write_trace(make_trace(world));
}

TEST(Trace, WriteReadReplayReproduces) {
  const Trace trace = read_trace(counter_trace_text());
  EXPECT_EQ(trace.scenario, "counter");
  EXPECT_TRUE(trace.healed);
  const auto world = replay(trace, scenarios::get("counter"));
  EXPECT_EQ(world->event_hash(), trace.event_hash);
  EXPECT_EQ(world->events().size(), trace.events.size());
}

TEST(Trace, ReadRejectsMalformedInput) {
  EXPECT_THROW(read_trace("{\"format\":"), TraceError);
  EXPECT_THROW(read_trace("[1,2]"), TraceError);
  // Found by the fuzzer: a number too large for a double is nlohmann's
  // out_of_range, not a parse_error; it must still be a TraceError.
  EXPECT_THROW(read_trace("-666666666666e666666666"), TraceError);
  auto j = nlohmann::json::parse(counter_trace_text());
  for (const char* key : {"format", "version", "scenario", "config", "seed", "choices", "events", "event_hash"}) {
    auto missing = j;
    missing.erase(key);
    EXPECT_THROW(read_trace(missing.dump()), TraceError) << key;
  }
  auto wrong = j;
  wrong["format"] = "something-else";
  EXPECT_THROW(read_trace(wrong.dump()), TraceError);
  wrong = j;
  wrong["version"] = 2;
  EXPECT_THROW(read_trace(wrong.dump()), TraceError);
  wrong = j;
  wrong["event_hash"] = "xyz";
  EXPECT_THROW(read_trace(wrong.dump()), TraceError);
  wrong = j;
  wrong["seed"] = "one";
  EXPECT_THROW(read_trace(wrong.dump()), TraceError);
  wrong = j;
  wrong["config"]["devices"] = 0;
  EXPECT_THROW(read_trace(wrong.dump()), TraceError);
}

TEST(Trace, ReplayDetectsDivergence) {
  const Trace good = read_trace(counter_trace_text());
  ASSERT_FALSE(good.choices.empty());
  Trace t = good;
  t.event_hash ^= 1;
  try {
    replay(t, scenarios::get("counter"));
    ADD_FAILURE() << "a wrong event hash replayed";
  } catch (const TraceError& e) {
    // Every choice applied: the message says what that means for the program.
    EXPECT_NE(std::string(e.what()).find("the same choices made other events"), std::string::npos) << e.what();
  }
  t = good;
  t.choices[0].second = "d9 something that never happens";
  EXPECT_THROW(replay(t, scenarios::get("counter")), TraceError);
  t = good;
  t.choices[0].first = 100000;
  EXPECT_THROW(replay(t, scenarios::get("counter")), TraceError);
  t = good;
  t.seed += 1;  // the same choices from another seed: same topology (mesh), but a replay checks the hash
  t.config.devices = 2;
  EXPECT_THROW(replay(t, scenarios::get("counter")), TraceError);
}

TEST(Registry, ListsSortedAndFinds) {
  const auto& all = scenarios::all();
  ASSERT_GE(all.size(), 2U);
  for (std::size_t i = 1; i < all.size(); ++i) EXPECT_LT(all[i - 1]->name, all[i]->name);
  EXPECT_NE(scenarios::find("chat"), nullptr);
  EXPECT_NE(scenarios::find("counter"), nullptr);
  EXPECT_EQ(scenarios::find("nope"), nullptr);
  EXPECT_THROW(scenarios::get("nope"), core::Error);
  for (const auto& s : all) {
    EXPECT_FALSE(s->description.empty());
    EXPECT_NO_THROW(validate(s->defaults));
  }
}

}  // namespace
}  // namespace frsim::sim
