#pragma once
// checker::Suite, the Monitor the checker hands out: fans the event stream out
// to its properties and reports the first finding (in the order properties
// are listed, for the earliest event that violated one).

#include <memory>
#include <vector>

#include "checker/property.hpp"

namespace frsim::checker {

class Suite final : public sim::Monitor {
 public:
  explicit Suite(std::vector<std::unique_ptr<Property>> properties);

  void on_start(const sim::World& world) override;
  void on_event(const sim::Event& event, const sim::World& world) override;
  void on_transition(const sim::World& world) override;
  void on_schedule_end(const sim::World& world) override;
  std::optional<sim::Finding> finding() const override {
    return finding_ ? std::optional<sim::Finding>(*finding_) : std::nullopt;
  }
  // Every property's first violation, in the order of properties().
  std::vector<sim::Finding> findings() const;
  std::unique_ptr<sim::Monitor> clone() const override;
  std::uint64_t memory_bytes() const override;
  std::vector<std::string> properties() const override;
  std::vector<std::uint64_t> judged() const override;
  std::set<std::string> notes() const override;

 private:
  template <class F>
  void each(F&& f);
  std::vector<std::unique_ptr<Property>> properties_;
  std::shared_ptr<const sim::Finding> finding_;  // shared by the copies, set once
};

}  // namespace frsim::checker
