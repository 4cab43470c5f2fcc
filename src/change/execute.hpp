#pragma once
// Carrying a change out, apply's or rollback's: snapshot the before-state
// (fsynced, status pending) before the first write, load modules, write
// live values (undone on a refusal), write or remove files atomically (live
// values and files put back on a failure), then mark the snapshot
// committed. Every effect goes through the ports in Env.
#include <string>
#include <vector>

#include "change/change_set.hpp"
#include "change/env.hpp"
#include "snapshot/snapshot.hpp"

namespace sysknob::change {

// Fills the snapshot's before-state, then carries the change out: load
// modules (recorded in the pending snapshot first), read the keys they
// bring, write module parameters (read back), live values, files; unload
// last. On error the system is as before (modules this change loaded are
// unloaded when unused) and the snapshot is marked failed with the reason.
// `notes` gets what the operator should know (a module left loaded).
Result<void> execute_change(Env& env, ChangeSet& change, snapshot::Snapshot& snap, const std::string& profile_name,
                            std::vector<std::string>* notes = nullptr);

// Snapshot skeleton: the next id, and time, user, host and kernel from the Host port.
Result<snapshot::Snapshot> new_snapshot(Env& env, snapshot::Kind kind);

// Newest not-undone apply snapshot (committed or pending), or 0.
int rollback_target(const std::vector<snapshot::Snapshot>& all);

// Pending snapshots block apply; returns a message naming the first, "" if none.
std::string pending_message(const std::vector<snapshot::Snapshot>& all);

// A managed file as it is now, for a change: a symbolic link (or anything
// but a regular file) is refused, as the atomic write would refuse it.
Result<ports::FileState> read_managed(Env& env, const std::string& path);

}  // namespace sysknob::change
