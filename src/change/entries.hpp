#pragma once
// The take-over's part of a change (change/execute): directory entries set
// exactly (snapshot/entry.hpp) through the FileStore port, each recorded in
// the pending snapshot before the first one changes, put back by rollback.
#include <string>
#include <vector>

#include "change/change_set.hpp"
#include "change/env.hpp"
#include "snapshot/snapshot.hpp"

namespace sysknob::change {

// Appends each path's entry as it is now to snap.entries. Fails, changing
// nothing, for a path a snapshot may not name or an entry that cannot be read.
Result<void> record_entries(Env& env, const std::vector<EntryChange>& changes, snapshot::Snapshot& snap);

// Carries the changes out in order, each followed by its crash-test step
// ("entry-ACTION", os/fault.hpp). On an error the entries already changed
// are put back from snap.entries, newest first, and the error says so.
Result<void> run_entries(Env& env, const std::vector<EntryChange>& changes, const snapshot::Snapshot& snap,
                         const std::string& profile_name);

// What returns every entry `target` recorded to its state before, newest
// first (a move-aside's original comes back before its backup goes);
// entries already as recorded are left out.
Result<std::vector<EntryChange>> entries_to_restore(Env& env, const snapshot::Snapshot& target);

}  // namespace sysknob::change
