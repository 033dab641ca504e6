#include "sim/explore/search.hpp"

#include <algorithm>
#include <cassert>
#include <deque>
#include <map>
#include <unordered_map>
#include <memory>
#include <optional>
#include <span>

#include <fmt/format.h>

#include "sim/explore/engine.hpp"
#include "sim/explore/reduction.hpp"
#include "sim/explore/run.hpp"
#include "sim/explore/visited.hpp"
#include "sim/state.hpp"

namespace frsim::sim::explore {

namespace {

// Nodes per batch. A batch's nodes are all expanded before any of their
// children is merged into the visited set, so that the order in which states
// are first seen, and every count, is what it was when batches ran on
// threads: a child is healed and judged when it was new at the batch's start.
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
  std::uint64_t concrete = 0;  // World::fingerprint(), when symmetry and sleep sets meet
  std::vector<Slim> sleep;
  bool seen = false;  // already visited before this batch: not healed again
  bool end = false;   // the schedule ended here (nothing enabled, or the depth budget)
  bool cut = false;   // ended by the depth budget with transitions still enabled
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

std::uint64_t node_bytes(const Node& node) {
  std::uint64_t bytes = sizeof(Node) + node.bytes;
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

 private:
  std::uint64_t fingerprint(const World& world) const {
    return symmetry_ ? symmetry_->fingerprint(world) : world.fingerprint();
  }
  void start();
  void expand(Taken& taken, Expansion& out);
  Child step(Node& node, std::uint32_t index, bool last);
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
  std::uint64_t checkpoints_ = 0;
  std::uint64_t monitor_bytes_ = 0;  // one node's monitor, as last measured
};

Result Search::run() {
  BudgetHit hit = BudgetHit::none;
  try {
    start();
    std::vector<Taken> batch;
    std::vector<Expansion> expansions;
    std::vector<Added> added;
    while (!frontier_.empty() && !result_.violation) {
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
      hit = checkpoint(memory_bytes());
      if (hit != BudgetHit::none) break;
    }
  } catch (const core::PropagationStopped&) {
    // The budget ran out inside a batch: what it did is dropped, the rest stands.
    hit = meter_.stop_reason();
  }
  if (hit == BudgetHit::none && meter_.stopped() && !frontier_.empty()) hit = meter_.stop_reason();
  if (hit == BudgetHit::memory) {
    constexpr double mb = 1 << 20;
    result_.notes.push_back(fmt::format(
        "memory: visited set and parent links {:.1f} MB, frontier {:.1f} MB ({} states, {} bytes of monitor state "
        "each), state tables {:.1f} MB, sleep sets {:.1f} MB, symmetry's memo {:.1f} MB",
        static_cast<double>(visited_bytes()) / mb, static_cast<double>(frontier_bytes_) / mb, frontier_.size(),
        shared_monitor_ ? 0 : monitor_bytes_,
        static_cast<double>(codec_->table_bytes()) / mb,
        static_cast<double>(sleep_table_.size() * 64 + sleep_keys_ * sizeof(std::uint64_t)) / mb,
        static_cast<double>(symmetry_ ? symmetry_->memo_bytes() : 0) / mb));
  }
  const bool symmetric = !symmetry_ || !symmetry_->broken();
  if (!symmetric) {
    result_.notes.push_back(
        "symmetry: a state held a value that orders device numbers (a Lamport timestamp's tie-break), so devices "
        "are not interchangeable there: the search is not exhaustive, run it without symmetry");
  }
  return conclude(hit, frontier_.empty() && symmetric, memory_bytes());
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
  if (options_.jobs > 1) {
    result_.notes.push_back(fmt::format("{}: runs on one thread (a monitor's state is not handed between threads)",
                                        to_string(options_.strategy)));
  }
  const bool wants_events = root->monitor().wants_events();
  codec_ = std::make_unique<StateCodec>(root->world());
  parent_.prepare(root->world(), wants_events);
  child_.prepare(root->world(), wants_events);
  judged_.prepare(root->world(), wants_events);
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
  const std::size_t n = std::min(frontier_.size(), dfs ? dfs_batch : bfs_batch);
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

// A monitor's per-schedule state has no size of its own: the heap a copy of
// one in the frontier takes, measured every so often, stands for each.
std::uint64_t Search::memory_bytes() {
  constexpr std::uint64_t sample_every = 64;
  if (++checkpoints_ % sample_every == 1 && !frontier_.empty() && frontier_.back().monitor) {
    const Monitor& sample = *frontier_.back().monitor;
    monitor_bytes_ = heap_bytes_of([&sample] { return std::shared_ptr<void>(sample.clone()); });
  }
  std::uint64_t monitors = 0;
  if (!shared_monitor_) monitors = frontier_.size() * monitor_bytes_;
  std::uint64_t bytes = visited_bytes() + frontier_bytes_ + monitors + codec_->table_bytes();
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
  codec_->decode(taken.state, parent);
  parent.fingerprint();  // every device's part, which the children keep but one
  parent.list(enabled_);
  if (enabled_.empty()) {
    // Only the root gets here: a child without transitions ended in step().
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
  // Sleep sets (Godefroid): a child sleeps on whatever slept here or was
  // explored before it, provided that commutes with the child's transition.
  std::vector<Slim>& explored = explored_;
  explored = sleep_of(node);
  out.children.reserve(todo.size());
  *child_.world = parent;
  for (std::size_t k = 0; k < todo.size(); ++k) {
    if (meter_.stopped()) throw core::PropagationStopped{};
    const std::uint32_t i = todo[k];
    Child child = step(node, i, k + 1 == todo.size());
    if (por_) {
      for (const Slim& s : explored) {
        if (independent(s, slims_[i])) child.sleep.push_back(s);
      }
      explored.push_back(slims_[i]);
    }
    out.schedules += (child.end ? 1 : 0) + child.ends;
    out.children.push_back(std::move(child));
  }
}

std::unique_ptr<Monitor> Search::monitor_for(Node& node, bool last) const {
  if (!node.monitor) return nullptr;
  return last ? std::move(node.monitor) : node.monitor->clone();
}

Child Search::step(Node& node, std::uint32_t index, bool last) {
  Child child;
  child.index = index;
  World& world = *child_.world;  // equal to the parent: step() leaves it so
  // The last child takes the node's monitor instead of a copy of it.
  std::unique_ptr<Monitor> own = monitor_for(node, last);
  Monitor* monitor = own ? own.get() : shared_monitor_.get();
  child_.watch(monitor);
  world.apply_enabled(enabled_, index);
  // The fingerprint first, so that the visited set's slot is on its way
  // from memory while the monitor watches the transition.
  child.fingerprint = fingerprint(world);
  visited_.prefetch(child.fingerprint);
  monitor->on_transition(world);
  child.finding = monitor->finding();
  if (por_ && symmetry_) child.concrete = world.fingerprint();
  child.seen = visited_.contains(child.fingerprint);
  const std::uint64_t depth = node.depth + 1;
  const bool at_depth_max = depth >= options_.limits.depth_max;
  if (!child.finding && (por_ || !child.seen || at_depth_max)) {
    // (A state seen before, above the depth budget, is neither judged nor
    // stored again without sleep sets: whether it is stuck decides nothing.)
    const bool stuck = !world.any_enabled();
    child.cut = !stuck && at_depth_max;
    if ((stuck || child.cut) && !child.seen) {
      child.end = true;
      child.finding = judge(child_, *monitor, node.link, index);
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
    codec_->encode(world, arena_);
    child.state_bytes = static_cast<std::uint32_t>(arena_.size() - child.state_at);
    child.monitor = std::move(own);
  }
  child_.watch(nullptr);
  world.revert_to(*parent_.world);
  return child;
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
    tally_.add(child.tally);
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
    const bool fresh = visited_.insert(child.fingerprint);
    if (!fresh) ++result_.stats.revisits;
    if (visited_.full()) return;
    if (child.end || child.cut) continue;
    if (!por_) {
      if (fresh) out.push_back(make_node(node, child));
      continue;
    }
    const std::uint64_t concrete = symmetry_ ? child.concrete : child.fingerprint;
    auto keys = sorted_keys(child.sleep);
    if (fresh) {
      sleep_keys_ += keys.size();
      sleep_table_[child.fingerprint] = {concrete, std::move(keys)};
      out.push_back(make_node(node, child));
      continue;
    }
    // A revisit (Godefroid 1996, state caching with sleep sets): what slept
    // on the first visit but is awake now must still be explored.
    auto& [stored_concrete, stored] = sleep_table_[child.fingerprint];
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

}  // namespace

Result search(const std::shared_ptr<const Scenario>& scenario, const Options& options,
              const MonitorFactory& monitors, const Control& control) {
  assert(exhaustive(options.strategy));
  if (options.por != Por::dpor) return Search(scenario, options, monitors, control).run();
  if (por_applicable(*scenario)) return dpor(scenario, options, monitors, control);
  Options plain = options;
  plain.por = Por::none;
  Result result = Search(scenario, plain, monitors, control).run();
  result.notes.insert(result.notes.begin(), "dpor: off (Lo services are not reduced); plain dfs with a visited set");
  return result;
}

}  // namespace frsim::sim::explore
