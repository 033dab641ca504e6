#pragma once
#include "checker/property.hpp"

namespace frsim::checker {

// Lemma 4.21 / Theorem 4.24 (Restoration): "The creation prefix of the
// execution of an application is restored exactly as before a crash". Each
// commit records the device's store; after a restart's creation code every
// reactive it recreated must hold the value it had at the last commit.
class Restoration final : public CopyableProperty<Restoration> {
 public:
  std::string_view name() const override { return "restoration"; }
  std::string_view source() const override { return "Lemmas 4.21-4.23, Thm. 4.24"; }
  std::string_view description() const override {
    return "after restart the creation prefix restores every value as it was at the last commit";
  }
  void on_event(const sim::Event& event, const sim::World& world) override;
  void on_transition(const sim::World& world) override;
  void on_schedule_end(const sim::World& world) override;

 private:
  struct Device {
    std::vector<core::Value> committed;  // µ at the last commit, by id
    bool restoring = false;              // restarted, creation code not yet judged
  };
  void judge(const sim::World& world, std::uint32_t device);
  std::vector<Device> devices_;
};

}  // namespace frsim::checker
