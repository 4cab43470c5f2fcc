#pragma once
// A change to the system, apply's or rollback's: snapshot the before-state
// (fsynced, status pending) before the first write, write live values
// (undone on a refusal), write or remove files atomically (live values and
// files put back on a failure), then mark the snapshot committed.
#include <string>
#include <vector>

#include "apply/modules.hpp"
#include "apply/transaction.hpp"
#include "cli/context.hpp"
#include "snapshot/snapshot.hpp"

namespace sysknob::cli {

struct FileChange {
    std::string path;  // without --root: "/etc/sysctl.d/90-sysknob.conf"
    bool remove = false;
    std::string content;
    unsigned mode = 0644;
    std::string action;  // create | update | remove
};

struct ChangeSet {
    std::vector<apply::ModuleLoad> load;         // loaded first, before any write (host-wide)
    std::vector<apply::LiveChange> after_load;   // keys a loaded module brings: their before is read once it is in
    std::vector<apply::ParamChange> params;      // live module parameters, written after the loads
    std::vector<apply::LiveChange> live;
    std::vector<FileChange> files;
    std::vector<std::string> unload;             // (rollback) modules a change loaded: removed last, if unused
    bool empty() const
    {
        return load.empty() && after_load.empty() && params.empty() && live.empty() && files.empty() &&
               unload.empty();
    }
};

// Is this one of the files sysknob writes (so a snapshot may restore it)?
bool is_managed_path(const std::string& path);

// Fills the snapshot's before-state, then carries the change out: load
// modules (recorded in the pending snapshot first), read the keys they
// bring, write module parameters (read back), live values, files; unload
// last. On error the system is as before (modules this change loaded are
// unloaded when unused) and the snapshot is marked failed with the reason.
// `notes` gets what the operator should know (a module left loaded).
Result<void> execute_change(Context& ctx, ChangeSet& change, snapshot::Snapshot& snap, const std::string& profile_name,
                            std::vector<std::string>* notes = nullptr);

// Snapshot skeleton: id, time, user, host, kernel.
Result<snapshot::Snapshot> new_snapshot(Context& ctx, const std::string& kind);

// Newest not-undone apply snapshot (committed or pending), or 0.
int rollback_target(const std::vector<snapshot::Snapshot>& all);

// Pending snapshots block apply; returns a message naming them, "" if none.
std::string pending_message(const std::vector<snapshot::Snapshot>& all);

}  // namespace sysknob::cli
