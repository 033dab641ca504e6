#pragma once
// The (receive) rule of Fig. 9, as a replaceable object:
//
//   merge = M(r)   v = merge(µ(r).val, vr)
//   D_i' = Σ ▷ (({r}; {r}) ⟨µ(r).val ← v⟩ tl)
//
// The default is the calculus. A checker substitutes a broken one (a merge that
// is not idempotent, a receive that merges without propagating) to see the
// convergence properties fail.

#include "core/runtime.hpp"

namespace frsim::core {

enum class ReceiveEffect : std::uint8_t {
  propagate,   // the rule: µ(r).val ← v, then a propagation with r active
  // µ(r).val ← v and nothing else: no propagation, no commit (not the
  // calculus; receive() then returns committed == false without a failure).
  write_only,
};

class Receiver {
 public:
  virtual ~Receiver() = default;
  // v = M(r)(µ(r).val, vr). Default: the reactive's merge function.
  virtual Value merge(ReactiveId r, const MergeFunction& merge, const Value& local,
                      const Value& remote) const;
  // What happens with v. Default: ReceiveEffect::propagate.
  virtual ReceiveEffect effect(ReactiveId r) const;
};

}  // namespace frsim::core
