#pragma once
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "checker/property.hpp"

namespace frsim::checker {

// Lemmas 4.21-4.23 / Theorem 4.24 (Restoration): "The creation prefix of
// the execution of an application is restored exactly as before a crash,
// and after the creation prefix any action causes the same changes as
// before the crash."
//
// Between transitions after each commit (and after a workload action's
// creation, which Σ holds at once) the property keeps a copy of the device:
// D, as a crash would leave it. After a restart:
//  - Lemmas 4.21-4.22, at the end of the creation code and of the replay of
//    what was created after it (core/README.md, "Creation"): every reactive
//    of D must be there again at its id, with the same kind, label and
//    inputs (µ(r) = µ'(r); operators cannot be compared) and D's value;
//  - Lemma 4.23, at each commit of the restored device D' until its next
//    crash: the same action (the fire or receive D' just committed) run on
//    the copy of D ends in a store compatible with D''s, ∀r ∈ dom(µp) ∩
//    dom(µp'): µp(r) = µp'(r); the copy then follows D' to its next action.
//    A workload action's creation on D' (not run on the copy) ends the
//    comparison, and so does an action the copy does not commit.
class Restoration final : public CopyableProperty<Restoration> {
 public:
  std::string_view name() const override { return "restoration"; }
  std::string_view source() const override { return "Lemmas 4.21-4.23, Thm. 4.24"; }
  std::string_view description() const override {
    return "after restart every reactive of the last committed store is recreated at its id with its kind, label, "
           "inputs and value, and every action then changes the store as it would have before the crash";
  }
  void on_start(const sim::World& world) override;
  void on_event(const sim::Event& event, const sim::World& world) override;
  void on_transition(const sim::World& world) override;
  void on_schedule_end(const sim::World& world) override;

 private:
  // A device's runtime copied with its own Σ; immutable once made (monitor
  // copies share it), so following an action makes a new one.
  struct Frozen {
    core::Snapshot sigma;
    std::unique_ptr<core::Runtime> runtime;
  };
  static std::shared_ptr<const Frozen> freeze(const core::Runtime& rt, const core::Snapshot& sigma);
  struct Action {
    bool receive = false;
    core::ReactiveId reactive = 0;  // fire: the source
    std::string name;               // receive: the distributed reactive
    core::Value value;
    std::uint64_t heap_bytes() const { return checker::heap_bytes(name); }
  };
  struct Device {
    std::shared_ptr<const Frozen> committed;  // D at the last commit
    bool dirty = false;                  // committed or created since the last copy
    bool restoring = false;              // restarted, creation code not yet judged
    std::shared_ptr<const Frozen> before_crash;  // Lemma 4.23: D, following D''s actions
    std::optional<Action> action;        // D''s running action
    std::optional<core::Value> remote;   // the remote value of the merge just before a receive
    std::uint64_t heap_bytes() const { return checker::heap_bytes(action, remote); }
  };
  std::uint64_t state_bytes() const override { return heap_bytes(devices_); }
  void judge(const sim::World& world, std::uint32_t device);
  void start_action(const sim::Event& e, const sim::World& world, Device& d);
  void compare_action(const sim::Event& e, const sim::World& world, Device& d);
  // The first difference of r from its record, or nothing.
  std::optional<std::string> differs(const core::Runtime& rt, core::ReactiveId r,
                                     const core::Runtime& before) const;
  std::vector<Device> devices_;
};

}  // namespace frsim::checker
