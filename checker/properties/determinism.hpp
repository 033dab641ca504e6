#pragma once
#include <memory>

#include "checker/property.hpp"
#include "checker/ready_orders.hpp"

namespace frsim::checker {

// Lemma 4.12 (Determinism): "For any device D all execution traces trace(D)
// contain the same sequence of →D steps." The →D steps of a propagation are
// the (fire)/(receive) that starts it, its (commit) with what it writes to
// the snapshot (Σ' minus Σ), and the (send)s it makes possible: the distributed reactives whose
// value it changed, with their values. Every fire and receive is also run in
// k seeded random ready orders from the same pre-state (ReadyOrdersCache,
// shared with confluence); whether it commits, Σ' and those sends must be
// the same in every order and in the run itself (Σ' between the orders
// only: they start from the same rebuilt Σ, see OrderOutcome::snapshot).
class Determinism final : public CopyableProperty<Determinism> {
 public:
  explicit Determinism(std::shared_ptr<ReadyOrdersCache> orders) : orders_(std::move(orders)) {}
  std::string_view name() const override { return "determinism"; }
  std::string_view source() const override { return "Lemma 4.12"; }
  std::string_view description() const override {
    return "every ready order of a propagation takes the same →D steps: commit or not, the snapshot, the sends";
  }
  void on_event(const sim::Event& event, const sim::World& world) override;

 private:
  std::uint64_t state_bytes() const override { return heap_bytes(devices_); }
  void judge(const sim::Event& e, const std::string& what, const OrderOutcome& expected, const OrderOutcome& actual,
             const std::string& actual_order);
  std::shared_ptr<ReadyOrdersCache> orders_;
  std::vector<OrdersProbe> devices_;
};

}  // namespace frsim::checker
