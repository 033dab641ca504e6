#pragma once
// How a device writes its snapshot Σ (paper Figs. 5–6, §3.2, Def. 4.18).
//
// The runtime calls a SnapshotWriter at the three places the calculus touches
// Σ or could: creation of a source or fold, every (write), and (commit). The
// default is the calculus; a checker can substitute a broken writer (one that
// omits folds, or persists at write time) to see the proper-snapshot property
// fail, without any branch in the runtime.

#include <span>

#include "core/runtime.hpp"

namespace frsim::core {

class SnapshotWriter {
 public:
  virtual ~SnapshotWriter() = default;
  // (source), (fold): "(Σ, r ↦ vs)" with vs = lookup(r, Σ, v).
  virtual void created(Snapshot& sigma, const Runtime& runtime, ReactiveId r) const;
  // (write): the calculus writes nothing to Σ here; Σ changes only at commit,
  // so a crash mid-propagation leaves Σ as at the last commit. Called for
  // every store update of a propagation only when observes_writes() is true
  // (asked once, when the Runtime is constructed), so the hot path pays one
  // predictable branch for the default.
  virtual bool observes_writes() const;
  virtual void written(Snapshot& sigma, const Runtime& runtime, ReactiveId r) const;
  // (commit): "Σ' = Σ, {µ(r).val | r ∈ A ∧ (r ∈ µ(r).in ∨ µ(r).in = ∅)}" —
  // the active sources and folds. `active` is A, ascending.
  virtual void committed(Snapshot& sigma, const Runtime& runtime,
                         std::span<const ReactiveId> active) const;
};

// Σ, r ↦ µ(r).val, and recursively every reactive referenced from that value
// (paper §3.2, "Storing nested reactives": "if the value v0 of reactive r0 is
// included in the snapshot, then also any other reactive r referenced from
// that v0 must have its value stored in Σ. This process is recursive.").
void store_with_nested(Snapshot& sigma, const Runtime& runtime, ReactiveId r);

}  // namespace frsim::core
