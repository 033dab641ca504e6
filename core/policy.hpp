#pragma once
// Propagation policies: which ready reactive the step machine of Fig. 8
// processes next (REScala's scheduler/operator split, DESIGN §3).
//
// A Policy drives one propagation through a Propagation handle. The handle
// owns the rules: apply(r) performs (skip) or (reevaluate)+(write) on whatever
// reactive the policy picks. Readiness is the policy's responsibility, not the
// handle's: that is exactly what the glitch-freedom and at-most-once checkers
// verify, so a deliberately broken policy (a checker's mutant) can be plugged in
// without touching the runtime. Picking an already processed reactive applies
// the rule again.

#include <algorithm>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include "core/runtime.hpp"

namespace frsim::core {

// What a propagation touches per created reactive, dense by id and owned by
// the runtime: (A; P) membership and "outdated" by epoch stamp (a stamp equal
// to the running propagation's epoch means "in the set"), so starting a
// propagation costs nothing per reactive and the policy's queries are a load
// and a compare.
struct ReactiveState {
  std::uint64_t active_epoch = 0;     // r ∈ A
  std::uint64_t processed_epoch = 0;  // r ∈ P
  std::uint64_t outdated_epoch = 0;   // some input other than r itself is in A
  std::uint64_t logged_epoch = 0;     // the old value is in the undo log
  std::uint32_t level = 0;            // see Runtime::level
  ReactiveKind kind = ReactiveKind::source;
  bool outer_of_flatten = false;      // some flatten reads this value as a reference
  bool cutoff_ok = false;             // RuntimeOptions::equal_value_cutoff may stop at r (the runtime's)
};

// A list of reactive ids whose push is inline (std::vector's push_back is
// not, and a push per reevaluated reactive is the hot path) and which keeps
// its storage when cleared.
class IdBuffer {
 public:
  IdBuffer() = default;
  // A copy holds the ids, not the storage kept for later pushes: copying an
  // empty buffer (a runtime between propagations, copied with its world)
  // allocates nothing.
  IdBuffer(const IdBuffer& other) : items_(other.begin(), other.end()), size_(other.size_), capacity_(other.size_) {}
  IdBuffer(IdBuffer&& other) noexcept
      : items_(std::move(other.items_)),
        size_(std::exchange(other.size_, 0)),
        capacity_(std::exchange(other.capacity_, 0)) {}
  IdBuffer& operator=(const IdBuffer& other) {
    if (this == &other) return *this;
    if (other.size_ > capacity_) {
      items_.assign(other.begin(), other.end());
      capacity_ = other.size_;
    } else {
      std::copy(other.begin(), other.end(), items_.begin());
    }
    size_ = other.size_;
    return *this;
  }
  IdBuffer& operator=(IdBuffer&& other) noexcept {
    if (this == &other) return *this;
    items_ = std::move(other.items_);
    size_ = std::exchange(other.size_, 0);
    capacity_ = std::exchange(other.capacity_, 0);
    return *this;
  }

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  ReactiveId operator[](std::size_t i) const { return items_[i]; }
  ReactiveId back() const { return items_[size_ - 1]; }
  const ReactiveId* begin() const { return items_.data(); }
  const ReactiveId* end() const { return items_.data() + size_; }
  ReactiveId* begin() { return items_.data(); }
  ReactiveId* end() { return items_.data() + size_; }
  void pop_back() { --size_; }
  void clear() { size_ = 0; }
  [[gnu::always_inline]] void push_back(ReactiveId r) {
    if (size_ == capacity_) grow();
    items_[size_++] = r;
  }

 private:
  [[gnu::noinline]] void grow() {
    items_.resize(items_.empty() ? 16 : 2 * items_.size());
    capacity_ = static_cast<std::uint32_t>(items_.size());
  }
  std::vector<ReactiveId> items_;  // capacity: its size
  std::uint32_t size_ = 0;
  std::uint32_t capacity_ = 0;  // items_.size(), kept at hand
};

// Reactives by level, lowest level first: the level policy's buckets. A
// propagation pushes each outdated reactive once, at its level; the buckets
// keep their capacity across propagations, so a static graph allocates
// nothing after its first propagation.
class LevelQueue {
 public:
  // One level's reactives.
  using Bucket = IdBuffer;

  [[gnu::always_inline]] void push(ReactiveId r, std::uint32_t level) {
    if (level >= levels_) add_levels(level);
    buckets_[level].push_back(r);
    if (level > top_) top_ = level;
  }
  // Index, never hold a reference: push() may grow the bucket array.
  Bucket& bucket(std::uint32_t level) { return buckets_[level]; }
  std::uint32_t top() const { return top_; }
  // Empties every bucket: a propagation that an operator's error interrupted
  // leaves some filled.
  void reset() {
    for (std::uint32_t level = 0; level <= top_ && level < levels_; ++level) buckets_[level].clear();
    top_ = 0;
  }
  // Every bucket was taken empty: the next reset() has nothing to clear.
  void emptied() { top_ = 0; }

 private:
  [[gnu::noinline]] void add_levels(std::uint32_t level) {
    buckets_.resize(level + 1);
    levels_ = level + 1;
  }
  std::vector<Bucket> buckets_{1};
  std::uint32_t levels_ = 1;  // buckets_.size(), kept at hand
  std::uint32_t top_ = 0;
};

// The propagation in progress, (A; P) ⟨µ⟩ of Fig. 8, as a policy sees it.
// Every query is O(1) except ready(); the per-reactive ones are inline, since
// a policy asks them for every reactive it processes.
class Propagation {
 public:
  explicit Propagation(Runtime::Impl& impl);

  std::size_t size() const { return created_; }  // |dom(µ)|, the created reactives 0 .. size-1
  bool active(ReactiveId r) const { return states_[r].active_epoch == epoch_; }  // r ∈ A
  // r ∈ P. Restored constants (ids >= size()) are never part of a
  // propagation: they count as processed.
  bool processed(ReactiveId r) const { return r >= created_ || states_[r].processed_epoch == epoch_; }
  // outdated(A, µ) = {r ∈ µ | r_i ∈ A ∧ r_i ∈ inputs(r, µ)}   (Fig. 3)
  // A fold has itself as an input: once active it is outdated again.
  bool outdated(ReactiveId r) const {
    const ReactiveState& s = states_[r];
    return s.outdated_epoch == epoch_ || (s.kind == ReactiveKind::fold && s.active_epoch == epoch_);
  }
  // ready(P, µ) = {r ∈ µ | r ∉ P ∧ inputs(r, µ) ⊆ P ∪ {r}}    (Fig. 3)
  bool is_ready(ReactiveId r) const;
  // The whole ready set, ascending (O(|µ|)); `outdated_only` keeps only those
  // that (reevaluate) applies to.
  std::vector<ReactiveId> ready(bool outdated_only = false) const;
  std::uint32_t level(ReactiveId r) const { return states_[r].level; }  // see Runtime::level
  ReactiveKind kind(ReactiveId r) const { return states_[r].kind; }
  // Every reactive that became outdated in this propagation, each once, in the
  // order it did. A fast policy needs nothing else to find its work.
  std::span<const ReactiveId> outdated_log() const { return outdated_log_; }
  // No unprocessed reactive is outdated: every remaining one can only be
  // skipped, after which (commit) applies. The policy may return.
  bool finished() const { return outdated_unprocessed_ == 0; }
  // (skip) when r ∉ outdated(A, µ), otherwise (reevaluate) then (write).
  // Throws Error when the operator fails (the runtime then rolls back).
  void apply(ReactiveId r);
  // The level order run by the runtime itself, every rule in place (no call
  // through the handle per reactive): the reactives that outdated_log()
  // holds and every one they make outdated, lowest level first, each
  // (reevaluate)+(write) once, until finished(). Exactly the rules apply()
  // applies, in the order LevelPolicy takes them. Returns false without
  // doing anything when an Observer watches the rules one by one (the
  // policy then takes them through apply()).
  bool run_level_order(LevelQueue& queue);

 private:
  Runtime::Impl& impl_;
  // The runtime's own fields, read in place (they change as it propagates).
  const std::vector<ReactiveState>& states_;
  const std::uint64_t& epoch_;
  const std::size_t& created_;
  const std::vector<ReactiveId>& outdated_log_;
  const std::size_t& outdated_unprocessed_;
};

class Policy {
 public:
  virtual ~Policy() = default;
  // Calls prop.apply until prop.finished(); the runtime then applies (commit).
  // Called again for every propagation; an exception from apply may leave the
  // policy mid-loop, so a policy resets its buffers at the start of each call.
  virtual void propagate(Propagation& prop) = 0;
  virtual std::string_view name() const = 0;
  // A policy whose propagate() is exactly Propagation::run_level_order over
  // this queue when there is no observer (LevelPolicy) returns it: the
  // runtime then runs a fire and its propagation in one step
  // (Runtime::fire), without a call through the policy. Others: null.
  virtual LevelQueue* level_queue() { return nullptr; }
};

}  // namespace frsim::core
