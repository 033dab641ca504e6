#include "core/policy.hpp"

#include <cassert>
#include <utility>

#include <fmt/format.h>

namespace frsim::core {
namespace {

// The product's order: level (height) buckets over the reactives the action
// reaches, lowest level first. A reactive's level exceeds its inputs' levels,
// so when it is taken every input that this propagation will write is
// processed: it is in ready(P, µ) up to inputs the action cannot reach, which
// the commit rule skips. Buffers live across propagations, so a static graph
// allocates nothing after the first propagation of each size.
class LevelPolicy final : public Policy {
 public:
  std::string_view name() const override { return "level"; }
  LevelQueue* level_queue() override { return &queue_; }

  void propagate(Propagation& prop) override {
    queue_.reset();
    if (prop.run_level_order(queue_)) return;
    std::size_t seen = enqueue(prop, 0);
    for (std::uint32_t level = 0; level <= queue_.top(); ++level) {
      while (!queue_.bucket(level).empty()) {
        const ReactiveId r = queue_.bucket(level).back();
        queue_.bucket(level).pop_back();
        if (prop.processed(r)) continue;
        const std::uint32_t now = prop.level(r);
        if (now != level) {
          // A flatten's inner moved up (REScala's dynamic level increase):
          // requeue at its new, higher level.
          assert(now > level);
          queue_.push(r, now);
          continue;
        }
        prop.apply(r);
        seen = enqueue(prop, seen);
      }
    }
    queue_.emptied();
    assert(prop.finished());
  }

 private:
  std::size_t enqueue(const Propagation& prop, std::size_t seen) {
    const auto log = prop.outdated_log();
    for (; seen < log.size(); ++seen) queue_.push(log[seen], prop.level(log[seen]));
    return seen;
  }

  LevelQueue queue_;
};

// The calculus literally: every step offers the whole ready(P, µ) to the
// chooser, skips included, until P = dom(µ).
class CalculusPolicy final : public Policy {
 public:
  explicit CalculusPolicy(Chooser chooser) : chooser_(std::move(chooser)) {}

  std::string_view name() const override { return "calculus"; }

  void propagate(Propagation& prop) override {
    for (;;) {
      const std::vector<ReactiveId> ready = prop.ready();
      if (ready.empty()) break;
      const std::size_t index = chooser_ ? chooser_(ready) : 0;
      if (index >= ready.size()) {
        throw Error(fmt::format("chooser picked ready reactive {} of {}", index, ready.size()));
      }
      prop.apply(ready[index]);
    }
  }

 private:
  Chooser chooser_;
};

}  // namespace

std::unique_ptr<Policy> level_policy() { return std::make_unique<LevelPolicy>(); }

std::unique_ptr<Policy> calculus_policy(Chooser chooser) {
  return std::make_unique<CalculusPolicy>(std::move(chooser));
}

}  // namespace frsim::core
