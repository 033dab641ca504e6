#pragma once
#include <map>
#include <memory>
#include <atomic>
#include <optional>
#include <tuple>

#include "checker/property.hpp"
#include "checker/ready_orders.hpp"
#include "core/shared_memory.hpp"
#include "sim/scenario.hpp"

namespace frsim::checker {

// Lemma 4.11 (Confluence): "For any two propagations starting at the same
// configuration p1 = ptrace(D, D1) and p2 = ptrace(D, D2), the final states
// µ1 ∈ D1 and µ2 ∈ D2 are equal."
//
// Judged two ways:
//  - every fire and receive is also run in k seeded random ready orders
//    (ReadyOrdersCache: skips included, from the pre-state rebuilt from Σ);
//    their stores, and the store the run itself committed to, must be equal.
//    This is what judges coarse grain, which runs one order per propagation;
//  - across the schedules of a campaign (fine grain, where the world offers
//    every outdated ready reactive): a table shared by the monitors of one
//    factory maps (device, µ and Σ when the action starts, action) to µ at
//    commit (store_hash: values only, never the propagation's (A; P), which
//    record the path taken); a different outcome for the same key is a
//    violation. Coarse and fine runs of one campaign share the table and are
//    compared with each other.
class ConfluenceTable {
 public:
  struct Outcome {
    std::uint64_t after = 0;
    std::uint64_t first_seen_step = 0;
  };
  ConfluenceTable();
  // The outcome recorded first for `key`, after recording `outcome` if none was.
  // `action`: a digest of the action's text and values (Confluence::on_event).
  Outcome record(std::uint32_t device, std::uint64_t before, std::uint64_t action, Outcome outcome);
  std::size_t size() const;

 private:
  // Bounded: past the limit, new keys are no longer recorded (old ones still judge).
  static constexpr std::size_t entries_max = 1u << 20;
  // Open addressing at a load of at most one half, in memory that the worker
  // processes of a parallel search share (core/shared_memory.hpp): a schedule
  // one worker explores is compared with those every other worker explored,
  // as in one process. Lock-free: a slot's key is claimed by compare-and-swap,
  // its outcome written, then published by `ready`. A key is the digest of
  // (device, µ and Σ, action), as a fingerprint keys the visited set.
  static constexpr std::size_t slots = 2 * entries_max;
  struct Slot {
    std::uint64_t key, after, step, ready;
  };
  std::atomic<std::uint64_t>& count() const;
  Slot* slot_array() const;
  core::SharedMemory memory_;
};

class Confluence final : public CopyableProperty<Confluence> {
 public:
  Confluence(std::shared_ptr<ConfluenceTable> table, std::shared_ptr<ReadyOrdersCache> orders)
      : table_(std::move(table)), orders_(std::move(orders)) {}
  std::string_view name() const override { return "confluence"; }
  std::string_view source() const override { return "Lemma 4.11"; }
  std::string_view description() const override {
    return "every ready order from the same state and action ends in the same store";
  }
  void on_event(const sim::Event& event, const sim::World& world) override;
  void on_transition(const sim::World& world) override;

 private:
  struct Device {
    bool running = false;
    bool orders = false;  // two or more reactives were ready and outdated at once
    std::uint64_t before = 0;
    std::string action;           // the action's text, for a report
    std::uint64_t action_key = 0;  // its text and values, hashed: the table's key
    OrdersProbe probe;
    std::uint64_t heap_bytes() const { return checker::heap_bytes(action, probe); }
  };
  std::uint64_t state_bytes() const override { return heap_bytes(devices_); }
  void judge_orders(const sim::Event& e, const sim::World& world, Device& d);
  std::shared_ptr<ConfluenceTable> table_;
  std::shared_ptr<ReadyOrdersCache> orders_;
  std::vector<Device> devices_;
};

// The direct check (tests, `frsim` self-checks): build one device with the
// scenario's creation code, apply `prefix` (whole propagations), then run the
// action `action` in `orders` random ready orders (Runtime::ready/step, seeded)
// and compare the stores at commit. nullopt when all agree.
std::optional<sim::Finding> check_confluence(const sim::Scenario& scenario, std::uint32_t device,
                                             std::uint32_t devices, const std::vector<sim::Action>& prefix,
                                             const sim::Action& action, std::uint32_t orders, std::uint64_t seed);

}  // namespace frsim::checker
