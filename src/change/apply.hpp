#pragma once
// apply's change: the preconditions (the lock, no unfinished change) and
// carrying out a prepared plan as one snapshot, then retention.
#include <string>
#include <vector>

#include "change/env.hpp"
#include "change/prepare.hpp"
#include "snapshot/snapshot.hpp"

namespace sysknob::change {

// How long a change waits for another one to finish.
inline constexpr int k_lock_timeout_ms = 60000;

// Takes the change lock (held until env.lock.release() or exit).
Result<void> lock(Env& env);

// Refuses when an earlier change did not finish (its snapshot is pending);
// `changing` false (--check, --dry-run) only reads the snapshots.
Result<void> refuse_if_pending(Env& env, bool changing);

// Carries out p.change under a new apply snapshot (which records the
// profile files' text), then keeps the newest `keep` snapshots. The error
// says when the snapshot was marked failed; `notes` gets what the
// operator should know. Returns the committed snapshot.
Result<snapshot::Snapshot> apply_prepared(Env& env, Prepared& p, size_t keep, std::vector<std::string>& notes);

}  // namespace sysknob::change
