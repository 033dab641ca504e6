// The harness's own figures that no other suite measures (issue 8, "the
// harness's own throughput"): snapshot bytes per commit on chat, and message
// bytes per added TodoMVC task, full state (what the world sends) against
// delta (what a delta CRDT would send). The paper reports 357 B per added task
// for its RGA (§5.4). Both runs are deterministic: the figures are exact, the
// times only say what one run costs.

#include <benchmark/benchmark.h>

#include <cstdint>
#include <memory>
#include <set>
#include <string>

#include "bench/allocation_counter.hpp"
#include "checker/checker.hpp"
#include "core/crdt/crdt.hpp"
#include "scenarios/registry.hpp"
#include "sim/explore/run.hpp"
#include "sim/prng.hpp"
#include "sim/world.hpp"

namespace frsim::bench {
namespace {

using core::Value;
using sim::World;

// Seeded random walks of chat on three devices (as sim_bench's); after every
// transition, each device whose snapshot committed since is charged the
// encoded size of its snapshot Σ: what durable storage writes per commit.
void BM_HarnessChatSnapshotBytesPerCommit(benchmark::State& state) {
  const auto chat = scenarios::get("chat");
  auto config = chat->defaults;
  config.devices = 3;
  std::uint64_t seed = 0;
  std::uint64_t commits = 0;
  std::uint64_t bytes = 0;
  for (auto _ : state) {
    World world(chat, config, seed);
    world.set_record_events(false);
    sim::Prng chooser(seed);
    std::vector<std::uint64_t> seen(world.devices(), 0);
    for (auto enabled = world.enabled(); !enabled.empty(); enabled = world.enabled()) {
      world.apply_enabled(enabled, static_cast<std::size_t>(chooser.below(enabled.size())));
      for (std::uint32_t d = 0; d < world.devices(); ++d) {
        const core::Snapshot& sigma = world.device(d).snapshot();
        if (sigma.commits == seen[d]) continue;
        commits += sigma.commits - seen[d];
        bytes += (sigma.commits - seen[d]) * sigma.encoded_bytes();
        seen[d] = sigma.commits;
      }
    }
    ++seed;
  }
  if (commits == 0) {
    state.SkipWithError("chat: no commit in any walk");
    return;
  }
  state.counters["snapshot_bytes_per_commit"] = static_cast<double>(bytes) / static_cast<double>(commits);
  state.counters["commits"] = static_cast<double>(commits);
}
BENCHMARK(BM_HarnessChatSnapshotBytesPerCommit)->Unit(benchmark::kMillisecond)->Iterations(20);

// TodoMVC on its two default devices, each user adding its one task (the
// scenario's own add gestures: the creation code makes reactives for exactly
// those ids), then every message delivered until quiescence (the world's
// healing phase, no faults).
//   full:  every `sent` event's value, encoded, summed, per added task;
//   delta: per added task, its one RGA node as a delta (an RGA holding only
//          that node) plus the task's LWW register (its own delta).
std::shared_ptr<const sim::Scenario> todomvc_adds_only() {
  auto scenario = std::make_shared<sim::Scenario>(*scenarios::get("todomvc"));
  const auto original = scenario->workload;
  scenario->workload = [original](std::uint32_t device, std::uint32_t devices) {
    std::vector<sim::Action> adds;
    for (sim::Action& a : original(device, devices)) {
      if (a.value.find(Value::string("op"))->as_string() == "add") adds.push_back(std::move(a));
    }
    return adds;
  };
  return scenario;
}

void BM_HarnessTodomvcMessageBytesPerAdd(benchmark::State& state) {
  const auto scenario = todomvc_adds_only();
  auto config = scenario->defaults;
  config.drops = config.dups = config.crashes = config.partitions = 0;
  std::uint64_t adds = 0;
  std::uint64_t full_bytes = 0;
  std::uint64_t delta_bytes = 0;
  for (auto _ : state) {
    World world(scenario, config, 0);
    for (std::uint32_t d = 0; d < world.devices(); ++d) adds += world.device(d).workload().size();
    // The adds (their propagations), then healing: reliable delivery and
    // exchange until quiescence. Not "the first enabled transition until
    // none": a value sent to a device that has no reactive of that name yet
    // may be sent again (the receiver cannot take it), so that schedule,
    // which never delivers the list that creates the reactive, is endless.
    for (bool fired = true; fired;) {
      fired = false;
      const auto enabled = world.enabled();
      for (std::size_t i = 0; i < enabled.size() && !fired; ++i) {
        if (enabled[i].kind == sim::TransitionKind::fire || enabled[i].kind == sim::TransitionKind::step) {
          world.apply_enabled(enabled, i);
          fired = true;
        }
      }
    }
    world.heal();
    for (const sim::Event& e : world.events()) {
      if (e.kind == sim::EventKind::sent) full_bytes += e.values.at(0).encoded_size();
    }
    const auto list = world.device(0).value("todos");
    if (!list) {
      state.SkipWithError("todomvc: device 0 has no \"todos\"");
      return;
    }
    for (const auto& [id, node] : core::crdt::as<core::crdt::Rga>(*list).nodes()) {
      const core::Rc<const core::crdt::Rga> delta = core::make_rc<core::crdt::Rga>(
          core::crdt::Rga::Nodes{{id, node}}, std::set<core::crdt::Rga::NodeId>{});
      delta_bytes += core::crdt::to_value(delta).encoded_size();
      const std::string& task = node.value.find(Value::string("id"))->as_named_ref();
      const auto reg = world.device(0).value(task);
      if (!reg) {
        state.SkipWithError("todomvc: a listed task has no reactive");
        return;
      }
      delta_bytes += reg->encoded_size();
    }
  }
  if (adds == 0) {
    state.SkipWithError("todomvc: no add gesture in the workload");
    return;
  }
  state.counters["full_bytes_per_add"] = static_cast<double>(full_bytes) / static_cast<double>(adds);
  state.counters["delta_bytes_per_add"] = static_cast<double>(delta_bytes) / static_cast<double>(adds);
}
BENCHMARK(BM_HarnessTodomvcMessageBytesPerAdd)->Unit(benchmark::kMillisecond)->Iterations(5);

// What a breadth-first search stores with every node of its frontier beside
// the state vector: a copy of the checker's monitor, every property on. The
// scenario runs a seeded schedule of 40 transitions (the same choices as
// tests/checker/monitor_bytes_test.cpp), then the monitor is copied: the
// bytes and allocations of one copy, counted by this binary's operator new
// (deterministic; the time is what one copy costs).
void BM_HarnessMonitorCopy(benchmark::State& state, const char* name) {
  const auto scenario = scenarios::get(name);
  sim::explore::Run run(scenario, scenario->defaults, 1, checker::monitor_factory(*scenario));
  sim::Prng prng(1);
  run.walk(40, prng);
  const std::uint64_t bytes_before = allocation_bytes();
  const std::uint64_t count_before = allocation_count();
  std::uint64_t copies = 0;
  for (auto _ : state) {
    auto copy = run.monitor().clone();
    benchmark::DoNotOptimize(copy.get());
    ++copies;
  }
  state.counters["bytes_per_copy"] =
      static_cast<double>(allocation_bytes() - bytes_before) / static_cast<double>(copies);
  state.counters["allocations_per_copy"] =
      static_cast<double>(allocation_count() - count_before) / static_cast<double>(copies);
}
BENCHMARK_CAPTURE(BM_HarnessMonitorCopy, chat, "chat");
BENCHMARK_CAPTURE(BM_HarnessMonitorCopy, counter, "counter");
BENCHMARK_CAPTURE(BM_HarnessMonitorCopy, todomvc, "todomvc");

}  // namespace
}  // namespace frsim::bench
