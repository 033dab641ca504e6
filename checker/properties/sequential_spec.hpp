#pragma once
#include <map>
#include <memory>
#include <optional>
#include <set>

#include "checker/oracle.hpp"
#include "checker/property.hpp"

namespace frsim::checker {

// A set of action numbers (SequentialSpec: the committed actions whose
// effect a value, a message or an action carries). The first 64 numbers in
// place (a workload rarely has more), the rest on the heap: the property is
// copied into every node of a search's frontier (DESIGN §6, "The memory
// budget"), and a std::vector<bool> took a block of its own for each of the
// sets a device, message and action keeps.
class ActionSet {
 public:
  bool test(std::size_t i) const {
    if (i < 64) return ((low_ >> i) & 1U) != 0;
    const std::size_t word = i / 64 - 1;
    return word < high_.size() && ((high_[word] >> (i % 64)) & 1U) != 0;
  }
  void set(std::size_t i) {
    if (i < 64) {
      low_ |= std::uint64_t{1} << i;
      return;
    }
    const std::size_t word = i / 64 - 1;
    if (word >= high_.size()) high_.resize(word + 1, 0);
    high_[word] |= std::uint64_t{1} << (i % 64);
  }
  void unite(const ActionSet& more) {
    low_ |= more.low_;
    if (high_.size() < more.high_.size()) high_.resize(more.high_.size(), 0);
    for (std::size_t w = 0; w < more.high_.size(); ++w) high_[w] |= more.high_[w];
  }
  std::uint64_t heap_bytes() const { return checker::heap_bytes(high_); }

 private:
  std::uint64_t low_ = 0;
  std::vector<std::uint64_t> high_;
};

// Lasp (seed 000): "Regardless of schedule, they are reducible, or
// equivalent, to the original sequential specification." Made checkable
// (DESIGN §10, checker/oracle.hpp): after healing, the converged state of the
// run — every reactive that depends on a distributed one, on every device,
// in its observable form — equals the converged state of some sequential
// schedule of the run's committed actions, in an order that extends the
// causal order the run observed.
//
// Committed actions that left nothing behind (see Committed::effect) are
// left out, and so are the reactives that read a local source some
// committed action fired: what is compared derives from distributed
// reactives (and constants) only.
//
// The causal order: an action comes after the device's own earlier actions,
// and after every committed action whose effect was in what it computed its
// own effect from — the distributed reactives it changed (their values
// differ at its commit) and their inputs.
// Effects are tracked per distributed reactive: a committed propagation puts
// its action (or what its received message carried) into every distributed
// reactive it changed, with what the distributed reactives upstream of it
// carry; a message carries what its reactive carries on the sender.
// (Lamport's happened-before, along the values that carry an effect:
// distributed reactives replicate one by one, so a device may have received
// one of an action's effects and not another, and what it then does to the
// other is concurrent with that action.)
// Only committed actions count: one lost in a crash, aborted, or never fired
// (the schedule ended first; healing does not fire workloads) has no effect.
//
// The orders are searched lazily (OrderSearch in checker/oracle.hpp), the
// run's commit order first, every one when they are few, and every one at
// once by a prefix search (PrefixSearch: a sequential state is expanded once
// per set of placed actions) when they are many. A violation is reported only
// when every allowed order was covered: where the prefix search runs out of
// its budget and none of the orders tried (some drawn with the world's seed)
// matches, the schedule is not judged and the report notes it — a sound
// program must never fail for want of search.
class SequentialSpec final : public CopyableProperty<SequentialSpec> {
 public:
  explicit SequentialSpec(std::shared_ptr<SequentialOracle> oracle) : oracle_(std::move(oracle)) {}
  std::string_view name() const override { return "sequential-spec"; }
  std::string_view source() const override { return "Lasp"; }
  std::string_view description() const override {
    return "the converged state equals that of a sequential schedule of the same committed actions, in an order "
           "the run's causal order allows";
  }
  void on_event(const sim::Event& event, const sim::World& world) override;
  void on_schedule_end(const sim::World& world) override;

 private:
  // By action number: the committed actions whose effect is there.
  using Known = ActionSet;
  struct Committed {
    ActionRef action;
    Known before;  // what its device had received the effect of when it started
    std::uint64_t heap_bytes() const { return checker::heap_bytes(before); }
    // It left something for the future: it changed a fold (distributed or
    // not) or a distributed source, or fired a source whose value can reach
    // one (through maps or flattens). One that did neither — a gesture on
    // something this device had not received yet, every fold kept its value;
    // a choice of what to display — is as if it had not happened, and is
    // left out of the sequential schedules (fired there, after what it had
    // not seen, it would act).
    bool effect = false;
  };
  struct Device {
    Known own;                          // its committed actions: program order
    std::map<std::string, Known> known;  // by distributed reactive: what its value carries
    std::optional<Known> running;       // what the running propagation brings, until it commits
    std::uint64_t request = 0;          // the running fire's request (0: none)
    // Its distributed values (hashes, by name) when the running propagation started; cleared when it ends.
    std::map<std::string, std::uint64_t> replicated;
    std::uint64_t folds = 0;  // hash of every fold's value when its action started
    std::uint64_t heap_bytes() const { return checker::heap_bytes(own, known, running, replicated); }
  };
  std::uint64_t state_bytes() const override {
    return heap_bytes(offsets_, devices_, messages_, requests_, committed_);
  }
  void start(const sim::World& world);
  std::size_t number(ActionRef a) const { return offsets_.at(a.device) + a.index; }
  std::vector<std::vector<std::size_t>> causal_order() const;
  void on_commit(const sim::Event& e, const sim::World& world, const Known& brought, Committed* fired);
  void on_replication(const sim::Event& e, const sim::World& world);
  void judge(const sim::World& world);
  static std::string orders_text(const std::vector<std::vector<std::size_t>>& before, const OrderSearch::Result& found);
  void report_closest(const sim::World& world, const std::vector<ActionRef>& actions, const std::string& orders,
                      const std::vector<ActionRef>& closest, const Difference& difference);

  std::shared_ptr<SequentialOracle> oracle_;
  std::vector<std::size_t> offsets_;  // first action number of each device; empty until the first event
  std::vector<Device> devices_;
  std::map<std::uint64_t, Known> messages_;      // replication message id -> what its value carries
  std::map<std::uint64_t, Committed> requests_;  // user fire request id -> the action, until it answers
  std::vector<Committed> committed_;             // in commit order
};

}  // namespace frsim::checker
