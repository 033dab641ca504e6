#include <algorithm>
#include <limits>

#include "checker/mutants/engine.hpp"

namespace frsim::checker::mutant {

namespace {

// The ready, outdated, unprocessed reactive of the lowest (level, id), if any.
std::optional<core::ReactiveId> lowest_ready(const core::Propagation& prop) {
  std::optional<core::ReactiveId> best;
  for (core::ReactiveId r : prop.outdated_log()) {
    if (prop.processed(r) || !prop.is_ready(r)) continue;
    if (!best || std::pair(prop.level(r), r) < std::pair(prop.level(*best), *best)) best = r;
  }
  return best;
}

class BreadthFirst final : public core::Policy {
 public:
  void propagate(core::Propagation& prop) override {
    // The log grows while we walk it: a breadth-first frontier.
    for (std::size_t i = 0; i < prop.outdated_log().size(); ++i) {
      const core::ReactiveId r = prop.outdated_log()[i];
      if (!prop.processed(r)) prop.apply(r);
    }
  }
  std::string_view name() const override { return "mutant-breadth-first"; }
};

class DoubleFold final : public core::Policy {
 public:
  void propagate(core::Propagation& prop) override {
    while (auto r = lowest_ready(prop)) {
      prop.apply(*r);
      if (prop.kind(*r) == core::ReactiveKind::fold && prop.active(*r)) prop.apply(*r);
    }
  }
  std::string_view name() const override { return "mutant-double-fold"; }
};

class FlattenEarly final : public core::Policy {
 public:
  void propagate(core::Propagation& prop) override {
    for (;;) {
      std::optional<core::ReactiveId> next;
      for (core::ReactiveId r : prop.outdated_log()) {
        if (!prop.processed(r) && prop.kind(r) == core::ReactiveKind::flatten) {
          next = r;
          break;
        }
      }
      if (!next) next = lowest_ready(prop);
      if (!next) return;
      prop.apply(*next);
    }
  }
  std::string_view name() const override { return "mutant-flatten-early"; }
};

}  // namespace

std::shared_ptr<core::Policy> breadth_first_policy() { return std::make_shared<BreadthFirst>(); }
std::shared_ptr<core::Policy> double_fold_policy() { return std::make_shared<DoubleFold>(); }
std::shared_ptr<core::Policy> flatten_early_policy() { return std::make_shared<FlattenEarly>(); }

core::MapOperator stale_write(core::MapOperator op) {
  auto memo = std::make_shared<std::optional<core::Value>>();
  return [op = std::move(op), memo](std::span<const core::Value> inputs) {
    core::Value fresh = op(inputs);
    core::Value written = memo->value_or(fresh);
    *memo = std::move(fresh);
    return written;
  };
}

}  // namespace frsim::checker::mutant
