#pragma once
// The engine mutants of the bug zoo (issue 4): broken policies, snapshot
// writers and receivers, and an isolation that admits concurrent actions,
// each plugged in through core::RuntimeOptions. The
// normal engine never branches on them.

#include <memory>

#include "core/policy.hpp"
#include "core/receive.hpp"
#include "core/snapshot.hpp"

namespace frsim::checker::mutant {

// Reevaluates in breadth-first order of outdatedness, ignoring ready(P, µ).
std::shared_ptr<core::Policy> breadth_first_policy();
// Level order, but a fold is reevaluated again after its own activation
// ("on each active input it sees": r1 and itself).
std::shared_ptr<core::Policy> double_fold_policy();
// Level order, but an outdated flatten goes first, before its inner reactive.
std::shared_ptr<core::Policy> flatten_early_policy();

// (commit) persists active sources only; folds keep their creation value in Σ.
std::shared_ptr<const core::SnapshotWriter> snapshot_no_folds_writer();
// Persists each source/fold as it is written, mid-propagation.
std::shared_ptr<const core::SnapshotWriter> nonatomic_commit_writer();

// (receive) writes the merged value but starts no propagation.
std::shared_ptr<const core::Receiver> receive_no_propagate_receiver();
// merge(x, x) = ⊥: a redelivered value resets the replica.
std::shared_ptr<const core::Receiver> merge_not_idempotent_receiver();
// (send) does not promote (§3.4): references travel as ids.
std::shared_ptr<const core::Receiver> no_promotion_receiver();

// (write) stores the value the operator computed at the reactive's previous
// reevaluation (a stale memo): the inputs read are right, the value is not.
core::MapOperator stale_write(core::MapOperator op);

// mutant-no-isolation needs no object here: it sets
// RuntimeOptions::concurrent_actions = core::ConcurrentActions::join_running.

}  // namespace frsim::checker::mutant
