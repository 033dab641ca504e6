// The state explorer's states (reports/states.hpp), checked against what the
// trace alone says (trace_model.hpp): faulty chat runs with drops,
// duplicates, a crash and a partition, replayed by record_run.

#include "reports/states.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "scenarios/registry.hpp"
#include "sim/random_walk.hpp"
#include "sim/trace.hpp"
#include "sim/world.hpp"
#include "trace_model.hpp"

namespace frsim::reports {
namespace {

using nlohmann::json;

struct Run {
  sim::Trace original;
  RecordedRun recorded;
};

Run faulty_chat(std::uint64_t seed, sim::Grain grain) {
  const auto scenario = scenarios::find("chat");
  sim::WorldConfig config = scenario->defaults;
  config.drops = 2;
  config.dups = 2;
  config.crashes = 1;
  config.partitions = 1;
  config.grain = grain;
  sim::World world(scenario, config, seed);
  sim::random_walk(world, seed);
  world.heal();
  return {sim::make_trace(world), record_run(scenario, config, seed, world.choices(), 64u << 20)};
}

// Every frame's device state expanded (null: as in the previous frame).
std::vector<json> expand_devices(const json& frames) {
  std::vector<json> out;
  json last = json::array();
  for (const auto& f : frames) {
    json devices = json::array();
    for (std::size_t d = 0; d < f["devices"].size(); ++d) {
      devices.push_back(f["devices"][d].is_null() ? last.at(d) : f["devices"][d]);
    }
    last = devices;
    out.push_back(devices);
  }
  return out;
}

TEST(States, TheRecordedRunIsTheRunItself) {
  for (std::uint64_t seed = 1; seed <= 4; ++seed) {
    const auto run = faulty_chat(seed, sim::Grain::fine);
    EXPECT_EQ(run.recorded.trace.event_hash, run.original.event_hash) << "seed " << seed;
    const json& frames = run.recorded.states["frames"];
    const json& events = run.recorded.trace.events;
    EXPECT_FALSE(run.recorded.states["capped"].get<bool>());
    // One frame for the created world (its last step-0 event), then one per event, in order.
    ASSERT_FALSE(frames.empty());
    const auto first = frames[0]["event"].get<std::int64_t>();
    EXPECT_EQ(events[static_cast<std::size_t>(first)]["step"], 0);
    EXPECT_NE(events[static_cast<std::size_t>(first) + 1]["step"], 0);
    EXPECT_EQ(frames.size(), events.size() - static_cast<std::size_t>(first));
    for (std::size_t k = 0; k < frames.size(); ++k) {
      EXPECT_EQ(frames[k]["event"].get<std::int64_t>(), first + static_cast<std::int64_t>(k));
    }
  }
}

TEST(States, EveryValueTheTraceDeterminesIsTheStoreShown) {
  std::size_t checked = 0;
  for (const auto grain : {sim::Grain::coarse, sim::Grain::fine}) {
    for (std::uint64_t seed = 1; seed <= 6; ++seed) {
      const auto run = faulty_chat(seed, grain);
      const json& frames = run.recorded.states["frames"];
      const json& events = run.recorded.trace.events;
      const auto devices = expand_devices(frames);
      for (std::size_t k = 0; k < frames.size(); ++k) {
        const auto event = static_cast<std::size_t>(frames[k]["event"].get<std::int64_t>());
        for (const auto& [key, value] : test::known_store(events, event)) {
          const auto& [device, label] = key;
          const json& d = devices[k].at(static_cast<std::size_t>(device));
          ASSERT_TRUE(d["up"].get<bool>()) << "event " << event;
          bool found = false;
          for (const auto& r : d["reactives"]) {
            if (r["label"] != label) continue;
            found = true;
            EXPECT_EQ(r["value"], value) << "seed " << seed << " event " << event << " d" << device << " " << label;
            ++checked;
          }
          EXPECT_TRUE(found) << label;
        }
      }
    }
  }
  EXPECT_GT(checked, 1000u);
}

// A propagation's A and P exist while it runs; after (commit) it is over and
// Σ holds the committed values of the active sources and folds.
TEST(States, CommitEndsThePropagationAndWritesTheSnapshot) {
  std::size_t commits = 0;
  for (std::uint64_t seed = 1; seed <= 4; ++seed) {
    const auto run = faulty_chat(seed, sim::Grain::fine);
    const json& frames = run.recorded.states["frames"];
    const json& events = run.recorded.trace.events;
    const auto devices = expand_devices(frames);
    for (std::size_t k = 0; k < frames.size(); ++k) {
      const json& e = events[frames[k]["event"].get<std::size_t>()];
      if (e["kind"] == "written") {
        const json& d = devices[k][e["device"].get<std::size_t>()];
        EXPECT_TRUE(d["propagating"].get<bool>());
      }
      if (e["kind"] != "committed") continue;
      ++commits;
      const json& d = devices[k][e["device"].get<std::size_t>()];
      EXPECT_FALSE(d["propagating"].get<bool>());
      EXPECT_TRUE(d["active"].empty());
      for (const auto& id : e["values"]) {  // the active reactives
        const auto r = static_cast<std::size_t>(std::stoul(id.get<std::string>()));
        const json& reactive = d["reactives"][r];
        if (reactive["kind"] == "source" || reactive["kind"] == "fold") {
          EXPECT_EQ(d["snapshot"][id.get<std::string>()], reactive["value"]) << reactive["label"];
        }
      }
    }
  }
  EXPECT_GT(commits, 10u);
}

// The network as the trace tells it: sent and duplicated copies (the copy's
// id is in the event's text, "duplicate #10 as #14") fly until delivered or
// dropped.
TEST(States, MessagesInFlightAreTheTracesOpenMessages) {
  for (std::uint64_t seed = 1; seed <= 6; ++seed) {
    const auto run = faulty_chat(seed, sim::Grain::coarse);
    const json& frames = run.recorded.states["frames"];
    const json& events = run.recorded.trace.events;
    std::multiset<std::int64_t> open;
    std::size_t next_event = 0;
    json messages = json::array();
    for (const auto& f : frames) {
      const auto event = f["event"].get<std::size_t>();
      for (; next_event <= event; ++next_event) {
        const json& e = events[next_event];
        const auto id = e.value("message", std::int64_t{0});
        if (e["kind"] == "sent") open.insert(id);
        // "duplicate #10 as #14 ...": the copy's id
        const std::string text = e["text"];
        if (const auto as = text.find("as #"); e["kind"] == "duplicated" && as != std::string::npos) {
          open.insert(std::stoll(text.substr(as + 4)));
        }
        if ((e["kind"] == "delivered" || e["kind"] == "dropped") && open.count(id) > 0) open.erase(open.find(id));
      }
      if (!f["messages"].is_null()) messages = f["messages"];
      std::multiset<std::int64_t> shown;
      for (const auto& m : messages) {
        shown.insert(m["id"].get<std::int64_t>());
        EXPECT_FALSE(m["value"].get<std::string>().empty());
      }
      EXPECT_EQ(shown, open) << "seed " << seed << " event " << event;
    }
    EXPECT_TRUE(open.empty());  // healing delivers everything
  }
}

TEST(States, ALongRunIsCappedAndSaysSo) {
  const auto scenario = scenarios::find("chat");
  sim::WorldConfig config = scenario->defaults;
  sim::World world(scenario, config, 3);
  sim::random_walk(world, 3);
  const auto recorded = record_run(scenario, config, 3, world.choices(), 4096);
  EXPECT_TRUE(recorded.states["capped"].get<bool>());
  EXPECT_LT(recorded.states["frames"].size(), recorded.trace.events.size());
}

}  // namespace
}  // namespace frsim::reports
