#pragma once
// What one property is (DESIGN §7): it observes the event stream and the end
// state of a schedule and keeps the first violation. One file per property in
// checker/properties/; checker::Suite fans events out to them.

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "checker/heap_bytes.hpp"
#include "sim/event.hpp"
#include "sim/monitor.hpp"
#include "sim/world.hpp"

namespace frsim::checker {

class Property {
 public:
  virtual ~Property() = default;
  virtual std::string_view name() const = 0;
  virtual std::string_view source() const = 0;       // the paper's lemma, "Lemma 4.6"
  virtual std::string_view description() const = 0;  // when it holds
  virtual void on_start(const sim::World& /*world*/) {}
  virtual void on_event(const sim::Event& /*event*/, const sim::World& /*world*/) {}
  virtual void on_transition(const sim::World& /*world*/) {}
  virtual void on_schedule_end(const sim::World& /*world*/) {}
  virtual std::unique_ptr<Property> clone() const = 0;
  // The memory a copy of this property takes: the object and what its
  // per-schedule state holds on the heap (heap_bytes.hpp; the finding and
  // the notes are shared by the copies). A search counts it for every node
  // of its frontier (DESIGN §6, "The memory budget").
  std::uint64_t memory_bytes() const { return heap_block(object_bytes()) + state_bytes(); }

  const std::optional<sim::Finding>& finding() const {
    static const std::optional<sim::Finding> none;
    return finding_ ? *finding_ : none;
  }
  bool violated() const { return finding_ != nullptr; }
  // How many times this property judged something non-trivially (a restart
  // compared, a merge checked, a schedule end compared with the oracle):
  // what a verdict "holds" rests on. Zero: not exercised.
  std::uint64_t judged() const { return judged_; }
  const std::set<std::string>& notes() const {
    static const std::set<std::string> none;
    return notes_ ? *notes_ : none;
  }

 protected:
  // sizeof the most derived class (CopyableProperty says it).
  virtual std::size_t object_bytes() const = 0;
  // The heap the derived class's members hold: heap_bytes(member, ...).
  virtual std::uint64_t state_bytes() const { return 0; }

  void count_judged(std::uint64_t times = 1) { judged_ += times; }
  // A stable sentence for the report (the same in every schedule that makes
  // it, so a campaign lists it once); the first few only.
  void note(std::string text) {
    if (notes_ && (notes_->size() >= notes_max || notes_->contains(text))) return;
    auto more = notes_ ? std::make_shared<std::set<std::string>>(*notes_) : std::make_shared<std::set<std::string>>();
    more->insert(std::move(text));
    notes_ = std::move(more);
  }

  // Keeps the first violation only: later ones are usually its consequences.
  void report(std::uint32_t device, std::string reactive, std::string message,
              std::vector<std::string> values = {}) {
    if (finding_) return;
    finding_ = std::make_shared<const std::optional<sim::Finding>>(
        sim::Finding{std::string(name()), std::move(message), device, std::move(reactive), std::move(values)});
  }

 private:
  static constexpr std::size_t notes_max = 8;
  // Shared by the copies of a property (set once, or copied on a new note):
  // a search copies the monitor into every node of its frontier.
  std::shared_ptr<const std::optional<sim::Finding>> finding_;
  std::uint64_t judged_ = 0;
  std::shared_ptr<const std::set<std::string>> notes_;
};

// The running propagation ended in (commit) or an operator's abort (an abort
// with a message is a Lo task's, not a propagation's).
inline bool propagation_ended(const sim::Event& e) {
  return e.kind == sim::EventKind::committed || (e.kind == sim::EventKind::aborted && e.message == 0);
}

// clone() by copy, for properties whose state is plain data.
template <class Derived>
class CopyableProperty : public Property {
 public:
  std::unique_ptr<Property> clone() const override {
    return std::make_unique<Derived>(static_cast<const Derived&>(*this));
  }

 protected:
  std::size_t object_bytes() const override { return sizeof(Derived); }
};

// Per-device bookkeeping for properties that follow one propagation at a time:
// a stamp per reactive that is valid only in the current propagation, so that
// starting a propagation costs nothing per reactive.
class PropagationStamps {
 public:
  void begin() { ++epoch_; }
  bool test(core::ReactiveId r) const { return r < stamps_.size() && stamps_[r] == epoch_; }
  // Returns whether r was already set in this propagation.
  bool test_and_set(core::ReactiveId r) {
    if (r >= stamps_.size()) stamps_.resize(r + 1, 0);
    const bool was = stamps_[r] == epoch_;
    stamps_[r] = epoch_;
    return was;
  }

  // The propagation ended: no stamp is valid any more (the next begin()
  // would make them stale), so a copy need not carry them (DESIGN §6, "The
  // memory budget": a search keeps a copy of the monitor in every node).
  void clear() { stamps_.clear(); }
  std::uint64_t heap_bytes() const { return checker::heap_bytes(stamps_); }

 private:
  std::uint64_t epoch_ = 1;
  std::vector<std::uint64_t> stamps_;
};

// Grows `v` so that v[i] exists.
template <class T>
T& at_grow(std::vector<T>& v, std::size_t i) {
  if (i >= v.size()) v.resize(i + 1);
  return v[i];
}

// At an action_started event: the action joined a propagation that was
// already running on the device (A holds more than a fresh action's nothing:
// (fire) and (receive) start from (∅; ∅), Fig. 8), which Lemma 4.13 forbids.
bool joined_running_propagation(const sim::World& world, std::uint32_t device);

// "label (r3)" for messages; the label alone if the runtime is gone.
std::string describe(const sim::World& world, std::uint32_t device, core::ReactiveId r);
std::string printed(const core::Value& v);

}  // namespace frsim::checker
