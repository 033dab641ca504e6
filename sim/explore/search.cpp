#include "sim/explore/search.hpp"

#include <algorithm>
#include <cassert>
#include <deque>
#include <map>
#include <unordered_map>
#include <memory>
#include <optional>
#include <set>
#include <cstring>
#include <span>

#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "core/shared_memory.hpp"
#include "sim/explore/engine.hpp"
#include "sim/explore/reduction.hpp"
#include "sim/explore/run.hpp"
#include "sim/explore/visited.hpp"
#include "sim/state.hpp"

namespace frsim::sim::explore {

namespace {

double level_room_scale = 1;  // set_level_room_scale_for_testing

// Nodes per batch: a batch's nodes are expanded, then their children merged
// into the frontier in order, and the budgets checked. A child claims its
// state in the visited set when it is stepped to (Search::step), so a state
// is healed and judged once, by whichever node reached it first.
constexpr std::size_t bfs_batch = 32;
constexpr std::size_t dfs_batch = 4;

// What sleep sets remember of a node (none without them).
struct Asleep {
  std::vector<Slim> sleep;  // asleep here: explored elsewhere
  // A revisit with a smaller sleep set explores only these (by key); empty: all.
  std::vector<std::uint64_t> only;
};

// A state to expand. Breadth- and depth-first frontiers hold states as state
// vectors (sim/state.hpp), never as prefixes to replay: the frontier keeps
// the nodes, and their state vectors back to back in the same order.
struct Node {
  std::uint64_t link = ParentLinks::root;  // its number in the parent links
  std::uint32_t depth = 0;
  std::uint32_t bytes = 0;  // the length of its state vector
  // The per-schedule state of the path that reached it; null when the
  // monitor keeps none (Monitor::keeps_schedule_state).
  std::unique_ptr<Monitor> monitor;
  std::unique_ptr<Asleep> asleep;
};

// A node taken from the frontier, with its state vector.
struct Taken {
  Node node;
  std::vector<std::uint8_t> state;
};

// A node to join the frontier; its state vector is in the batch's arena.
struct Added {
  Node node;
  std::uint32_t state_at = 0, state_bytes = 0;
};

const std::vector<Slim>& sleep_of(const Node& node) {
  static const std::vector<Slim> none;
  return node.asleep ? node.asleep->sleep : none;
}

struct Child {
  std::uint32_t index = 0;
  std::uint64_t fingerprint = 0;
  std::uint64_t concrete = 0;  // World::fingerprint(), with symmetry (the memo's key; and sleep sets')
  std::vector<Slim> sleep;
  // Visited before this child: not healed nor judged again. A child that is
  // new claims its state in the visited set here, so that each state is
  // judged once, by the one worker of a parallel search whose insert took it.
  bool seen = false;
  // New, but the states budget was spent (one process: the budget is exact,
  // so this state is neither stored, judged nor counted).
  bool beyond = false;
  bool end = false;   // the schedule ended here (nothing enabled, or the depth budget)
  bool cut = false;   // ended by the depth budget with transitions still enabled
  bool stuck = false;  // nothing is enabled there (sleep sets: known for states seen before too)
  std::uint64_t ends = 0;  // healed copies judged here (end_every_state)
  Tally tally;             // of the schedules ended here
  std::optional<Finding> finding;
  // To become a node, if the merge wants it: its state vector in the
  // batch's arena (one buffer, not an allocation per child).
  std::uint32_t state_at = 0, state_bytes = 0;
  std::unique_ptr<Monitor> monitor;
};

struct Expansion {
  std::vector<Child> children;
  std::uint64_t schedules = 0;
  // The root has nothing enabled: its schedule ended (with this finding).
  bool root_end = false;
  std::optional<Finding> root_finding;
  Tally root_tally;
};

std::vector<std::uint64_t> sorted_keys(const std::vector<Slim>& sleep) {
  std::vector<std::uint64_t> keys;
  keys.reserve(sleep.size());
  for (const auto& s : sleep) keys.push_back(s.key);
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  return keys;
}

// A node in the frontier: itself, its state vector, and the copy of the
// monitor it carries (Monitor::memory_bytes: an estimate from its contents,
// the same on every build, so where the budget stops does not depend on the
// allocator).
std::uint64_t node_bytes(const Node& node) {
  std::uint64_t bytes = sizeof(Node) + node.bytes;
  if (node.monitor) bytes += node.monitor->memory_bytes();
  if (node.asleep) {
    bytes += sizeof(Asleep) + node.asleep->sleep.capacity() * sizeof(Slim) +
             node.asleep->only.capacity() * sizeof(std::uint64_t);
  }
  return bytes;
}

// Forwards a world's events to whichever monitor watches it now.
class MonitorSink final : public EventSink {
 public:
  void watch(const World& world, Monitor* monitor) {
    world_ = &world;
    monitor_ = monitor;
  }
  void on_event(const Event& event) override {
    if (monitor_ != nullptr) monitor_->on_event(event, *world_);
  }
  bool wants_events() const override { return wants_; }
  bool wants_ = true;

 private:
  const World* world_ = nullptr;
  Monitor* monitor_ = nullptr;
};

// A scratch world with its sink: worlds are assigned into it, never built.
struct Scratch {
  std::unique_ptr<World> world;
  MonitorSink sink;

  void prepare(const World& like, bool wants_events) {
    world = std::make_unique<World>(like);
    sink.wants_ = wants_events;
    world->set_sink(&sink);
  }
  void watch(Monitor* monitor) { sink.watch(*world, monitor); }
};

class Search : Exhaustive {
 public:
  Search(const std::shared_ptr<const Scenario>& scenario, const Options& options, const MonitorFactory& monitors,
         const Control& control)
      : Exhaustive(scenario, options, monitors, control), por_(options.por == Por::sleep && por_applicable(*scenario)) {}

  Result run();
  // A worker process of a parallel search found a violation (this process
  // included): search() runs the search again in one process for the
  // counterexample --jobs 1 reports.
  bool violation_in_parallel() const { return violation_in_parallel_; }

 private:
  std::uint64_t fingerprint(const World& world) const {
    return symmetry_ ? symmetry_->fingerprint(world) : world.fingerprint();
  }
  void start();
  void expand(Taken& taken, Expansion& out);
  // A child in two halves: begin() applies transition `index` to `scratch`
  // (equal to the parent) and fingerprints it (with symmetry, locate() then
  // takes the canonical fingerprint), finish() does the rest and reverts
  // `scratch`. A monitor that watches events watches begin() too.
  void begin(Child& child, Scratch& scratch, std::uint32_t index, Monitor* watching);
  void locate(Child& child, const World& world);
  void finish(Node& node, Child& child, Scratch& scratch);
  // The monitor to judge `node`'s children with (a copy of its own, or the
  // one monitor when it keeps no per-schedule state).
  std::unique_ptr<Monitor> monitor_for(Node& node, bool last) const;
  // Heals and judges `scratch`'s world as the end of a schedule: the node
  // `link`, then choice `index` if any.
  std::optional<Finding> judge(Scratch& scratch, Monitor& monitor, std::uint64_t link,
                               std::optional<std::uint32_t> index);
  // Sequential: the visited set and the sleep-set table. Returns the nodes to add.
  void merge(const Node& node, Expansion& expansion, std::vector<Added>& out);
  Added make_node(const Node& parent, Child& child);
  void push(Node node, std::span<const std::uint8_t> state);
  void take_batch(std::vector<Taken>& batch);
  std::uint64_t memory_bytes();

  bool por_;
  std::optional<Symmetry> symmetry_;
  std::unique_ptr<StateCodec> codec_;
  Scratch parent_, child_, judged_;
  // Children in flight (Search::expand): the next child is applied while
  // the one before waits for its visited slot (and memo slot). Possible
  // when each child has its own monitor or the shared one ignores events.
  // `next_` and `third_` are the child worlds this takes besides child_
  // (the third with symmetry); equal to the parent like child_.
  bool pipelined_ = false;
  bool wants_events_ = true;
  Scratch next_, third_;
  std::vector<Transition> enabled_;
  std::vector<Slim> slims_;
  // Reused by every expansion: the choices to take, the sleep set so far, and
  // the state vectors of the batch's children.
  std::vector<std::uint32_t> todo_;
  std::vector<Slim> explored_;
  std::vector<std::uint8_t> arena_;
  // Sleep sets: the keys a state was explored without, and which concrete
  // world explored it (keys name devices, so they compare only within one).
  std::unordered_map<std::uint64_t, std::pair<std::uint64_t, std::vector<std::uint64_t>>> sleep_table_;
  std::uint64_t sleep_keys_ = 0;  // keys held by sleep_table_, for the memory budget
  std::deque<Node> frontier_;
  std::deque<std::uint8_t> states_;  // the frontier's state vectors, in its order
  std::uint64_t frontier_bytes_ = 0;
  // The monitor, when it keeps no per-schedule state: nodes carry none.
  std::unique_ptr<Monitor> shared_monitor_;

  // Parallel breadth-first search (--jobs N, DESIGN §6 "Parallel search"):
  // the search forks N - 1 worker processes once a level is wide enough,
  // each keeps every N-th node of it, and they go on level by level in step
  // (a barrier between levels, so every state is reached at its least depth
  // as in one process) over one visited set in shared memory: a state is
  // expanded by the worker whose insert claimed it.
  struct Shared;
  struct Worker {
    pid_t pid = -1;
    int fd = -1;  // the read end of its pipe: its results, as JSON, at the end
  };
  bool parallel() const { return shared_ != nullptr; }
  bool should_fork() const;
  void fork_workers();
  // Between batches: publishes this worker's counts, and checks the budgets
  // against every worker's.
  BudgetHit parallel_checkpoint();
  // Every worker at the end of a level. False: the search stops here (a
  // budget, a violation, or no next level: then `exhausted_`).
  bool level_barrier();
  // Between batches or while waiting at a level's end, when some worker
  // asked for room in the visited set: waits for every worker, and the last
  // to come grows the table while no one inserts.
  void grow_together();
  std::uint64_t batch_room() const;
  // Waits until `generation` moves past `seen` (a barrier's release), taking
  // part in any growth of the visited set meanwhile if `join_growth`. False:
  // the search stopped instead.
  bool await(const std::atomic<std::uint32_t>& generation, std::uint32_t seen, bool join_growth);
  void raise_stop(BudgetHit hit);
  BudgetHit shared_stop() const;
  // A worker's end: its results to the parent, then _exit (its worlds and
  // monitors are copies that die with the process).
  [[noreturn]] void finish_worker(BudgetHit hit, const std::string& error);
  // The parent's end: every worker's results merged into this one's.
  void collect_workers(BudgetHit& hit);
  bool workers_alive();

  std::uint32_t worker_ = 0;
  std::uint32_t workers_count_ = 1;
  std::uint64_t level_ = 0;
  std::uint64_t max_branching_ = 1;
  std::uint64_t expanded_ = 0;  // nodes this process expanded
  // New states per expanded node, the most of any level (parallel search).
  double branching_ = 1;
  std::uint64_t level_states_ = 0, level_expanded_ = 0;
  core::SharedMemory shared_memory_;
  Shared* shared_ = nullptr;
  std::vector<Worker> workers_;
  int result_fd_ = -1;
  pid_t parent_pid_ = 0;
  std::size_t notes_at_fork_ = 0;
  bool exhausted_ = false;
  bool asymmetric_worker_ = false;
  bool violation_in_parallel_ = false;
  std::uint64_t workers_memory_ = 0;  // what the other workers held last (frontiers, tables)
};

struct Search::Shared {
  static constexpr std::uint32_t workers_max = 64;
  std::atomic<std::uint32_t> arrived{0};
  std::atomic<std::uint32_t> generation{0};
  // 0 while the search goes on; then 1 + the BudgetHit that ended it
  // (BudgetHit::none: a violation or an error).
  std::atomic<std::uint32_t> stop{0};
  std::atomic<std::uint64_t> next_total{0};
  // Every worker's transitions and expanded nodes at the last barrier.
  std::atomic<std::uint64_t> states_at_level{0}, expanded_at_level{0};
  // The visited set is filling up within a level: every worker meets, the
  // last to come grows it (Search::grow_together).
  std::atomic<std::uint32_t> grow{0}, grow_arrived{0}, grow_generation{0};
  std::atomic<std::uint64_t> grown_within{0};  // how many times, for the notes
  struct alignas(64) Slot {
    std::atomic<std::uint64_t> transitions{0}, revisits{0}, schedules{0}, memory{0}, next{0}, expanded{0};
    std::atomic<std::uint64_t> branching{1};  // the most transitions a node of this worker had
  };
  Slot slots[workers_max];
};

Result Search::run() {
  BudgetHit hit = BudgetHit::none;
  try {
    start();
    std::vector<Taken> batch;
    std::vector<Expansion> expansions;
    std::vector<Added> added;
    while (!result_.violation) {
      if (parallel()) {
        if (frontier_.empty() || frontier_.front().depth != level_) {
          if (!level_barrier()) break;
          continue;
        }
      } else if (frontier_.empty()) {
        break;
      }
      take_batch(batch);
      arena_.clear();
      expansions.resize(batch.size());
      for (std::size_t i = 0; i < batch.size(); ++i) expand(batch[i], expansions[i]);
      added.clear();
      for (std::size_t i = 0; i < batch.size(); ++i) merge(batch[i].node, expansions[i], added);
      if (options_.strategy == Strategy::dfs) std::reverse(added.begin(), added.end());
      for (auto& next : added) {
        push(std::move(next.node), std::span(arena_).subspan(next.state_at, next.state_bytes));
        frontier_bytes_ += node_bytes(frontier_.back());
      }
      hit = parallel() ? parallel_checkpoint() : checkpoint(memory_bytes());
      if (hit != BudgetHit::none || (parallel() && shared_->stop.load(std::memory_order_relaxed) != 0)) break;
      if (should_fork()) fork_workers();
    }
  } catch (const core::PropagationStopped&) {
    // The budget ran out inside a batch: what it did is dropped, the rest
    // stands. (Parallel: or another worker stopped them all, and said why.)
    hit = parallel() && shared_->stop.load() != 0 ? shared_stop() : meter_.stop_reason();
  } catch (const std::exception& e) {
    if (!parallel()) throw;
    raise_stop(BudgetHit::none);
    if (worker_ != 0) finish_worker(hit, e.what());
    collect_workers(hit);
    throw;
  }
  if (parallel()) {
    if (!exhausted_) raise_stop(hit);
    if (hit == BudgetHit::none) hit = shared_stop();
    if (worker_ != 0) finish_worker(hit, "");
    collect_workers(hit);
  } else {
    exhausted_ = frontier_.empty();
    if (hit == BudgetHit::none && meter_.stopped() && !frontier_.empty()) hit = meter_.stop_reason();
  }
  if (hit == BudgetHit::memory) {
    constexpr double mb = 1 << 20;
    result_.notes.push_back(fmt::format(
        "memory: visited set and parent links {:.1f} MB, frontier {:.1f} MB ({} states with their monitors' "
        "state), state tables {:.1f} MB, sleep sets {:.1f} MB, symmetry's memo {:.1f} MB",
        static_cast<double>(visited_bytes()) / mb, static_cast<double>(frontier_bytes_) / mb, frontier_.size(),
        static_cast<double>(codec_->table_bytes()) / mb,
        static_cast<double>(sleep_table_.size() * 64 + sleep_keys_ * sizeof(std::uint64_t)) / mb,
        static_cast<double>(symmetry_ ? symmetry_->memo_bytes() : 0) / mb));
  }
  const bool symmetric = (!symmetry_ || !symmetry_->broken()) && !asymmetric_worker_;
  if (!symmetric) {
    result_.notes.push_back(
        "symmetry: a state held a value that orders device numbers (a Lamport timestamp's tie-break), so devices "
        "are not interchangeable there: the search is not exhaustive, run it without symmetry");
  }
  return conclude(hit, exhausted_ && symmetric, memory_bytes() + workers_memory_);
}

void Search::start() {
  auto root = std::make_unique<Run>(scenario_, options_.world, options_.seed, monitors_);
  root->explore_mode(meter_.stop());
  result_.properties = root->monitor().properties();
  if (options_.symmetry) {
    symmetry_.emplace(root->world());
    // The memo of canonical fingerprints takes up to an eighth of the memory
    // budget, at most 64 MiB (4 M states): enough to halve the permutations
    // tried on gset-replication N = 3.
    symmetry_->memo_limit(std::min<std::uint64_t>(options_.limits.memory_bytes_max / 8, 64ULL << 20));
    result_.notes.push_back(symmetry_->explanation());
  }
  if (options_.por == Por::sleep && !por_) result_.notes.push_back("sleep sets: off (Lo services are not reduced)");
  if (options_.jobs > 1 && options_.strategy != Strategy::bfs) {
    result_.notes.push_back(fmt::format("{}: runs in one process (only breadth-first search runs in parallel)",
                                        to_string(options_.strategy)));
  }
  const bool wants_events = root->monitor().wants_events();
  codec_ = std::make_unique<StateCodec>(root->world());
  parent_.prepare(root->world(), wants_events);
  child_.prepare(root->world(), wants_events);
  judged_.prepare(root->world(), wants_events);
  // Children in flight have monitors of their own, or share one that
  // watches no events (expand()).
  wants_events_ = wants_events;
  pipelined_ = !wants_events || root->monitor().keeps_schedule_state();
  if (pipelined_) next_.prepare(root->world(), wants_events);
  if (pipelined_ && symmetry_) third_.prepare(root->world(), wants_events);
  std::unique_ptr<Monitor> node_monitor;
  const std::uint64_t root_fp = fingerprint(root->world());
  visited_.insert(root_fp);
  if (por_) sleep_table_[root_fp] = {root->world().fingerprint(), {}};
  if (root->monitor().keeps_schedule_state()) {
    node_monitor = root->monitor().clone();
  } else {
    shared_monitor_ = root->monitor().clone();
  }
  std::vector<std::uint8_t> state;
  codec_->encode(root->world(), state);
  Node node;
  node.monitor = std::move(node_monitor);
  push(std::move(node), state);
  frontier_bytes_ += node_bytes(frontier_.back());
}

// The node's state vector joins the frontier's; merge() adds the node itself.
void Search::push(Node node, std::span<const std::uint8_t> state) {
  node.bytes = static_cast<std::uint32_t>(state.size());
  states_.insert(states_.end(), state.begin(), state.end());
  frontier_.push_back(std::move(node));
}

void Search::take_batch(std::vector<Taken>& batch) {
  const bool dfs = options_.strategy == Strategy::dfs;
  std::size_t n = std::min(frontier_.size(), dfs ? dfs_batch : bfs_batch);
  if (options_.jobs > 1 && !dfs && n > 0) {
    // Level by level: the next level waits for the barrier (and, before the
    // workers start, for a level to end, where they start).
    const std::uint64_t level = parallel() ? level_ : frontier_.front().depth;
    std::size_t same = 0;
    while (same < n && frontier_[same].depth == level) ++same;
    n = same;
  }
  batch.resize(n);
  for (Taken& taken : batch) {
    Node& node = dfs ? frontier_.back() : frontier_.front();
    frontier_bytes_ -= node_bytes(node);
    if (dfs) {
      taken.state.assign(states_.end() - node.bytes, states_.end());
      states_.erase(states_.end() - node.bytes, states_.end());
    } else {
      taken.state.assign(states_.begin(), states_.begin() + node.bytes);
      states_.erase(states_.begin(), states_.begin() + node.bytes);
    }
    taken.node = std::move(node);
    if (dfs) {
      frontier_.pop_back();
    } else {
      frontier_.pop_front();
    }
  }
}

std::uint64_t Search::memory_bytes() {
  std::uint64_t bytes = visited_bytes() + frontier_bytes_ + codec_->table_bytes();
  bytes += sleep_table_.size() * 64 + sleep_keys_ * sizeof(std::uint64_t);
  if (symmetry_) bytes += symmetry_->memo_bytes();
  return bytes;
}

// The node's world, decoded once; each transition not asleep is applied to a
// copy of it.
void Search::expand(Taken& taken, Expansion& out) {
  out.children.clear();
  out.schedules = 0;
  out.root_end = false;
  out.root_finding.reset();
  out.root_tally = Tally{};
  Node& node = taken.node;
  World& parent = *parent_.world;
  // Only decode_over changes the parent world, and the child world follows
  // every change at once: it equals the parent when each child begins.
  codec_->decode_over(taken.state, parent);
  parent.fingerprint();  // every device's part, which the children keep but one
  child_.world->take_changes(parent);
  if (pipelined_) next_.world->take_changes(parent);
  if (third_.world) third_.world->take_changes(parent);
  parent.list(enabled_);
  if (enabled_.empty()) {
    // Only the root gets here: a child without transitions ended in finish().
    judged_.world->operator=(parent);
    auto monitor = monitor_for(node, true);
    Monitor& judging = monitor ? *monitor : *shared_monitor_;
    out.root_finding = judge(judged_, judging, node.link, std::nullopt);
    out.root_tally.add(judging);
    out.root_end = true;
    out.schedules = 1;
    return;
  }
  std::vector<std::uint32_t>& todo = todo_;
  todo.clear();
  slims_.clear();
  for (std::uint32_t i = 0; i < enabled_.size(); ++i) {
    if (por_) slims_.push_back(slim(parent, enabled_[i]));
    const std::uint64_t key = por_ ? slims_.back().key : 0;
    if (por_ && contains_key(sleep_of(node), key)) continue;
    if (node.asleep && !node.asleep->only.empty() &&
        !std::binary_search(node.asleep->only.begin(), node.asleep->only.end(), key)) {
      continue;
    }
    todo.push_back(i);
  }
  max_branching_ = std::max<std::uint64_t>(max_branching_, todo.size());
  ++expanded_;
  // Sleep sets (Godefroid): a child sleeps on whatever slept here or was
  // explored before it, provided that commutes with the child's transition.
  std::vector<Slim>& explored = explored_;
  explored = sleep_of(node);
  // Each child is made in its place among the node's children when begun
  // (they are begun and finished in their order): a child is not moved
  // from one place to another on its way. Reserved: no child moves while
  // others refer to it.
  std::vector<Child>& children = out.children;
  children.reserve(todo.size());
  const auto add = [&](Child& child) {
    if (por_) {
      for (const Slim& s : explored) {
        if (independent(s, slims_[child.index])) child.sleep.push_back(s);
      }
      explored.push_back(slims_[child.index]);
    }
    out.schedules += (child.end ? 1 : 0) + child.ends;
  };
  // Pipelined: child k is applied while the children before it wait for
  // memory. Without symmetry, child k - 1's visited slot arrives while child
  // k is applied (begin() asked for it), then k - 1 is finished. With
  // symmetry there are two lookups: child k - 1's memo slot arrives while
  // child k is applied, then k - 1 is located (its canonical fingerprint,
  // and its visited slot asked for), and child k - 2, whose slot arrived
  // meanwhile, is finished. Each child in flight has its own scratch world
  // (equal to the parent until begin()) and its own monitor, if the node
  // has one; the one shared monitor is shared by the children in flight
  // only when it watches no events, which come in begin(). The children
  // are finished, inserted and merged in their order, as without the
  // pipeline (lag 0: one child at a time).
  const bool pipeline = pipelined_ && (node.monitor || !wants_events_);
  const std::size_t lag = !pipeline ? 0 : symmetry_ ? 2 : 1;
  Scratch* scratch[3] = {&child_, &next_, &third_};
  const std::size_t n = todo.size();
  bool in_flight[3] = {false, false, false};  // scratch[j] holds a child begun, not finished
  for (std::size_t k = 0; k < n + lag; ++k) {
    if (k < n && meter_.stopped()) {
      for (std::size_t j = 0; j <= lag; ++j) {
        if (in_flight[j]) scratch[j]->world->revert_to(parent);
      }
      throw core::PropagationStopped{};
    }
    if (k < n) {
      // The last child takes the node's monitor instead of a copy of it.
      std::unique_ptr<Monitor> own = monitor_for(node, k + 1 == n);
      Monitor* watching = own ? own.get() : wants_events_ ? shared_monitor_.get() : nullptr;
      Child& child = children.emplace_back();
      begin(child, *scratch[k % (lag + 1)], todo[k], watching);
      in_flight[k % (lag + 1)] = true;
      child.monitor = std::move(own);
    }
    const std::size_t back = lag == 0 ? 0 : 1;  // locate() the child before the one begun
    if (symmetry_ && k >= back && k - back < n) {
      const std::size_t j = k - back;
      locate(children[j], *scratch[j % (lag + 1)]->world);
    }
    if (k >= lag) {
      const std::size_t j = k - lag;
      finish(node, children[j], *scratch[j % (lag + 1)]);
      in_flight[j % (lag + 1)] = false;
      add(children[j]);
    }
  }
}

// With symmetry: the canonical fingerprint (its memo slot was asked for in
// begin()), and the visited set's slot asked for.
void Search::locate(Child& child, const World& world) {
  child.fingerprint = symmetry_->fingerprint(world, child.concrete);
  visited_.prefetch(child.fingerprint);
}

std::unique_ptr<Monitor> Search::monitor_for(Node& node, bool last) const {
  if (!node.monitor) return nullptr;
  return last ? std::move(node.monitor) : node.monitor->clone();
}

void Search::begin(Child& child, Scratch& scratch, std::uint32_t index, Monitor* watching) {
  child.index = index;
  scratch.watch(watching);
  scratch.world->apply_enabled(enabled_, index);
  // The fingerprint first, so that the visited set's slot is on its way
  // from memory while the monitor watches the transition (and, pipelined,
  // while the next child is applied). With symmetry, the slot on its way is
  // the memo's (Symmetry::fingerprint), and locate() fingerprints.
  if (symmetry_) {
    child.concrete = scratch.world->fingerprint();
    symmetry_->prefetch(child.concrete);
  } else {
    child.fingerprint = scratch.world->fingerprint();
    visited_.prefetch(child.fingerprint);
  }
}

void Search::finish(Node& node, Child& child, Scratch& scratch) {
  World& world = *scratch.world;  // the parent and this child's transition
  const std::uint32_t index = child.index;
  std::unique_ptr<Monitor> own = std::move(child.monitor);  // begin()'s
  Monitor* monitor = own ? own.get() : shared_monitor_.get();
  scratch.watch(monitor);
  monitor->on_transition(world);
  child.finding = monitor->finding();
  // (A violating state is not stored: the search stops at it.)
  if (child.finding) {
    child.seen = visited_.contains(child.fingerprint);
  } else if (parallel() || visited_.size() < options_.limits.states_max) {
    // (In parallel the workers check the budget between batches.)
    child.seen = !visited_.insert(child.fingerprint);
  } else if (visited_.contains(child.fingerprint)) {
    child.seen = true;
  } else {
    child.beyond = true;
    scratch.watch(nullptr);
    world.revert_to(*parent_.world);
    return;
  }
  const std::uint64_t depth = node.depth + 1;
  const bool at_depth_max = depth >= options_.limits.depth_max;
  if (!child.finding && (por_ || !child.seen || at_depth_max)) {
    // (A state seen before, above the depth budget, is neither judged nor
    // stored again without sleep sets: whether it is stuck decides nothing.)
    const bool stuck = !world.any_enabled();
    child.stuck = stuck;
    child.cut = !stuck && at_depth_max;
    if ((stuck || child.cut) && !child.seen) {
      child.end = true;
      child.finding = judge(scratch, *monitor, node.link, index);
      child.tally.add(*monitor);
    } else if (options_.end_every_state && !child.seen) {
      // The schedule could stop here too: judge a healed copy.
      *judged_.world = world;
      auto judging = own ? monitor->clone() : nullptr;
      child.finding = judge(judged_, judging ? *judging : *monitor, node.link, index);
      child.tally.add(judging ? *judging : *monitor);
      child.ends = 1;
    }
  } else if (child.finding) {
    child.tally.add(*monitor);
  }
  if (!child.finding && !child.end && !child.cut && (por_ || !child.seen)) {
    child.state_at = static_cast<std::uint32_t>(arena_.size());
    codec_->encode(world, *parent_.world, arena_);
    child.state_bytes = static_cast<std::uint32_t>(arena_.size() - child.state_at);
    child.monitor = std::move(own);
  }
  scratch.watch(nullptr);
  world.revert_to(*parent_.world);
}

std::optional<Finding> Search::judge(Scratch& scratch, Monitor& monitor, std::uint64_t link,
                                     std::optional<std::uint32_t> index) {
  World& world = *scratch.world;
  scratch.watch(&monitor);
  // The determinism property re-runs the schedule: its choices come from the links.
  world.set_history([this, link, index] {
    auto path = links_.path(link);
    if (index) path.push_back(*index);
    return path;
  });
  world.heal();
  monitor.on_schedule_end(world);
  world.set_history({});
  scratch.watch(nullptr);
  return monitor.finding();
}

Added Search::make_node(const Node& parent, Child& child) {
  Added next;
  next.node.link = links_.add(parent.link, child.index);
  next.node.depth = parent.depth + 1;
  next.node.monitor = std::move(child.monitor);
  if (!child.sleep.empty()) next.node.asleep = std::make_unique<Asleep>(Asleep{std::move(child.sleep), {}});
  next.state_at = child.state_at;
  next.state_bytes = child.state_bytes;
  return next;
}

void Search::merge(const Node& node, Expansion& expansion, std::vector<Added>& out) {
  result_.stats.schedules += expansion.schedules;
  tally_.add(expansion.root_tally);
  if (expansion.root_end && expansion.root_finding && !result_.violation) {
    result_.violation = Violation{*expansion.root_finding, options_.world, options_.seed, {}, ""};
  }
  for (Child& child : expansion.children) {
    if (child.beyond) continue;  // past the states budget: the search stops after this batch
    // (Most children judged nothing: an empty tally adds nothing.)
    if (!child.tally.judged.empty() || !child.tally.notes.empty()) tally_.add(child.tally);
    ++result_.stats.transitions;
    const std::uint64_t depth = node.depth + 1;
    result_.stats.max_depth = std::max(result_.stats.max_depth, depth);
    if (child.finding) {
      // The first in merge order is reported; its choices, with their
      // descriptions, come from re-running its path once.
      if (!result_.violation) {
        auto path = links_.path(node.link);
        path.push_back(child.index);
        result_.violation = Violation{*child.finding, options_.world, options_.seed, describe_path(path), ""};
      }
      continue;
    }
    depth_cut_ = depth_cut_ || child.cut;
    const bool fresh = !child.seen;  // finish() inserted it
    if (!fresh) ++result_.stats.revisits;
    if (visited_.full()) return;
    if (child.end || child.cut) continue;
    if (!por_) {
      if (fresh) out.push_back(make_node(node, child));
      continue;
    }
    const std::uint64_t concrete = symmetry_ ? child.concrete : child.fingerprint;
    auto keys = sorted_keys(child.sleep);
    auto known = sleep_table_.find(child.fingerprint);
    // In a parallel search a state another worker claimed has no sleep set
    // here: it is explored with this one's, which leaves asleep no more than
    // the difference rule below would (more transitions, the same states).
    if (fresh || (parallel() && known == sleep_table_.end() && !child.stuck)) {
      sleep_keys_ += keys.size();
      sleep_table_[child.fingerprint] = {concrete, std::move(keys)};
      out.push_back(make_node(node, child));
      continue;
    }
    // A revisit (Godefroid 1996, state caching with sleep sets): what slept
    // on the first visit but is awake now must still be explored.
    auto& [stored_concrete, stored] = known != sleep_table_.end() ? known->second : sleep_table_[child.fingerprint];
    if (stored.empty()) continue;
    if (stored_concrete != concrete) {
      // A symmetric image: its keys name other devices. Explore it fully once.
      sleep_keys_ -= stored.size();
      stored.clear();
      stored_concrete = concrete;
      out.push_back(make_node(node, child));
      continue;
    }
    std::vector<std::uint64_t> awake;
    std::set_difference(stored.begin(), stored.end(), keys.begin(), keys.end(), std::back_inserter(awake));
    if (awake.empty()) continue;
    std::vector<std::uint64_t> both;
    std::set_intersection(stored.begin(), stored.end(), keys.begin(), keys.end(), std::back_inserter(both));
    sleep_keys_ -= stored.size() - both.size();
    stored = std::move(both);
    Added next = make_node(node, child);
    if (!next.node.asleep) next.node.asleep = std::make_unique<Asleep>();
    next.node.asleep->only = std::move(awake);
    out.push_back(std::move(next));
  }
}

// ---- Parallel breadth-first search -------------------------------------

bool Search::should_fork() const {
  // A level wide enough that every worker starts with a few batches of it.
  const std::uint32_t workers = std::min(options_.jobs, Shared::workers_max);
  return workers > 1 && !parallel() && options_.strategy == Strategy::bfs && !frontier_.empty() &&
         frontier_.front().depth == frontier_.back().depth && frontier_.size() >= 2 * bfs_batch * workers &&
         !result_.violation;
}

void Search::fork_workers() {
  const std::uint32_t workers = std::min(options_.jobs, Shared::workers_max);
  // What the workers share is made before the fork; the rest each copies.
  workers_count_ = workers;
  shared_memory_ = core::SharedMemory(sizeof(Shared));
  shared_ = new (shared_memory_.data()) Shared();
  visited_.share();
  visited_.reserve(batch_room());  // the first level grows it as it needs: grow_together
  level_ = frontier_.front().depth;
  level_states_ = visited_.size();
  level_expanded_ = expanded_;
  notes_at_fork_ = result_.notes.size();
  parent_pid_ = ::getpid();
  std::fflush(nullptr);  // no buffered output printed twice
  for (std::uint32_t w = 1; w < workers; ++w) {
    int fds[2];
    if (::pipe(fds) != 0) throw core::Error(fmt::format("--jobs: cannot make a pipe: {}", std::strerror(errno)));
    const pid_t pid = ::fork();
    if (pid < 0) throw core::Error(fmt::format("--jobs: cannot start a worker process: {}", std::strerror(errno)));
    if (pid == 0) {
      ::close(fds[0]);
      for (const Worker& other : workers_) ::close(other.fd);
      workers_.clear();
      worker_ = w;
      result_fd_ = fds[1];
      // What the search did before the fork is the parent's to report.
      result_.stats.transitions = result_.stats.revisits = result_.stats.schedules = 0;
      expanded_ = 0;
      tally_ = Tally{};
      break;
    }
    ::close(fds[1]);
    workers_.push_back(Worker{pid, fds[0]});
  }
  // Every workers-th node of the level, with its state vector.
  std::deque<Node> nodes;
  std::deque<std::uint8_t> states;
  std::size_t at = 0;
  frontier_bytes_ = 0;
  for (std::size_t i = 0; i < frontier_.size(); ++i) {
    Node& node = frontier_[i];
    if (i % workers == worker_) {
      states.insert(states.end(), states_.begin() + static_cast<std::ptrdiff_t>(at),
                    states_.begin() + static_cast<std::ptrdiff_t>(at + node.bytes));
      nodes.push_back(std::move(node));
      frontier_bytes_ += node_bytes(nodes.back());
    }
    at += node.bytes;
  }
  frontier_ = std::move(nodes);
  states_ = std::move(states);
  // A stop raised by any worker ends every worker's batch within milliseconds.
  meter_.also_stop_on(&shared_->stop, worker_ != 0);
  if (worker_ == 0) {
    result_.notes.push_back(fmt::format(
        "bfs: {} worker processes from depth {} on, over one visited set in shared memory", workers, level_));
  }
}

void Search::raise_stop(BudgetHit hit) {
  std::uint32_t running = 0;
  shared_->stop.compare_exchange_strong(running, 1 + static_cast<std::uint32_t>(hit));
}

BudgetHit Search::shared_stop() const {
  const std::uint32_t stop = shared_->stop.load();
  return stop == 0 ? BudgetHit::none : static_cast<BudgetHit>(stop - 1);
}

BudgetHit Search::parallel_checkpoint() {
  shared_->slots[worker_].branching.store(max_branching_, std::memory_order_relaxed);
  if (visited_.wants_room()) shared_->grow.store(1);
  if (shared_->grow.load() != 0) grow_together();
  const std::uint64_t memory = memory_bytes();
  Shared::Slot& mine = shared_->slots[worker_];
  mine.transitions.store(result_.stats.transitions, std::memory_order_relaxed);
  mine.revisits.store(result_.stats.revisits, std::memory_order_relaxed);
  mine.schedules.store(result_.stats.schedules, std::memory_order_relaxed);
  mine.memory.store(memory - visited_.bytes(), std::memory_order_relaxed);
  if (result_.violation) {
    raise_stop(BudgetHit::none);
    return BudgetHit::none;
  }
  // Every worker's counts, for the budgets and (the parent's) progress.
  Stats all = result_.stats;
  std::uint64_t all_memory = memory;
  for (std::uint32_t w = 0; w < workers_count_; ++w) {
    if (w == worker_) continue;
    const Shared::Slot& other = shared_->slots[w];
    all.transitions += other.transitions.load(std::memory_order_relaxed);
    all.revisits += other.revisits.load(std::memory_order_relaxed);
    all.schedules += other.schedules.load(std::memory_order_relaxed);
    all_memory += other.memory.load(std::memory_order_relaxed);
  }
  all.states = all.distinct_states = visited_.size();
  all.visited_bytes = visited_bytes();
  all.memory_bytes = all_memory;
  result_.stats.memory_bytes = memory;
  if (worker_ == 0) meter_.update(all);
  BudgetHit hit = visited_.full() ? BudgetHit::memory : meter_.check(all, all.distinct_states);
  if (hit == BudgetHit::none && meter_.stopped()) hit = meter_.stop_reason();
  if (hit != BudgetHit::none) raise_stop(hit);
  return hit;
}

bool Search::workers_alive() {
  if (worker_ != 0) return ::getppid() == parent_pid_;
  for (const Worker& w : workers_) {
    int status = 0;
    if (::waitpid(w.pid, &status, WNOHANG) == w.pid) return false;
  }
  return true;
}

// What a batch of every worker can add between two checkpoints, four times
// over: reserve() leaves at least this much room below three quarters, so
// the table's last sixteenths take the batches that run while a request to
// grow waits for every worker to come.
std::uint64_t Search::batch_room() const {
  std::uint64_t branching = max_branching_;
  for (std::uint32_t w = 0; w < workers_count_; ++w) {
    branching = std::max<std::uint64_t>(branching, shared_->slots[w].branching.load(std::memory_order_relaxed));
  }
  return 4 * workers_count_ * bfs_batch * branching;
}

void Search::grow_together() {
  Shared& s = *shared_;
  const std::uint32_t generation = s.grow_generation.load(std::memory_order_acquire);
  if (s.grow.load() == 0) return;
  if (s.grow_arrived.fetch_add(1, std::memory_order_acq_rel) + 1 == workers_count_) {
    visited_.reserve(std::max(visited_.size(), batch_room()));  // twice the states it holds
    s.grown_within.fetch_add(1);
    s.grow.store(0);
    s.grow_arrived.store(0, std::memory_order_relaxed);
    s.grow_generation.store(generation + 1, std::memory_order_release);
  } else if (!await(s.grow_generation, generation, false)) {
    return;  // the search ends: nobody inserts again
  }
  visited_.refresh();
}

bool Search::await(const std::atomic<std::uint32_t>& generation, std::uint32_t seen, bool join_growth) {
  for (std::uint64_t spins = 0; generation.load(std::memory_order_acquire) == seen; ++spins) {
    if (shared_->stop.load() != 0) return false;
    if (meter_.stopped()) {  // this worker's budget or interrupt (its watcher, Meter::also_stop_on)
      raise_stop(meter_.stop_reason());
      return false;
    }
    if (join_growth && shared_->grow.load() != 0) grow_together();
    if (spins % 4096 == 4095 && !workers_alive()) {
      raise_stop(BudgetHit::none);
      if (worker_ != 0) ::_exit(1);  // the parent is gone: nobody reads the results
      return false;
    }
    std::this_thread::sleep_for(std::chrono::microseconds(20));
  }
  return true;
}

bool Search::level_barrier() {
  Shared& s = *shared_;
  Shared::Slot& mine = s.slots[worker_];
  mine.next.store(frontier_.size());
  mine.expanded.store(expanded_);
  const std::uint32_t generation = s.generation.load(std::memory_order_acquire);
  if (s.arrived.fetch_add(1, std::memory_order_acq_rel) + 1 == workers_count_) {
    // The last to arrive: every other worker waits, so the visited set can
    // grow for the next level, sized for a quarter more new states per node
    // than any level has had so far. A level that finds more grows it
    // within (grow_together).
    std::uint64_t next = 0, expanded = 0;
    for (std::uint32_t w = 0; w < workers_count_; ++w) {
      next += s.slots[w].next.load();
      expanded += s.slots[w].expanded.load();
    }
    const std::uint64_t states = visited_.size();
    if (expanded > level_expanded_) {
      const double per_node =
          static_cast<double>(states - level_states_) / static_cast<double>(expanded - level_expanded_);
      branching_ = std::max(branching_, per_node);
    }
    if (s.stop.load() == 0) {
      visited_.reserve(std::max<std::uint64_t>(
          static_cast<std::uint64_t>(level_room_scale * 1.25 * branching_ * static_cast<double>(next)), batch_room()));
    }
    s.states_at_level.store(states);
    s.expanded_at_level.store(expanded);
    s.next_total.store(next);
    s.arrived.store(0, std::memory_order_relaxed);
    s.generation.store(generation + 1, std::memory_order_release);
  } else if (!await(s.generation, generation, true)) {
    return false;
  }
  visited_.refresh();
  ++level_;
  level_states_ = s.states_at_level.load();
  level_expanded_ = s.expanded_at_level.load();
  if (s.stop.load() != 0) return false;
  if (s.next_total.load() == 0) {
    exhausted_ = true;
    return false;
  }
  return true;
}

namespace {

nlohmann::json finding_to_json(const Finding& f) {
  return {{"property", f.property}, {"message", f.message}, {"device", f.device},
          {"reactive", f.reactive}, {"values", f.values}};
}

Finding finding_from_json(const nlohmann::json& j) {
  Finding f;
  f.property = j.at("property").get<std::string>();
  f.message = j.at("message").get<std::string>();
  f.device = j.at("device").get<std::uint32_t>();
  f.reactive = j.at("reactive").get<std::string>();
  f.values = j.at("values").get<std::vector<std::string>>();
  return f;
}

void write_all(int fd, const std::string& text) {
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    done += static_cast<std::size_t>(n);
  }
}

std::string read_all(int fd) {
  std::string text;
  char buffer[1 << 14];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    text.append(buffer, static_cast<std::size_t>(n));
  }
  return text;
}

}  // namespace

void Search::finish_worker(BudgetHit hit, const std::string& error) {
  nlohmann::json j;
  try {
    if (!error.empty()) {
      j["error"] = error;
    } else {
      j["hit"] = static_cast<std::uint32_t>(hit);
      j["transitions"] = result_.stats.transitions;
      j["revisits"] = result_.stats.revisits;
      j["schedules"] = result_.stats.schedules;
      j["max_depth"] = result_.stats.max_depth;
      j["depth_cut"] = depth_cut_;
      j["asymmetric"] = symmetry_ && symmetry_->broken();
      j["judged"] = tally_.judged;
      j["tally_notes"] = tally_.notes;
      j["notes"] = std::vector<std::string>(result_.notes.begin() + static_cast<std::ptrdiff_t>(notes_at_fork_),
                                            result_.notes.end());
      if (result_.violation) {
        nlohmann::json choices = nlohmann::json::array();
        for (const auto& [index, text] : result_.violation->choices) choices.push_back({index, text});
        j["violation"] = {{"finding", finding_to_json(result_.violation->finding)}, {"choices", choices}};
      }
    }
  } catch (const std::exception& e) {
    j = nlohmann::json{{"error", e.what()}};
  }
  write_all(result_fd_, j.dump());
  ::close(result_fd_);
  std::fflush(nullptr);
  ::_exit(0);
}

void Search::collect_workers(BudgetHit& hit) {
  std::string error;
  // Before the shared flag's memory goes with this search.
  struct Unwatch {
    Meter& meter;
    ~Unwatch() { meter.also_stop_on(nullptr, false); }
  } unwatch{meter_};
  for (const Worker& w : workers_) {
    const std::string text = read_all(w.fd);
    ::close(w.fd);
    int status = 0;
    while (::waitpid(w.pid, &status, 0) < 0 && errno == EINTR) {
    }
    nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
      if (error.empty()) {
        error = fmt::format("--jobs: worker process {} ended without its results (status {})", w.pid, status);
      }
      continue;
    }
    if (j.contains("error")) {
      if (error.empty()) error = j.at("error").get<std::string>();
      continue;
    }
    const auto their_hit = static_cast<BudgetHit>(j.at("hit").get<std::uint32_t>());
    if (hit == BudgetHit::none) hit = their_hit;
    result_.stats.transitions += j.at("transitions").get<std::uint64_t>();
    result_.stats.revisits += j.at("revisits").get<std::uint64_t>();
    result_.stats.schedules += j.at("schedules").get<std::uint64_t>();
    result_.stats.max_depth = std::max(result_.stats.max_depth, j.at("max_depth").get<std::uint64_t>());
    depth_cut_ = depth_cut_ || j.at("depth_cut").get<bool>();
    asymmetric_worker_ = asymmetric_worker_ || j.at("asymmetric").get<bool>();
    Tally theirs;
    theirs.judged = j.at("judged").get<std::vector<std::uint64_t>>();
    theirs.notes = j.at("tally_notes").get<std::set<std::string>>();
    tally_.add(theirs);
    for (const auto& note : j.at("notes")) {
      const auto text = note.get<std::string>();
      if (std::find(result_.notes.begin(), result_.notes.end(), text) == result_.notes.end()) {
        result_.notes.push_back(text);
      }
    }
    if (j.contains("violation")) {
      violation_in_parallel_ = true;
      if (!result_.violation) {
        Violation v{finding_from_json(j.at("violation").at("finding")), options_.world, options_.seed, {}, ""};
        for (const auto& c : j.at("violation").at("choices")) {
          v.choices.emplace_back(c.at(0).get<std::size_t>(), c.at(1).get<std::string>());
        }
        result_.violation = std::move(v);
      }
    }
  }
  for (std::uint32_t w = 1; w < workers_count_; ++w) workers_memory_ += shared_->slots[w].memory.load();
  if (const std::uint64_t grown = shared_->grown_within.load(); grown > 0) {
    result_.notes.push_back(
        fmt::format("bfs: the shared visited set grew within a level {} time{}", grown, grown == 1 ? "" : "s"));
  }
  workers_.clear();
  if (result_.violation) violation_in_parallel_ = true;
  if (!error.empty()) throw core::Error(error);
}

}  // namespace

void set_level_room_scale_for_testing(double scale) { level_room_scale = scale; }

Result search(const std::shared_ptr<const Scenario>& scenario, const Options& options,
              const MonitorFactory& monitors, const Control& control) {
  assert(exhaustive(options.strategy));
  if (options.por != Por::dpor) {
    Search parallel(scenario, options, monitors, control);
    Result result = parallel.run();
    if (!parallel.violation_in_parallel()) return result;
    // Which worker finds a violation first is a race; the counterexample
    // reported is not: the search runs again in one process, within what is
    // left of the time budget, and reports what --jobs 1 reports.
    Options one = options;
    one.jobs = 1;
    if (one.limits.time_limit_seconds > 0) {
      one.limits.time_limit_seconds -= result.stats.elapsed_seconds;
      if (one.limits.time_limit_seconds <= 0) return result;
    }
    Result again = Search(scenario, one, monitors, control).run();
    if (!again.violation) {
      result.notes.push_back(
          "bfs: the worker processes found this violation; one process did not reach one within the time left, so "
          "the counterexample is the one a worker found first (another run may report another)");
      return result;
    }
    again.notes.push_back(fmt::format(
        "bfs: the worker processes found a violation in {:.2f} s; the search ran again in one process so that the "
        "counterexample is the one --jobs 1 reports",
        result.stats.elapsed_seconds));
    return again;
  }
  if (por_applicable(*scenario)) return dpor(scenario, options, monitors, control);
  Options plain = options;
  plain.por = Por::none;
  Result result = Search(scenario, plain, monitors, control).run();
  result.notes.insert(result.notes.begin(), "dpor: off (Lo services are not reduced); plain dfs with a visited set");
  return result;
}

}  // namespace frsim::sim::explore
