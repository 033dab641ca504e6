#include "checker/mutants/engine.hpp"
#include "core/lattice.hpp"

namespace frsim::checker::mutant {

namespace {

class NoPropagate final : public core::Receiver {
 public:
  core::ReceiveEffect effect(core::ReactiveId) const override { return core::ReceiveEffect::write_only; }
};

class NotIdempotent final : public core::Receiver {
 public:
  core::Value merge(core::ReactiveId r, const core::MergeFunction& merge, const core::Value& local,
                    const core::Value& remote) const override {
    if (local != remote) return core::Receiver::merge(r, merge, local, remote);
    if (local.is_crdt()) return core::Value::crdt(local.as_crdt().bottom());
    return core::Value();
  }
};

class NoPromotion final : public core::Receiver {
 public:
  bool promotes() const override { return false; }
};

}  // namespace

std::shared_ptr<const core::Receiver> no_promotion_receiver() { return std::make_shared<NoPromotion>(); }
std::shared_ptr<const core::Receiver> receive_no_propagate_receiver() { return std::make_shared<NoPropagate>(); }
std::shared_ptr<const core::Receiver> merge_not_idempotent_receiver() { return std::make_shared<NotIdempotent>(); }

}  // namespace frsim::checker::mutant
