#include "sim/explore/walk.hpp"

#include <algorithm>
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
  std::vector<std::pair<std::size_t, std::string>> choices;  // if finding
  Tally tally;
};

Outcome run_schedule(const std::shared_ptr<const Scenario>& scenario, const Options& options,
                     const MonitorFactory& monitors, std::uint64_t number) {
  auto scheduler = make_scheduler(options);
  Outcome out;
  out.config = scheduler->start(schedule_seed(options.seed, number), options.world);
  out.description = fmt::format("{} schedule {}", scheduler->describe(), number);
  Run run(scenario, out.config, options.seed, monitors);
  while (out.indices.size() < options.limits.depth_max && out.indices.size() < out.config.steps_max) {
    const auto enabled = run.world().enabled();
    if (enabled.empty()) break;
    const std::size_t index = scheduler->choose(run.world(), enabled);
    run.apply_index(index);
    out.indices.push_back(static_cast<std::uint32_t>(index));
    out.fingerprints.push_back(run.world().fingerprint());
    if (run.finding()) break;
  }
  if (!run.finding()) run.finish();
  out.finding = run.finding();
  out.tally.add(run.monitor());
  out.event_hash = run.world().event_hash();
  if (out.finding) out.choices = run.world().choices();
  return out;
}

// The replay-determinism self-check (a wrapper around any scheduler): the same
// choices on a fresh world must give the same event stream (Lemma 4.12).
std::optional<Finding> recheck(const std::shared_ptr<const Scenario>& scenario, const Options& options,
                               const MonitorFactory& monitors, const Outcome& outcome) {
  auto again = Run::replay(scenario, outcome.config, options.seed, monitors, outcome.indices);
  if (!outcome.finding) again->finish();
  if (again->world().event_hash() == outcome.event_hash) return std::nullopt;
  Finding finding;
  finding.property = "replay-determinism";
  finding.message = fmt::format("replaying the same {} choices gave event hash {} instead of {}",
                                outcome.indices.size(), hex16(again->world().event_hash()),
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
    run_batch(options.jobs, count, [&](std::size_t i) {
      outcomes[i] = run_schedule(scenario, options, monitors, next + i);
      const bool sample = options.determinism_every > 0 && (next + i) % options.determinism_every == 0;
      if (sample && !outcomes[i].finding) {
        if (auto finding = recheck(scenario, options, monitors, outcomes[i])) outcomes[i].finding = finding;
      }
    });
    for (std::size_t i = 0; i < count && !result.violation; ++i) {
      Outcome& o = outcomes[i];
      result.stats.transitions += o.indices.size();
      result.stats.states += o.indices.size() + 1;
      result.stats.max_depth = std::max<std::uint64_t>(result.stats.max_depth, o.indices.size());
      ++result.stats.schedules;
      tally.add(o.tally);
      for (auto fp : o.fingerprints) {
        if (!counting) break;
        visited.insert(fp);
        counting = !visited.full();
      }
      ++next;
      if (o.finding) {
        result.violation = Violation{*o.finding, o.config, options.seed, std::move(o.choices), o.description};
      }
    }
    result.stats.distinct_states = visited.size();
    result.stats.memory_bytes = visited.bytes();
    meter.update(result.stats);
    if (result.violation) break;
    // The visited set only counts here, so filling it is no reason to stop.
    Stats budgeted = result.stats;
    budgeted.memory_bytes = 0;
    budgeted.schedules = next - options.first_schedule;
    hit = meter.check(budgeted, result.stats.states);
    if (hit != BudgetHit::none) break;
  }
  if (!counting) result.notes.push_back("distinct_states: counted until the visited set was full");
  conclude_tally(result, tally);
  result.budget_hit = result.violation ? BudgetHit::none : hit;
  result.complete = false;  // sampling never covers every schedule
  result.next_schedule = next;
  meter.update(result.stats);
  return result;
}

}  // namespace frsim::sim::explore
