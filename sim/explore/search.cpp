#include "sim/explore/search.hpp"

#include <algorithm>
#include <cassert>
#include <deque>
#include <map>
#include <memory>
#include <optional>

#include <fmt/format.h>

#include "sim/explore/engine.hpp"
#include "sim/explore/reduction.hpp"
#include "sim/explore/run.hpp"
#include "sim/explore/visited.hpp"

namespace frsim::sim::explore {

namespace {

// Nodes per batch: a constant, not a function of --jobs, so that the order in
// which states are first seen (and so every count) is the same on any
// number of threads.
constexpr std::size_t bfs_batch = 32;
constexpr std::size_t dfs_batch = 4;

struct Node {
  std::vector<std::uint32_t> prefix;  // choice indices from the initial state
  std::vector<Slim> sleep;            // asleep here: explored elsewhere
  // A revisit with a smaller sleep set explores only these (by key); empty: all.
  std::vector<std::uint64_t> only;
};

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
  std::vector<std::pair<std::size_t, std::string>> choices;  // if finding
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
  return sizeof(Node) + node.prefix.capacity() * sizeof(std::uint32_t) + node.sleep.capacity() * sizeof(Slim) +
         node.only.capacity() * sizeof(std::uint64_t);
}

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
  Expansion expand(const Node& node) const;
  Child step(std::unique_ptr<Run> run, std::uint32_t index, std::size_t depth) const;
  // Sequential: the visited set and the sleep-set table. Returns the nodes to add.
  void merge(const Node& node, Expansion& expansion, std::vector<Node>& out);
  void take_batch(std::vector<Node>& batch);
  std::uint64_t memory_bytes() const;

  bool por_;
  std::optional<Symmetry> symmetry_;
  // Sleep sets: the keys a state was explored without, and which concrete
  // world explored it (keys name devices, so they compare only within one).
  std::map<std::uint64_t, std::pair<std::uint64_t, std::vector<std::uint64_t>>> sleep_table_;
  std::deque<Node> frontier_;
  std::uint64_t frontier_bytes_ = 0;
};

Result Search::run() {
  auto root = std::make_unique<Run>(scenario_, options_.world, options_.seed, monitors_);
  result_.properties = root->monitor().properties();
  if (options_.symmetry) {
    symmetry_.emplace(root->world());
    result_.notes.push_back(symmetry_->explanation());
  }
  if (options_.por == Por::sleep && !por_) result_.notes.push_back("sleep sets: off (Lo services are not reduced)");
  const std::uint64_t root_fp = fingerprint(root->world());
  visited_.insert(root_fp);
  if (por_) sleep_table_[root_fp] = {root->world().fingerprint(), {}};
  root.reset();
  frontier_.push_back(Node{});
  result_.stats.states = 1;

  BudgetHit hit = BudgetHit::none;
  std::vector<Node> batch;
  while (!frontier_.empty() && !result_.violation) {
    take_batch(batch);
    std::vector<Expansion> expansions(batch.size());
    run_batch(options_.jobs, batch.size(), [&](std::size_t i) { expansions[i] = expand(batch[i]); });
    std::vector<Node> added;
    for (std::size_t i = 0; i < batch.size(); ++i) merge(batch[i], expansions[i], added);
    if (options_.strategy == Strategy::dfs) std::reverse(added.begin(), added.end());
    for (auto& node : added) {
      frontier_bytes_ += node_bytes(node);
      frontier_.push_back(std::move(node));
    }
    hit = checkpoint(memory_bytes());
    if (hit != BudgetHit::none) break;
  }
  return conclude(hit, frontier_.empty(), memory_bytes());
}

void Search::take_batch(std::vector<Node>& batch) {
  batch.clear();
  const bool dfs = options_.strategy == Strategy::dfs;
  const std::size_t n = std::min(frontier_.size(), dfs ? dfs_batch : bfs_batch);
  for (std::size_t i = 0; i < n; ++i) {
    Node& node = dfs ? frontier_.back() : frontier_.front();
    frontier_bytes_ -= node_bytes(node);
    batch.push_back(std::move(node));
    if (dfs) {
      frontier_.pop_back();
    } else {
      frontier_.pop_front();
    }
  }
}

std::uint64_t Search::memory_bytes() const {
  std::uint64_t bytes = visited_.bytes() + frontier_bytes_;
  for (const auto& [fp, entry] : sleep_table_) bytes += 64 + entry.second.capacity() * sizeof(std::uint64_t);
  return bytes;
}

// Parallel: replays the node's prefix and applies each transition not asleep.
Expansion Search::expand(const Node& node) const {
  Expansion out;
  auto parent = Run::replay(scenario_, options_.world, options_.seed, monitors_, node.prefix);
  const auto enabled = parent->world().enabled();
  if (enabled.empty()) {
    // Only the root gets here: a child without transitions ended in step().
    parent->finish();
    out.root_end = true;
    out.root_finding = parent->finding();
    out.root_tally.add(parent->monitor());
    out.schedules = 1;
    return out;
  }
  std::vector<std::uint32_t> todo;
  std::vector<Slim> slims;
  for (std::uint32_t i = 0; i < enabled.size(); ++i) {
    slims.push_back(slim(parent->world(), enabled[i]));
    const std::uint64_t key = slims.back().key;
    if (contains_key(node.sleep, key)) continue;
    if (!node.only.empty() && !std::binary_search(node.only.begin(), node.only.end(), key)) continue;
    todo.push_back(i);
  }
  // Sleep sets (Godefroid): a child sleeps on whatever slept here or was
  // explored before it, provided that commutes with the child's transition.
  std::vector<Slim> explored = node.sleep;
  for (std::size_t k = 0; k < todo.size(); ++k) {
    const std::uint32_t i = todo[k];
    // The last child takes the parent's run instead of a copy of it.
    auto run = k + 1 == todo.size() ? std::move(parent) : parent->branch();
    Child child = step(std::move(run), i, node.prefix.size() + 1);
    if (por_) {
      for (const Slim& s : explored) {
        if (independent(s, slims[i])) child.sleep.push_back(s);
      }
      explored.push_back(slims[i]);
    }
    out.schedules += (child.end ? 1 : 0) + child.ends;
    out.children.push_back(std::move(child));
  }
  return out;
}

Child Search::step(std::unique_ptr<Run> run, std::uint32_t index, std::size_t depth) const {
  Child child;
  child.index = index;
  run->apply_index(index);
  child.finding = run->finding();
  child.fingerprint = fingerprint(run->world());
  if (por_ && symmetry_) child.concrete = run->world().fingerprint();
  child.seen = visited_.contains(child.fingerprint);
  if (!child.finding) {
    const bool stuck = run->world().enabled().empty();
    child.cut = !stuck && depth >= options_.limits.depth_max;
    if ((stuck || child.cut) && !child.seen) {
      child.end = true;
      run->finish();
      child.finding = run->finding();
      child.tally.add(run->monitor());
    } else if (options_.end_every_state && !child.seen) {
      // The schedule could stop here too: judge a healed copy.
      auto ended = run->branch();
      ended->finish();
      child.finding = ended->finding();
      child.tally.add(ended->monitor());
      child.ends = 1;
    }
  } else {
    child.tally.add(run->monitor());
  }
  if (child.finding) child.choices = run->world().choices();
  return child;
}

void Search::merge(const Node& node, Expansion& expansion, std::vector<Node>& out) {
  result_.stats.schedules += expansion.schedules;
  tally_.add(expansion.root_tally);
  if (expansion.root_end && expansion.root_finding && !result_.violation) {
    result_.violation = Violation{*expansion.root_finding, options_.world, options_.seed, {}, ""};
  }
  for (Child& child : expansion.children) {
    tally_.add(child.tally);
    ++result_.stats.transitions;
    ++result_.stats.states;
    const std::uint64_t depth = node.prefix.size() + 1;
    result_.stats.max_depth = std::max(result_.stats.max_depth, depth);
    if (child.finding) {
      if (!result_.violation) {
        result_.violation = Violation{*child.finding, options_.world, options_.seed, std::move(child.choices), ""};
      }
      continue;
    }
    depth_cut_ = depth_cut_ || child.cut;
    const bool fresh = visited_.insert(child.fingerprint);
    if (visited_.full()) return;
    if (child.end || child.cut) continue;
    Node next{node.prefix, std::move(child.sleep), {}};
    next.prefix.push_back(child.index);
    if (!por_) {
      if (fresh) out.push_back(std::move(next));
      continue;
    }
    const std::uint64_t concrete = symmetry_ ? child.concrete : child.fingerprint;
    auto keys = sorted_keys(next.sleep);
    if (fresh) {
      sleep_table_[child.fingerprint] = {concrete, std::move(keys)};
      out.push_back(std::move(next));
      continue;
    }
    // A revisit (Godefroid 1996, state caching with sleep sets): what slept
    // on the first visit but is awake now must still be explored.
    auto& [stored_concrete, stored] = sleep_table_[child.fingerprint];
    if (stored.empty()) continue;
    if (stored_concrete != concrete) {
      // A symmetric image: its keys name other devices. Explore it fully once.
      stored.clear();
      stored_concrete = concrete;
      out.push_back(std::move(next));
      continue;
    }
    std::vector<std::uint64_t> awake;
    std::set_difference(stored.begin(), stored.end(), keys.begin(), keys.end(), std::back_inserter(awake));
    if (awake.empty()) continue;
    std::vector<std::uint64_t> both;
    std::set_intersection(stored.begin(), stored.end(), keys.begin(), keys.end(), std::back_inserter(both));
    stored = std::move(both);
    next.only = std::move(awake);
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
