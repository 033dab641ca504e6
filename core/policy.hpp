#pragma once
// Propagation policies: which ready reactive the step machine of Fig. 8
// processes next (REScala's scheduler/operator split, DESIGN §3).
//
// A Policy drives one propagation through a Propagation handle. The handle
// owns the rules: apply(r) performs (skip) or (reevaluate)+(write) on whatever
// reactive the policy picks. Readiness is the policy's responsibility, not the
// handle's: that is exactly what the glitch-freedom and at-most-once checkers
// verify, so a deliberately broken policy (a checker's mutant) can be plugged in
// without touching the runtime. Picking an already processed reactive applies
// the rule again.

#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "core/runtime.hpp"

namespace frsim::core {

// The propagation in progress, (A; P) ⟨µ⟩ of Fig. 8, as a policy sees it.
// Every query is O(1) except ready().
class Propagation {
 public:
  explicit Propagation(Runtime::Impl& impl) : impl_(impl) {}

  std::size_t size() const;  // |dom(µ)|, the created reactives 0 .. size-1
  bool active(ReactiveId r) const;     // r ∈ A
  bool processed(ReactiveId r) const;  // r ∈ P
  // outdated(A, µ) = {r ∈ µ | r_i ∈ A ∧ r_i ∈ inputs(r, µ)}   (Fig. 3)
  bool outdated(ReactiveId r) const;
  // ready(P, µ) = {r ∈ µ | r ∉ P ∧ inputs(r, µ) ⊆ P ∪ {r}}    (Fig. 3)
  bool is_ready(ReactiveId r) const;
  // The whole ready set, ascending (O(|µ|)); `outdated_only` keeps only those
  // that (reevaluate) applies to.
  std::vector<ReactiveId> ready(bool outdated_only = false) const;
  std::uint32_t level(ReactiveId r) const;  // see Runtime::level
  ReactiveKind kind(ReactiveId r) const;
  // Every reactive that became outdated in this propagation, each once, in the
  // order it did. A fast policy needs nothing else to find its work.
  std::span<const ReactiveId> outdated_log() const;
  // No unprocessed reactive is outdated: every remaining one can only be
  // skipped, after which (commit) applies. The policy may return.
  bool finished() const;
  // (skip) when r ∉ outdated(A, µ), otherwise (reevaluate) then (write).
  // Throws Error when the operator fails (the runtime then rolls back).
  void apply(ReactiveId r);

 private:
  Runtime::Impl& impl_;
};

class Policy {
 public:
  virtual ~Policy() = default;
  // Calls prop.apply until prop.finished(); the runtime then applies (commit).
  // Called again for every propagation; an exception from apply may leave the
  // policy mid-loop, so a policy resets its buffers at the start of each call.
  virtual void propagate(Propagation& prop) = 0;
  virtual std::string_view name() const = 0;
};

}  // namespace frsim::core
