// Symmetry reduction that renames device numbers inside values (issue 14):
// checked against an explorer written here that knows nothing of
// explore::Symmetry's fingerprint. It enumerates every reachable state of a
// small world plainly, builds each state's image under every permutation of
// devices by replaying the permuted schedule (device d's transitions taken by
// device π(d), messages matched by renamed content), and then requires:
//   - every image is a reachable state (the program treats devices alike);
//   - two states share a symmetric fingerprint exactly when one is an image
//     of the other (nothing merged that is not a renaming, nothing missed);
//   - the symmetric search stores exactly one state per orbit, so with the
//     plain search's states it finds every one of them up to renaming, with
//     the same verdict.

#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "checker/checker.hpp"
#include "core/crdt/crdt.hpp"
#include "scenarios/registry.hpp"
#include "sim/explore/explore.hpp"
#include "sim/explore/reduction.hpp"
#include "sim/view.hpp"

namespace frsim::sim::explore {
namespace {

using Path = std::vector<std::size_t>;
using Permutation = std::vector<std::uint32_t>;

World fresh(const std::shared_ptr<const Scenario>& scenario, const WorldConfig& config) {
  World world(scenario, config, 1);
  world.set_record_events(false);
  world.set_hash_events(false);
  return world;
}

// Every state reachable within `depth_max` transitions: plain fingerprint ->
// a shortest path to it (indices into list()).
std::map<std::uint64_t, Path> reachable(const std::shared_ptr<const Scenario>& scenario, const WorldConfig& config,
                                        std::size_t depth_max) {
  std::map<std::uint64_t, Path> out;
  std::deque<std::pair<World, Path>> frontier;
  frontier.emplace_back(fresh(scenario, config), Path{});
  out[frontier.front().first.fingerprint()] = {};
  std::vector<Transition> enabled;
  while (!frontier.empty()) {
    auto [world, path] = std::move(frontier.front());
    frontier.pop_front();
    if (path.size() >= depth_max) continue;
    world.list(enabled);
    for (std::size_t i = 0; i < enabled.size(); ++i) {
      World child = world;
      child.apply_enabled(enabled, i);
      Path next = path;
      next.push_back(i);
      if (out.emplace(child.fingerprint(), next).second) frontier.emplace_back(std::move(child), std::move(next));
    }
  }
  return out;
}

std::uint32_t image(const Permutation& to_new, std::uint32_t d) { return d == no_device ? d : to_new.at(d); }

// The name of the distributed reactive a send sends; empty for any other transition.
std::string sent_name(const World& world, const Transition& t) {
  const auto* d = world.distributed_of(t);
  return d != nullptr ? d->name : std::string();
}

// Transition `t` of `world`, as device numbers renamed by `to_new` make it a
// transition of `other` (the image world): its index there, if it has one.
std::optional<std::size_t> image_of(const World& world, const Transition& t, const World& other,
                                    const std::vector<Transition>& enabled, const Permutation& to_new) {
  const Message* m = world.network().find(t.message);
  std::optional<core::Value> value;
  if (m != nullptr) value = world.scenario().rename_devices(m->value, to_new);
  for (std::size_t i = 0; i < enabled.size(); ++i) {
    const Transition& u = enabled[i];
    if (u.kind != t.kind || u.device != image(to_new, t.device) || u.peer != image(to_new, t.peer) ||
        u.reactive != t.reactive || sent_name(other, u) != sent_name(world, t)) {
      continue;
    }
    if (m == nullptr) return i;
    const Message* n = other.network().find(u.message);
    if (n == nullptr || !value) continue;
    const bool from = world.network().anonymous() || n->from == image(to_new, m->from);
    if (from && n->to == image(to_new, m->to) && n->name == m->name && n->value == *value) return i;
  }
  return std::nullopt;
}

// The plain fingerprint of the state `path` reaches with every device d
// acting as device to_new[d]; nullopt where some step has no image.
std::optional<std::uint64_t> image_state(const std::shared_ptr<const Scenario>& scenario, const WorldConfig& config,
                                         const Path& path, const Permutation& to_new) {
  World world = fresh(scenario, config), other = fresh(scenario, config);
  std::vector<Transition> enabled, other_enabled;
  for (std::size_t index : path) {
    world.list(enabled);
    other.list(other_enabled);
    const auto i = image_of(world, enabled.at(index), other, other_enabled, to_new);
    if (!i) return std::nullopt;
    world.apply_enabled(enabled, index);
    other.apply_enabled(other_enabled, *i);
  }
  return other.fingerprint();
}

std::vector<Permutation> all_permutations(std::uint32_t devices) {
  Permutation p(devices);
  for (std::uint32_t d = 0; d < devices; ++d) p[d] = d;
  std::vector<Permutation> out;
  do {
    out.push_back(p);
  } while (std::next_permutation(p.begin(), p.end()));
  return out;
}

std::string verdict(const Result& r) {
  if (r.violation) return r.violation->finding.property;
  return r.complete ? "holds" : "inconclusive";
}

Result search(const std::shared_ptr<const Scenario>& scenario, const WorldConfig& config, std::size_t depth_max,
              bool symmetry) {
  Options o;
  o.strategy = Strategy::bfs;
  o.world = config;
  o.limits.depth_max = depth_max;
  o.symmetry = symmetry;
  return explore(*scenario, o, checker::monitor_factory(*scenario));
}

struct Figures {
  std::size_t states = 0;
  std::size_t orbits = 0;
};

// The checks of the file comment, on one scenario and world.
Figures expect_one_state_per_orbit(const std::shared_ptr<const Scenario>& scenario, const WorldConfig& config,
                                   std::size_t depth_max) {
  const auto states = reachable(scenario, config, depth_max);
  const Symmetry symmetry(fresh(scenario, config));
  const auto permutations = all_permutations(config.devices);
  EXPECT_EQ(symmetry.permutations(), permutations.size()) << symmetry.explanation();
  std::map<std::uint64_t, std::set<std::uint64_t>> orbits;  // symmetric fingerprint -> plain states
  std::map<std::uint64_t, std::set<std::uint64_t>> images;  // plain state -> its images
  for (const auto& [fp, path] : states) {
    World world = fresh(scenario, config);
    for (std::size_t index : path) world.apply_index(index);
    orbits[symmetry.fingerprint(world)].insert(fp);
    for (const auto& p : permutations) {
      const auto to = image_state(scenario, config, path, p);
      EXPECT_TRUE(to.has_value()) << "a step has no image under a permutation";
      if (to) images[fp].insert(*to);
    }
  }
  for (const auto& [fp, image_set] : images) {
    for (std::uint64_t to : image_set) EXPECT_TRUE(states.contains(to)) << "an image is not reachable";
  }
  for (const auto& [canonical, members] : orbits) {
    // Every member is an image of the first one, and every image of it is a member.
    const auto& of_first = images[*members.begin()];
    for (std::uint64_t m : members) EXPECT_TRUE(of_first.contains(m)) << "merged states that are not renamings";
    for (std::uint64_t to : of_first) EXPECT_TRUE(members.contains(to)) << "an image with another fingerprint";
  }
  EXPECT_FALSE(symmetry.broken());
  const Result plain = search(scenario, config, depth_max, false);
  const Result reduced = search(scenario, config, depth_max, true);
  EXPECT_EQ(plain.stats.distinct_states, states.size());
  // The reduced search's states are symmetric fingerprints of reachable
  // states; as many as there are orbits, so every orbit is found.
  EXPECT_EQ(reduced.stats.distinct_states, orbits.size());
  EXPECT_EQ(verdict(reduced), verdict(plain));
  return {states.size(), orbits.size()};
}

WorldConfig no_faults(WorldConfig config, std::uint32_t devices) {
  config.devices = devices;
  config.drops = config.dups = config.crashes = config.partitions = 0;
  return config;
}

// Counter with one click per device (the whole workload makes the
// enumeration above too slow for ctest).
std::shared_ptr<const Scenario> one_click_counter() {
  auto s = std::make_shared<Scenario>(*scenarios::get("counter"));
  s->workload = [](std::uint32_t, std::uint32_t) {
    return std::vector<Action>{Action::fire("click", core::Value::integer(1))};
  };
  return s;
}

TEST(SymmetryInValues, CounterOnThreeDevicesHasOneStatePerOrbit) {
  const auto counter = one_click_counter();
  // Within 6 transitions (an image of a path is as long as the path).
  const auto f = expect_one_state_per_orbit(counter, no_faults(counter->defaults, 3), 6);
  EXPECT_LT(f.orbits * 3, f.states) << "three interchangeable devices: orbits of up to 6 states";
  RecordProperty("states", static_cast<int>(f.states));
  RecordProperty("orbits", static_cast<int>(f.orbits));
}

TEST(SymmetryInValues, CounterWithFaultsOnTwoDevicesHasOneStatePerOrbit) {
  const auto counter = one_click_counter();
  WorldConfig config = no_faults(counter->defaults, 2);
  config.drops = config.dups = 1;
  const auto f = expect_one_state_per_orbit(counter, config, 60);
  EXPECT_LT(f.orbits, f.states);
}

// A partition's sides travel with the devices, and so does every part of the
// signatures that decide which images compete (Symmetry::sorts_by_signature):
// a crash and a partition on three devices.
TEST(SymmetryInValues, CounterWithACrashAndAPartitionOnThreeDevicesHasOneStatePerOrbit) {
  const auto counter = one_click_counter();
  WorldConfig config = no_faults(counter->defaults, 3);
  config.crashes = config.partitions = 1;
  const auto f = expect_one_state_per_orbit(counter, config, 4);
  EXPECT_LT(f.orbits * 2, f.states);
}

TEST(SymmetryInValues, GsetReplicationHasOneStatePerOrbit) {
  const auto gset = scenarios::get("gset-replication");
  WorldConfig config = gset->defaults;
  config.devices = 2;
  const auto f = expect_one_state_per_orbit(gset, config, 60);
  EXPECT_LT(f.orbits, f.states);
}

// A scenario with OR-Set dots (lasp-map's program) where every device does
// the same edits.
TEST(SymmetryInValues, OrSetDotsAreRenamed) {
  auto s = std::make_shared<Scenario>(*scenarios::get("lasp-map"));
  const auto full = s->workload;
  s->workload = [full](std::uint32_t, std::uint32_t devices) {
    auto actions = full(0, devices);
    actions.resize(2);
    return actions;
  };
  const auto f = expect_one_state_per_orbit(s, no_faults(s->defaults, 2), 60);
  EXPECT_LT(f.orbits, f.states);
}

// The memo of canonical fingerprints (Symmetry::memo_limit) remembers a pure
// function: with the smallest memo (4,096 slots, fewer than the states, so
// slots are overwritten and reused) every state of gset-replication on three
// devices with a drop gets the fingerprint it gets without one, asked in two
// orders and twice each.
TEST(SymmetryInValues, MemoOfCanonicalFingerprintsChangesNoFingerprint) {
  const auto gset = scenarios::get("gset-replication");
  WorldConfig config = gset->defaults;
  config.devices = 3;
  config.drops = 1;
  const auto states = reachable(gset, config, 8);
  ASSERT_GT(states.size(), 4096u * 2) << "fewer states than the memo holds would not evict";
  std::vector<World> worlds;
  for (const auto& [fp, path] : states) {
    World world = fresh(gset, config);
    for (std::size_t index : path) world.apply_index(index);
    worlds.push_back(std::move(world));
  }
  const Symmetry plain(fresh(gset, config));
  Symmetry memoized(fresh(gset, config));
  memoized.memo_limit(4096 * 16);
  ASSERT_GT(plain.permutations(), 1u);
  std::vector<std::uint64_t> expected;
  for (const World& w : worlds) expected.push_back(plain.fingerprint(w));
  for (int round = 0; round < 2; ++round) {
    for (std::size_t i = 0; i < worlds.size(); ++i) EXPECT_EQ(memoized.fingerprint(worlds[i]), expected[i]) << i;
    for (std::size_t i = worlds.size(); i-- > 0;) EXPECT_EQ(memoized.fingerprint(worlds[i]), expected[i]) << i;
  }
  EXPECT_GT(memoized.memo_bytes(), 0u);
  EXPECT_LE(memoized.memo_bytes(), 4096u * 16);
  // Orbits merge: the test compares more than the identity.
  EXPECT_LT(std::set<std::uint64_t>(expected.begin(), expected.end()).size(), worlds.size());
}

bool symmetry_off_or_trivial(const World& world) { return Symmetry(world).trivial(); }

// Devices that differ get no permutation: a workload that depends on the
// device (device d clicks d + 1 times), and lasp-map's own workloads.
TEST(SymmetryInValues, DevicesThatDifferAreNotInterchangeable) {
  auto s = std::make_shared<Scenario>(*scenarios::get("counter"));
  s->workload = [](std::uint32_t device, std::uint32_t) {
    return std::vector<Action>(device + 1, Action::fire("click", core::Value::integer(1)));
  };
  EXPECT_TRUE(symmetry_off_or_trivial(fresh(s, no_faults(s->defaults, 3))));
  const auto lasp = scenarios::get("lasp-map");
  EXPECT_TRUE(symmetry_off_or_trivial(fresh(lasp, no_faults(lasp->defaults, 3))));
  // The same counter with equal workloads does get them (the check above is
  // not vacuous).
  const auto counter = scenarios::get("counter");
  EXPECT_EQ(Symmetry(fresh(counter, no_faults(counter->defaults, 3))).permutations(), 6u);
  // A program that keys its counter by device number + 1 (not what
  // rename_replicas assumes) is caught by the probe too.
  auto shifted = std::make_shared<Scenario>(*counter);
  shifted->create = [](core::Runtime& rt, const DeviceContext& ctx) {
    using core::crdt::GCounter;
    const auto click = rt.source(core::Value::integer(0), "click");
    rt.distributed_fold("clicks", click, core::crdt::to_value(GCounter::empty()),
                        [replica = ctx.device + 1](const core::Value& state, const core::Value&) {
                          return core::crdt::to_value(core::crdt::as<GCounter>(state).increment(replica, 1));
                        });
  };
  EXPECT_TRUE(symmetry_off_or_trivial(fresh(shifted, no_faults(shifted->defaults, 3))));
}

// The third outside probe's lobby: every device knocks once on a G-Set;
// the host d0's code also adds "alarm" when it knocks after a guest's
// knock arrived. Each device's workload run alone ends in {"knock"}, so a
// probe of that alone put d0 with d1, the symmetric search pruned the states
// where d1 knocks first, and a broken program was "complete, holds" (with
// --resends 0). The probe also runs each device after another.
TEST(SymmetryInValues, ADeviceThatDiffersOnlyAfterAMessageIsNotInterchangeable) {
  using core::crdt::GSet;
  const auto knock_text = core::Value::string("knock");
  const auto alarm_text = core::Value::string("alarm");
  auto lobby = std::make_shared<Scenario>();
  lobby->name = "lobby";
  lobby->create = [=](core::Runtime& rt, const DeviceContext& ctx) {
    const auto knock = rt.source(core::Value::unit(), "knock");
    rt.distributed_fold("lobby", knock, core::crdt::to_value(GSet::empty()),
                        [=, host = ctx.device == 0](const core::Value& state, const core::Value&) {
                          const auto& set = core::crdt::as<GSet>(state);
                          auto next = set.add(knock_text);
                          if (host && set.contains(knock_text)) next = next->add(alarm_text);  // the host's bug
                          return core::crdt::to_value(next);
                        });
  };
  lobby->workload = [](std::uint32_t, std::uint32_t) {
    return std::vector<Action>{Action::fire("knock", core::Value::unit())};
  };
  lobby->properties = {UserProperty::always("no-alarm", "no lobby holds an alarm", [=](const View& view) {
    for (const auto& v : view.values("lobby")) {
      if (v && core::crdt::as<GSet>(*v).contains(alarm_text)) return false;
    }
    return true;
  })};
  lobby->defaults.devices = 2;
  lobby->defaults.initial_values_known = true;
  WorldConfig config = no_faults(lobby->defaults, 2);
  config.resends = 0;
  EXPECT_TRUE(symmetry_off_or_trivial(fresh(lobby, config)));
  Options o;
  o.world = config;
  o.symmetry = true;
  o.por = Por::sleep;
  const Result r = explore(*lobby, o, checker::monitor_factory(*lobby));
  ASSERT_TRUE(r.violation.has_value()) << "the symmetric search missed the host's alarm";
  EXPECT_EQ(r.violation->finding.property, "no-alarm");
}

// Chat keeps its rooms in RGAs, which order concurrent inserts by replica
// id: no permutation renames them faithfully, so symmetry stays off (even
// with every device typing the same) and the search is the plain one.
TEST(SymmetryInValues, ChatIsNotReducedAndKeepsItsStates) {
  auto chat = std::make_shared<Scenario>(*scenarios::get("chat"));
  const auto full = chat->workload;
  chat->workload = [full](std::uint32_t, std::uint32_t devices) { return full(0, devices); };
  const WorldConfig config = no_faults(chat->defaults, 2);
  const Symmetry symmetry(fresh(chat, config));
  EXPECT_TRUE(symmetry.trivial());
  EXPECT_TRUE(symmetry.explanation().starts_with("symmetry: off (a value orders device numbers"))
      << symmetry.explanation();
  const Result plain = search(chat, config, 6, false);
  const Result reduced = search(chat, config, 6, true);
  EXPECT_EQ(reduced.stats.distinct_states, plain.stats.distinct_states);
  EXPECT_EQ(verdict(reduced), verdict(plain));
}

// A program whose values order device numbers only in a state between its
// ends (an LWW register written while the merged count is exactly 3; each
// device clicks twice): the probe, which looks at each device's store after
// its workload, alone and after another's (counts 2 and 4), cannot see
// it; the search meets it and stops claiming completeness instead of
// trusting merges that were not renamings.
TEST(SymmetryInValues, AValueThatOrdersDeviceNumbersFoundLateMakesTheSearchIncomplete) {
  auto s = std::make_shared<Scenario>(*scenarios::get("counter"));
  s->create = [](core::Runtime& rt, const DeviceContext& ctx) {
    using core::crdt::GCounter;
    using core::crdt::LwwRegister;
    const auto click = rt.source(core::Value::integer(0), "click");
    const auto clicks = rt.distributed_fold(
        "clicks", click, core::crdt::to_value(GCounter::empty()),
        [replica = ctx.device](const core::Value& state, const core::Value&) {
          return core::crdt::to_value(core::crdt::as<GCounter>(state).increment(replica, 1));
        });
    rt.map(
        {clicks},
        [replica = ctx.device](std::span<const core::Value> in) {
          const bool met = core::crdt::as<GCounter>(in[0]).count() == 3;
          const auto reg = LwwRegister::empty();
          return core::crdt::to_value(met ? reg->assign(replica, core::Value::integer(1)) : reg);
        },
        "stamp");
  };
  s->workload = [](std::uint32_t, std::uint32_t) {
    return std::vector<Action>(2, Action::fire("click", core::Value::integer(1)));
  };
  s->device_local = {"stamp"};  // stamped by each device: not compared across them
  const WorldConfig config = no_faults(s->defaults, 2);
  EXPECT_EQ(Symmetry(fresh(s, config)).permutations(), 2u);
  const Result plain = search(s, config, 60, false);
  const Result reduced = search(s, config, 60, true);
  EXPECT_TRUE(plain.complete);
  EXPECT_FALSE(reduced.complete);
  EXPECT_TRUE(std::any_of(reduced.notes.begin(), reduced.notes.end(),
                          [](const std::string& n) { return n.starts_with("symmetry: a state held a value"); }));
}

}  // namespace
}  // namespace frsim::sim::explore
