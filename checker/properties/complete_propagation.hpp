#pragma once
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <vector>

#include "checker/property.hpp"
#include "checker/ready_orders.hpp"

namespace frsim::checker {

// The scenario's creation code run once more per device: its operators are
// what complete-propagation re-runs. One per campaign, shared by every
// schedule's monitor (building a bench runs the creation code), rebuilt when
// the device's graph is not its graph. Thread-safe.
class OperatorBenches {
 public:
  // r's operator on `inputs`, or nullopt when the creation code does not
  // rebuild r. Throws what the operator throws. The operator is the one the
  // creation code makes over the device's Σ now (a restart's), or with
  // `as_started` over a Σ with its creation records only (the device's first
  // start, and what it created since): a creation code that reads Σ makes
  // other operators at a restart, and the device runs whichever it was built
  // with.
  std::optional<core::Value> apply(const sim::World& world, std::uint32_t device, core::ReactiveId r,
                                   std::span<const core::Value> inputs, bool as_started = false);

 private:
  struct Bench {
    std::mutex mutex;
    std::shared_ptr<const sim::Scenario> scenario;  // what built it (held, so its address names it)
    std::uint32_t devices = 0;
    core::Snapshot sigma;
    std::unique_ptr<core::Runtime> runtime;
  };
  std::shared_ptr<Bench> bench(std::uint32_t device, bool as_started);
  std::mutex mutex_;
  std::vector<std::shared_ptr<Bench>> benches_;  // by device, then the as-started ones
};

// Lemma 4.10 (Complete Propagation): a propagation starting with an action
// setting r to v and ending in µ' is complete if "the action changes the
// correct reactive µ'(r).val = v, all active derived reactives are complete,
// all non-active folds and sources keep their values".
//
// Judged at (commit), for every reactive the propagation reevaluated:
//  - the input values it read are its inputs' values at commit (Lemma 4.8:
//    every reactive derived from an active one is active, and only active
//    reactives are written);
//  - Def. 4.9 on values: it holds its operator applied to its inputs'
//    committed values (a fold: to the state it read and its input's committed
//    value; a flatten: its inner's value). The operator is re-run by the
//    checker on a runtime the scenario's creation code builds (fresh
//    closures, the calculus engine), never the device's own: operators are
//    pure, so a different result means the engine wrote what the operator did
//    not compute, or the operator is not a function of its inputs — either is
//    a finding;
//  - a fold is reevaluated only when its input r1 is active (Fig. 8: a fold
//    is outdated when r1 ∈ A, or r itself, which it joins only by this very
//    reevaluation).
class CompletePropagation final : public CopyableProperty<CompletePropagation> {
 public:
  // `orders`: the campaign's ready-order runs (shared with confluence and
  // determinism), whose rebuilds over Σ make every operator afresh; null:
  // not used.
  explicit CompletePropagation(std::shared_ptr<OperatorBenches> benches = std::make_shared<OperatorBenches>(),
                               std::shared_ptr<ReadyOrdersCache> orders = nullptr)
      : benches_(std::move(benches)), orders_(std::move(orders)) {}
  std::string_view name() const override { return "complete-propagation"; }
  std::string_view source() const override { return "Lemma 4.10"; }
  std::string_view description() const override {
    return "after commit every active derived reactive equals its operator on its inputs; "
           "inactive sources and folds keep their values";
  }
  void on_event(const sim::Event& event, const sim::World& world) override;
  void on_transition(const sim::World& world) override;
  void on_schedule_end(const sim::World& world) override;

 private:
  struct Device {
    bool open = false;  // an action started and neither committed, aborted nor crashed
    std::string action;
    core::ReactiveId target = sim::no_reactive;
    core::Value target_value;
    PropagationStamps written;
    std::map<core::ReactiveId, std::vector<core::Value>> read;  // reevaluated -> inputs read
    OrdersProbe probe;  // (keeps_sends false) the action's ready-order run: its rebuild of the pre-state
    std::uint64_t heap_bytes() const { return checker::heap_bytes(action, written, read) + probe.heap_bytes(); }
    // The propagation ended: what follows it is dropped, so that a copy of
    // the property between propagations carries nothing of it (DESIGN §6).
    void end() {
      open = false;
      action.clear();
      written.clear();
      read.clear();
    }
  };
  std::uint64_t state_bytes() const override { return heap_bytes(devices_); }
  void check_commit(const sim::Event& e, const sim::World& world, Device& d);
  // r's operator on `inputs`, or nullopt (and a note) when the creation code
  // does not rebuild r.
  std::optional<core::Value> reevaluated_by_checker(const sim::World& world, std::uint32_t device,
                                                    core::ReactiveId r, std::span<const core::Value> inputs,
                                                    bool as_started = false);
  bool check_value(const sim::World& world, std::uint32_t device, core::ReactiveId r,
                   const std::vector<core::Value>& read, const std::vector<bool>& active);
  std::shared_ptr<OperatorBenches> benches_;  // the campaign's
  void report_unfinished(std::uint32_t device, const Device& d);
  void check_rebuilt(const sim::Event& e, const sim::World& world, const Device& d);
  // The comparison of check_rebuilt: true when it reported.
  bool compare_rebuilt(const sim::World& world, std::uint32_t device, const Rebuilt& rebuilt);
  std::shared_ptr<ReadyOrdersCache> orders_;  // the campaign's, or null
  std::vector<Device> devices_;
};

}  // namespace frsim::checker
