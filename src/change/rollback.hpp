#pragma once
// rollback's change: return live values, module parameters, modules and
// files to what a snapshot recorded, as a new snapshot (so a rollback can
// itself be rolled back: that redoes the change it undid), and keep the
// snapshot stack straight:
//   - the snapshot undone is marked undone (and failed, when it was an
//     interrupted change);
//   - an interrupted earlier rollback of the same snapshot does not block
//     this one: it is superseded (marked failed, finished by this one);
//   - any other pending snapshot refuses the rollback;
//   - rolling back a rollback marks the change it had undone as not undone;
//   - then retention keeps the newest `keep` committed snapshots.
// --discard marks a pending snapshot failed and keeps the current state.
#include <string>
#include <vector>

#include "change/change_set.hpp"
#include "change/env.hpp"
#include "snapshot/snapshot.hpp"

namespace sysknob::change {

struct RollbackRequest {
    int id = 0;  // 0: the newest apply not yet undone (rollback_target)
    bool discard = false;
    size_t keep = 50;
};

struct RollbackOutcome {
    int restored = 0;         // the snapshot rolled back (or discarded)
    bool discarded = false;
    snapshot::Snapshot snap;  // the rollback's own snapshot (not with discard)
    ChangeSet change;         // what it changed
    std::vector<std::string> notes;  // for the operator (a module left loaded)
};

// Plans the whole restore before the first change (validation refuses with
// nothing changed), takes the lock, then carries it out.
Result<RollbackOutcome> rollback(Env& env, const RollbackRequest& request);

// The changes that return the system to `target`'s before-state, read
// against the live system now; an error when something cannot be restored.
// A key of an interface that is gone is skipped, and said in `notes`.
Result<ChangeSet> plan_restore(Env& env, const snapshot::Snapshot& target, std::vector<std::string>* notes = nullptr);

}  // namespace sysknob::change
