// Source-set DPOR: Abdulla, Aronis, Jonsson and Sagonas, "Optimal Dynamic
// Partial Order Reduction", POPL 2014, Algorithm 1 (source sets with sleep
// sets), over the world's transitions instead of threads.
//
//   Explore(E, Sleep):
//     if some p in enabled(s[E]) \ Sleep:
//       backtrack(E) := {p}
//       while some p in backtrack(E) \ Sleep:
//         for each e in dom(E) with e ⋖ next[E](p)            (a race)
//           E' := pre(E, e);  v := notdep(e, E).p
//           if I_E'(v) ∩ backtrack(E') = ∅: add some q in I_E'(v) to backtrack(E')
//         Explore(E.p, {q in Sleep | E ⊨ p ◇ q});  add p to Sleep
//
// The search is stateless: the visited set only counts distinct states and
// makes sure each is judged once; it never prunes (DPOR with state caching
// is unsound in general). Three things carry the algorithm from threads to
// this world:
//
// * Events are identified across executions by transition_key (a message by
//   its content, not its id), and depend on each other when the reduction's
//   independent() says so, or when one created a message the other takes:
//   a send happens before the delivery of its message (enabling is a
//   dependency; threads never enable each other).
// * A race e ⋖ e' is reversed only if e' could have run first: when e' is an
//   initial of v, its key must have been enabled before e. An event that the
//   chosen transition disables (a drop that spends the last drop, a fire
//   that makes the device busy) never runs later, so it can never race:
//   it joins the backtrack set of the state where it was disabled (the
//   persistent-set rule of Godefroid 1996 for disabling transitions).
// * "The faults stop here" (end_every_state: heal and judge at every state)
//   is a virtual transition `stop`, enabled everywhere and dependent on
//   everything. Every reachable state then ends some maximal execution
//   E.stop, one per Mazurkiewicz trace of E, so source sets reach every
//   state, which tests/explore checks against plain dfs state for state.
//
// The depth budget cuts executions: a campaign cut by it is not complete, but
// each transition enabled where an execution is cut takes part in the race
// analysis as if taken, so that every state within the depth is still
// reached (tests/explore checks that against bfs at the same depth).

#include <algorithm>
#include <cassert>
#include <memory>
#include <optional>
#include <vector>

#include <fmt/format.h>

#include "sim/explore/engine.hpp"
#include "sim/explore/reduction.hpp"
#include "sim/explore/run.hpp"
#include "sim/explore/search.hpp"
#include "sim/explore/visited.hpp"

namespace frsim::sim::explore {

namespace {

// Budgets and progress are looked at every this many transitions.
constexpr std::uint64_t check_every = 16;

// An event of the current execution E.
struct Happened {
  Slim slim;
  std::uint32_t index = 0;             // its position in enabled() where it was taken
  std::uint64_t needs = 0;             // content hash of the message it takes or copies; 0: none
  std::vector<std::uint64_t> created;  // content hashes of the messages it put in flight
  std::vector<bool> after;             // after[k]: E[k] happens before this event
};

// A state of E: s[pre(E, E[i])] for frames_[i].
struct Frame {
  std::unique_ptr<Run> run;
  std::vector<Transition> enabled;
  std::vector<Slim> slims;
  std::vector<std::uint64_t> backtrack;  // keys, in the order added
  std::vector<std::uint64_t> done;       // keys explored from here
  std::vector<Slim> sleep;
  bool fresh = false;      // first visit of this fingerprint: judge stop here
  bool stop_done = false;  // the virtual stop transition was taken here

  bool has(const std::vector<std::uint64_t>& keys, std::uint64_t key) const {
    return std::find(keys.begin(), keys.end(), key) != keys.end();
  }
  bool asleep(std::uint64_t key) const { return contains_key(sleep, key); }
  bool enables(std::uint64_t key) const { return contains_key(slims, key); }
  void add_backtrack(std::uint64_t key) {
    if (!has(backtrack, key)) backtrack.push_back(key);
  }
};

bool depends(const Happened& earlier, const Happened& later) {
  if (!independent(earlier.slim, later.slim)) return true;
  return later.needs != 0 &&
         std::find(earlier.created.begin(), earlier.created.end(), later.needs) != earlier.created.end();
}

class Dpor : Exhaustive {
 public:
  Dpor(const std::shared_ptr<const Scenario>& scenario, const Options& options, const MonitorFactory& monitors,
       const Control& control)
      : Exhaustive(scenario, options, monitors, control) {}

  Result run();

 private:
  BudgetHit search();
  Frame make_frame(std::unique_ptr<Run> run, std::vector<Slim> sleep);
  // Takes the virtual stop at the top frame: heal a copy and judge it.
  void stop_at_top();
  // Applies `index` at the top frame; pushes the new state unless it ends
  // the execution.
  void take(std::size_t index);
  // Source-DPOR's race loop for the last event of trail_, and for a
  // virtual stop after it.
  void reverse_races();
  void reverse_stop_races();
  // The transitions enabled where the depth budget cut the execution.
  void reverse_beyond_cut(const Frame& cut);
  // Appends an event to trail_ with its happens-before set.
  void push_event(Happened event);
  // Adds to frames_[i] an initial of v = notdep(E[i], E).last unless one is
  // already there; `last_initial` says whether the last event is an initial
  // of v (then it must have been enabled at frames_[i]).
  void add_initial(std::size_t i, const std::vector<std::size_t>& v, std::optional<std::uint64_t> last_key,
                   bool last_initial);
  // Heals and judges `run`, the end of the execution trail_ (plus `extra`).
  void judge(Run& run);
  void found(const Finding& finding, std::optional<std::uint32_t> extra = std::nullopt);
  std::vector<std::uint32_t> path() const;
  std::uint64_t memory_bytes() const;

  std::vector<Frame> frames_;
  std::vector<Happened> trail_;  // trail_[i] leads from frames_[i] to frames_[i + 1]
  std::uint64_t fallbacks_ = 0;  // backtrack keys no longer enabled: all enabled explored instead
};

Result Dpor::run() {
  BudgetHit hit = BudgetHit::none;
  try {
    hit = search();
  } catch (const core::PropagationStopped&) {
    hit = meter_.stop_reason();
  }
  if (fallbacks_ > 0) {
    result_.notes.push_back(fmt::format("dpor: {} backtrack points explored in full", fallbacks_));
  }
  return conclude(hit, frames_.empty(), memory_bytes());
}

BudgetHit Dpor::search() {
  auto root = std::make_unique<Run>(scenario_, options_.world, options_.seed, monitors_);
  root->explore_mode(meter_.stop());
  result_.properties = root->monitor().properties();
  result_.notes.push_back(options_.end_every_state
                              ? "dpor: source sets and sleep sets, stateless; every state judged once"
                              : "dpor: source sets and sleep sets, stateless");
  if (options_.symmetry) result_.notes.push_back("symmetry: not combined with dpor (a stateless search)");
  if (options_.jobs > 1) result_.notes.push_back("dpor: runs on one thread");
  frames_.push_back(make_frame(std::move(root), {}));
  // As in search.cpp, the empty schedule is judged only if it is the only
  // one; the root's stop is still a transition for the race analysis.
  frames_.back().fresh = frames_.back().enabled.empty();
  if (frames_.back().enabled.empty() && !options_.end_every_state) {
    judge(*frames_.back().run);
    frames_.clear();
  }

  BudgetHit hit = BudgetHit::none;
  std::uint64_t steps = 0;
  while (!frames_.empty() && !result_.violation) {
    if (++steps % check_every == 0) {
      hit = checkpoint(memory_bytes());
      if (hit != BudgetHit::none) break;
    }
    if (meter_.stopped()) throw core::PropagationStopped{};
    Frame& top = frames_.back();
    if (options_.end_every_state && !top.stop_done) {
      stop_at_top();
      continue;
    }
    std::optional<std::size_t> next;
    for (std::size_t b = 0; b < top.backtrack.size() && !next; ++b) {
      const std::uint64_t key = top.backtrack[b];
      if (top.has(top.done, key) || top.asleep(key)) continue;
      const auto it = std::find_if(top.slims.begin(), top.slims.end(), [key](const Slim& s) { return s.key == key; });
      if (it != top.slims.end()) {
        next = static_cast<std::size_t>(it - top.slims.begin());
        continue;
      }
      // Not enabled here after all (a race whose reversal the keys did not
      // foresee): explore everything, which is always sound.
      ++fallbacks_;
      top.done.push_back(key);
      for (const Slim& s : top.slims) top.add_backtrack(s.key);
    }
    if (!next) {
      frames_.pop_back();
      if (!trail_.empty()) {
        frames_.back().sleep.push_back(trail_.back().slim);
        trail_.pop_back();
      }
      continue;
    }
    top.done.push_back(top.slims[*next].key);
    take(*next);
  }
  return hit;
}

Frame Dpor::make_frame(std::unique_ptr<Run> run, std::vector<Slim> sleep) {
  Frame frame;
  run->world().list(frame.enabled);
  for (const Transition& t : frame.enabled) frame.slims.push_back(slim(run->world(), t));
  frame.sleep = std::move(sleep);
  frame.fresh = visited_.insert(run->world().fingerprint());
  if (!frame.fresh) ++result_.stats.revisits;
  // Algorithm 1: backtrack(E) := {p} for some p enabled and not asleep.
  for (const Slim& s : frame.slims) {
    if (!frame.asleep(s.key)) {
      frame.backtrack.push_back(s.key);
      break;
    }
  }
  frame.run = std::move(run);
  return frame;
}

void Dpor::judge(Run& run) {
  // The determinism property re-runs the schedule: its choices are the trail's.
  run.world().set_history([choices = path()] { return choices; });
  run.finish();
  ++result_.stats.schedules;
  tally_.add(run.monitor());
  if (auto finding = run.finding()) found(*finding);
}

std::vector<std::uint32_t> Dpor::path() const {
  std::vector<std::uint32_t> out;
  out.reserve(trail_.size());
  for (const Happened& e : trail_) out.push_back(e.index);
  return out;
}

void Dpor::found(const Finding& finding, std::optional<std::uint32_t> extra) {
  if (result_.violation) return;
  auto choices = path();
  if (extra) choices.push_back(*extra);
  result_.violation = Violation{finding, options_.world, options_.seed, describe_path(choices), ""};
}

void Dpor::stop_at_top() {
  Frame& top = frames_.back();
  top.stop_done = true;
  if (top.fresh) judge(*top.run->branch());
  reverse_stop_races();
}

void Dpor::take(std::size_t index) {
  Frame& parent = frames_.back();
  Happened event;
  event.slim = parent.slims[index];
  event.index = static_cast<std::uint32_t>(index);
  const World& before = parent.run->world();
  event.needs = message_content(before, parent.enabled[index]);
  std::vector<std::uint64_t> ids;
  for (const Message& m : before.network().in_flight()) ids.push_back(m.id);
  std::sort(ids.begin(), ids.end());

  auto run = parent.run->branch();
  run->apply_enabled(parent.enabled, index);
  ++result_.stats.transitions;
  for (const Message& m : run->world().network().in_flight()) {
    if (!std::binary_search(ids.begin(), ids.end(), m.id)) event.created.push_back(m.content_hash());
  }
  if (auto finding = run->finding()) {
    tally_.add(run->monitor());
    found(*finding, event.index);
    return;
  }
  push_event(std::move(event));
  const std::uint64_t depth = trail_.size();
  result_.stats.max_depth = std::max(result_.stats.max_depth, depth);
  reverse_races();

  // Sleep sets: Sleep' = {q in Sleep | E ⊨ p ◇ q}.
  std::vector<Slim> sleep;
  for (const Slim& s : parent.sleep) {
    if (independent(s, trail_.back().slim)) sleep.push_back(s);
  }
  Frame child = make_frame(std::move(run), std::move(sleep));
  // Transitions this one disabled can never race with it: try them first.
  for (const Slim& s : parent.slims) {
    if (s.key != trail_.back().slim.key && !child.enables(s.key)) parent.add_backtrack(s.key);
  }
  const bool cut = !child.enabled.empty() && depth >= options_.limits.depth_max;
  if (!child.enabled.empty() && !cut) {
    frames_.push_back(std::move(child));
    return;
  }
  // The execution ends here: nothing enabled, or the depth budget.
  depth_cut_ = depth_cut_ || cut;
  if (child.fresh) judge(*child.run);
  if ((options_.end_every_state || cut) && !result_.violation) reverse_stop_races();
  if (cut && !result_.violation) reverse_beyond_cut(child);
  frames_.back().sleep.push_back(trail_.back().slim);
  trail_.pop_back();
}

// What the depth budget cuts off cannot race, so an event independent of the
// whole trail would never be tried earlier, and the states that need it
// first (at most `depth` transitions away) would be missed. Each transition
// enabled at the cut is analysed as if taken, then stopped after: E.t.stop.
void Dpor::reverse_beyond_cut(const Frame& cut) {
  const World& world = cut.run->world();
  for (std::size_t j = 0; j < cut.enabled.size(); ++j) {
    Happened event;
    event.slim = cut.slims[j];
    event.needs = message_content(world, cut.enabled[j]);
    push_event(std::move(event));
    reverse_races();
    reverse_stop_races();
    trail_.pop_back();
  }
}

void Dpor::push_event(Happened event) {
  // happens-before: E[k] -> event iff a chain of dependent events links them.
  const std::size_t n = trail_.size();
  event.after.assign(n, false);
  for (std::size_t k = 0; k < n; ++k) {
    if (!depends(trail_[k], event)) continue;
    event.after[k] = true;
    for (std::size_t j = 0; j < k; ++j) event.after[j] = event.after[j] || trail_[k].after[j];
  }
  trail_.push_back(std::move(event));
}

void Dpor::reverse_races() {
  const std::size_t n = trail_.size() - 1;
  const Happened& last = trail_[n];
  for (std::size_t i = 0; i < n; ++i) {
    if (!last.after[i] || !depends(trail_[i], last)) continue;
    // A race: no event between them is after E[i] and before the last.
    bool covered = false;
    for (std::size_t k = i + 1; k < n && !covered; ++k) covered = trail_[k].after[i] && last.after[k];
    if (covered) continue;
    std::vector<std::size_t> v;  // notdep(E[i], E)
    for (std::size_t k = i + 1; k < n; ++k) {
      if (!trail_[k].after[i]) v.push_back(k);
    }
    const bool last_initial = std::none_of(v.begin(), v.end(), [&](std::size_t k) { return last.after[k]; });
    add_initial(i, v, last.slim.key, last_initial);
  }
}

void Dpor::reverse_stop_races() {
  // stop depends on every event, so it races with those no later event is
  // after; v = every event after E[i], then stop.
  const std::size_t n = trail_.size();
  for (std::size_t i = 0; i + 1 < n; ++i) {
    bool later = false;
    for (std::size_t k = i + 1; k < n && !later; ++k) later = trail_[k].after[i];
    if (later) continue;
    std::vector<std::size_t> v;
    for (std::size_t k = i + 1; k < n; ++k) v.push_back(k);
    add_initial(i, v, std::nullopt, false);
  }
  // i = n - 1: v is stop alone, and stop is in every frame's backtrack set.
}

void Dpor::add_initial(std::size_t i, const std::vector<std::size_t>& v, std::optional<std::uint64_t> last_key,
                       bool last_initial) {
  Frame& frame = frames_[i];
  std::vector<std::uint64_t> initials;  // I_E'(v), in the order of v
  for (std::size_t a = 0; a < v.size(); ++a) {
    const Happened& e = trail_[v[a]];
    const bool initial = std::none_of(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(a),
                                      [&](std::size_t k) { return e.after[k]; });
    if (initial) initials.push_back(e.slim.key);
  }
  if (last_initial && last_key) {
    // The last event runs first in the reversal: it must have been possible.
    if (!frame.enables(*last_key)) return;
    initials.push_back(*last_key);
  }
  for (auto key : initials) {
    if (frame.has(frame.backtrack, key)) return;
  }
  for (auto key : initials) {
    if (!frame.asleep(key)) {
      frame.add_backtrack(key);
      return;
    }
  }
}

std::uint64_t Dpor::memory_bytes() const {
  std::uint64_t bytes = visited_.bytes();
  for (const Frame& frame : frames_) {
    bytes += sizeof(Frame) + frame.enabled.capacity() * sizeof(Transition) +
             (frame.backtrack.capacity() + frame.done.capacity()) * sizeof(std::uint64_t) +
             (frame.slims.capacity() + frame.sleep.capacity()) * sizeof(Slim) + frame.run->monitor().memory_bytes();
  }
  return bytes;
}

}  // namespace

Result dpor(const std::shared_ptr<const Scenario>& scenario, const Options& options, const MonitorFactory& monitors,
            const Control& control) {
  return Dpor(scenario, options, monitors, control).run();
}

}  // namespace frsim::sim::explore
