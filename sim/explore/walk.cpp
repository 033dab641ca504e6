#include "sim/explore/walk.hpp"

#include <algorithm>
#include <atomic>
#include <optional>

#include <fmt/format.h>

#include "core/hash.hpp"
#include "sim/explore/engine.hpp"
#include "sim/explore/run.hpp"
#include "sim/explore/scheduler.hpp"
#include "sim/explore/visited.hpp"

namespace frsim::sim::explore {

namespace {

// Schedules per batch: a constant, so results do not depend on --jobs.
constexpr std::uint64_t walk_batch = 16;

struct Outcome {
  WorldConfig config;
  std::string description;
  std::vector<std::uint32_t> indices;
  std::vector<std::uint64_t> fingerprints;  // of every state after a transition
  std::uint64_t event_hash = 0;
  std::optional<Finding> finding;
  Tally tally;
};

// One initial world per thread: each schedule starts from a copy of it, not
// from the scenario's creation code (a world is a value, sim/world.hpp).
class Templates {
 public:
  Templates(const std::shared_ptr<const Scenario>& scenario, const Options& options)
      : scenario_(scenario), options_(options), worlds_(std::max<std::uint32_t>(options.jobs, 1)) {}
  std::unique_ptr<World> copy(std::size_t worker, const WorldConfig& config) {
    auto& initial = worlds_.at(worker);
    if (!initial) initial = std::make_unique<World>(scenario_, options_.world, options_.seed);
    auto world = std::make_unique<World>(*initial);
    world->reconfigure(config);
    return world;
  }

 private:
  std::shared_ptr<const Scenario> scenario_;
  const Options& options_;
  std::vector<std::unique_ptr<World>> worlds_;
};

// `hash`: keep the event hash, for the determinism recheck.
Outcome run_schedule(Templates& templates, std::size_t worker, const Options& options, const MonitorFactory& monitors,
                     std::uint64_t number, bool hash, const std::atomic<bool>* stop) {
  auto scheduler = make_scheduler(options);
  Outcome out;
  out.config = scheduler->start(schedule_seed(options.seed, number), options.world);
  out.description = fmt::format("{} schedule {}", scheduler->describe(), number);
  Run run(templates.copy(worker, out.config), monitors());
  run.explore_mode(stop, hash);
  std::vector<Transition> enabled;
  while (out.indices.size() < options.limits.depth_max && out.indices.size() < out.config.steps_max) {
    if (stop->load(std::memory_order_relaxed)) throw core::PropagationStopped{};
    run.world().list(enabled);
    if (enabled.empty()) break;
    const std::size_t index = scheduler->choose(run.world(), enabled);
    run.apply_enabled(enabled, index);
    out.indices.push_back(static_cast<std::uint32_t>(index));
    out.fingerprints.push_back(run.world().fingerprint());
    if (run.finding()) break;
  }
  // The determinism property re-runs the schedule from these choices.
  run.world().set_history([&out] { return out.indices; });
  if (!run.finding()) run.finish();
  run.world().set_history({});
  out.finding = run.finding();
  out.tally.add(run.monitor());
  out.event_hash = run.world().event_hash();
  return out;
}

// The replay-determinism self-check (a wrapper around any scheduler): the same
// choices on a fresh world must give the same event stream (Lemma 4.12).
std::optional<Finding> recheck(const std::shared_ptr<const Scenario>& scenario, const Options& options,
                               const MonitorFactory& monitors, const Outcome& outcome,
                               const std::atomic<bool>* stop) {
  Run again(scenario, outcome.config, options.seed, monitors);
  again.explore_mode(stop, true);
  std::vector<Transition> enabled;
  for (const std::uint32_t index : outcome.indices) {
    again.world().list(enabled);
    again.apply_enabled(enabled, index);
  }
  if (!outcome.finding) {
    again.world().set_history([&outcome] { return outcome.indices; });
    again.finish();
  }
  if (again.world().event_hash() == outcome.event_hash) return std::nullopt;
  Finding finding;
  finding.property = "replay-determinism";
  finding.message = fmt::format("replaying the same {} choices gave event hash {} instead of {}",
                                outcome.indices.size(), hex16(again.world().event_hash()),
                                hex16(outcome.event_hash));
  return finding;
}

}  // namespace

std::uint64_t schedule_seed(std::uint64_t campaign_seed, std::uint64_t number) {
  return core::hash_combine(core::mix64(campaign_seed), number);
}

Result walk(const std::shared_ptr<const Scenario>& scenario, const Options& options, const MonitorFactory& monitors,
            const Control& control) {
  Result result;
  result.properties = monitors()->properties();
  Tally tally;
  Meter meter(options.limits, control);
  Templates templates(scenario, options);
  VisitedSet visited(options.limits.memory_bytes_max / 2, false);
  bool counting = true;  // distinct states, while the visited set has room
  std::uint64_t next = options.first_schedule;
  const std::uint64_t last = options.first_schedule + options.limits.schedules_max;
  BudgetHit hit = BudgetHit::none;
  while (!result.violation) {
    const std::uint64_t count = std::min(walk_batch, last - next);
    if (count == 0) {
      hit = BudgetHit::schedules;
      break;
    }
    std::vector<Outcome> outcomes(count);
    try {
      run_batch(options.jobs, count, [&](std::size_t i, std::size_t worker) {
        const bool sample = options.determinism_every > 0 && (next + i) % options.determinism_every == 0;
        outcomes[i] = run_schedule(templates, worker, options, monitors, next + i, sample, meter.stop());
        if (sample && !outcomes[i].finding) {
          if (auto finding = recheck(scenario, options, monitors, outcomes[i], meter.stop())) {
            outcomes[i].finding = finding;
          }
        }
      });
    } catch (const core::PropagationStopped&) {
      // The budget ran out inside a batch: what it did is dropped.
      hit = meter.stop_reason();
      break;
    }
    for (std::size_t i = 0; i < count && !result.violation; ++i) {
      Outcome& o = outcomes[i];
      // states_max bounds the states walked through when sampling, revisits
      // included: every schedule's initial state and one per transition. A
      // walk that would pass it is not counted (nor any after it: the next
      // run, resumed, starts there), so the budget is never exceeded.
      if (result.stats.transitions + result.stats.schedules + o.indices.size() + 1 > options.limits.states_max) {
        hit = BudgetHit::states;
        break;
      }
      result.stats.transitions += o.indices.size();
      result.stats.max_depth = std::max<std::uint64_t>(result.stats.max_depth, o.indices.size());
      ++result.stats.schedules;
      tally.add(o.tally);
      for (auto fp : o.fingerprints) {
        if (!counting) break;
        if (!visited.insert(fp)) ++result.stats.revisits;
        counting = !visited.full();
      }
      ++next;
      if (o.finding) {
        result.violation = Violation{*o.finding, o.config, options.seed,
                                     describe_path(scenario, o.config, options.seed, o.indices), o.description};
      }
    }
    result.stats.states = result.stats.distinct_states = visited.size();
    result.stats.memory_bytes = visited.bytes();
    meter.update(result.stats);
    if (result.violation || hit != BudgetHit::none) break;
    // The visited set only counts here, so filling it is no reason to stop.
    Stats budgeted = result.stats;
    budgeted.memory_bytes = 0;
    budgeted.schedules = next - options.first_schedule;
    hit = meter.check(budgeted, result.stats.transitions + result.stats.schedules);
    if (hit != BudgetHit::none) break;
  }
  if (!counting) result.notes.push_back("distinct_states: counted until the visited set was full");
  conclude_tally(result, tally);
  result.budget_hit = result.violation ? BudgetHit::none : hit;
  result.complete = false;  // sampling never covers every schedule
  result.next_schedule = next;
  result.stats.states = result.stats.distinct_states = visited.size();
  meter.update(result.stats);
  return result;
}

}  // namespace frsim::sim::explore
