#pragma once
#include <optional>
#include <string>
#include <vector>

#include "checker/property.hpp"

namespace frsim::checker {

// Lemmas 4.21-4.22 / Theorem 4.24 (Restoration): "The creation prefix of
// the execution of an application is restored exactly as before a crash".
// Each commit records the device's store: every reactive's kind, label,
// inputs and value. After a restart's creation code and the replay of what
// operators created after it (core/README.md, "Creation"), every reactive of
// that store must be there again at its id, with the same kind, label and
// inputs (Lemma 4.22: µ(r) = µ'(r); operators cannot be compared) and the
// value it had at the last commit (Lemma 4.21).
class Restoration final : public CopyableProperty<Restoration> {
 public:
  std::string_view name() const override { return "restoration"; }
  std::string_view source() const override { return "Lemmas 4.21-4.22, Thm. 4.24"; }
  std::string_view description() const override {
    return "after restart every reactive of the last committed store is recreated at its id with its kind, label, "
           "inputs and value";
  }
  void on_event(const sim::Event& event, const sim::World& world) override;
  void on_transition(const sim::World& world) override;
  void on_schedule_end(const sim::World& world) override;

 private:
  struct Reactive {
    core::ReactiveKind kind = core::ReactiveKind::source;
    std::string label;
    std::vector<core::ReactiveId> inputs;
    core::Value value;
  };
  struct Device {
    std::vector<Reactive> committed;     // µ at the last commit, by id
    bool restoring = false;              // restarted, creation code not yet judged
  };
  void judge(const sim::World& world, std::uint32_t device);
  // The first difference of r from its record, or nothing.
  std::optional<std::string> differs(const core::Runtime& rt, core::ReactiveId r, const Reactive& before) const;
  std::vector<Device> devices_;
};

}  // namespace frsim::checker
