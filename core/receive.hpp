#pragma once
// The (receive) rule of Fig. 9, as a replaceable object (what travels on the
// wire, (send) and (receive)'s serialisation, is core/wire.hpp):
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
  // §3.4: whether (send) promotes the reactives a distributed value refers
  // to and names them on the wire (core/wire.hpp). Default: true. false
  // ships the stored value with its references as ids, which denote other
  // reactives on the receiver (the checker's mutant-no-promotion).
  virtual bool promotes() const;
};

}  // namespace frsim::core
