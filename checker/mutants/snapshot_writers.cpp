#include "checker/mutants/engine.hpp"

namespace frsim::checker::mutant {

namespace {

class NoFolds final : public core::SnapshotWriter {
 public:
  void committed(core::Snapshot& sigma, const core::Runtime& runtime,
                 std::span<const core::ReactiveId> active) const override {
    for (core::ReactiveId r : active) {
      if (runtime.kind(r) == core::ReactiveKind::source) core::store_with_nested(sigma, runtime, r);
    }
  }
};

class Nonatomic final : public core::SnapshotWriter {
 public:
  bool observes_writes() const override { return true; }
  void written(core::Snapshot& sigma, const core::Runtime& runtime, core::ReactiveId r) const override {
    const auto kind = runtime.kind(r);
    if (kind == core::ReactiveKind::source || kind == core::ReactiveKind::fold) {
      core::store_with_nested(sigma, runtime, r);
    }
  }
};

}  // namespace

std::shared_ptr<const core::SnapshotWriter> snapshot_no_folds_writer() { return std::make_shared<NoFolds>(); }
std::shared_ptr<const core::SnapshotWriter> nonatomic_commit_writer() { return std::make_shared<Nonatomic>(); }

}  // namespace frsim::checker::mutant
