#pragma once
// The snapshots of past changes, through the FileStore port: listing,
// the pending check, ids, saving, retention. Pure logic over the port;
// the files' owner and mode checks are the port's.
//
// A snapshot is pending when it is read from its pending name
// (N.pending.json, whatever its text says: it holds the text the commit
// gives it) or, in a file an older version wrote, when its text says so.
// The commit protocol is in ARCHITECTURE.md ("Commit protocol").
#include <optional>
#include <string>
#include <vector>

#include "ports/file_store.hpp"
#include "snapshot/snapshot.hpp"

namespace sysknob::change {

class SnapshotStore {
  public:
    explicit SnapshotStore(ports::FileStore& files) : m_files(files) {}

    // All snapshots, oldest first. A damaged file is an error naming it.
    Result<std::vector<snapshot::Snapshot>> list() const;
    Result<snapshot::Snapshot> load(int id) const;
    // The unfinished change, if any. A pending snapshot blocks every later
    // change, so only the newest can be pending: apply's check reads one file.
    Result<std::optional<snapshot::Snapshot>> pending() const;
    // A pending snapshot goes to its pending name, durably, with the text
    // its commit will give it (status committed); any other to N.json,
    // durably, and its pending name goes.
    Result<void> save(const snapshot::Snapshot& s) const;
    // The pending record from its committed text (pending_text()).
    Result<void> save_pending_text(int id, const std::string& text) const;
    // The text a pending snapshot is saved with: serialize() of it committed.
    static std::string pending_text(const snapshot::Snapshot& s);
    // The commit: the pending name renamed to N.json, no fsync.
    Result<void> commit(int id) const;
    Result<int> next_id() const;
    // Keeps the newest `keep` committed snapshots; never removes a pending
    // one or `protect` (the one rollback would use). Returns how many went.
    Result<int> prune(size_t keep, int protect) const;
    std::string path_of(int id) const { return m_files.snapshot_path(id); }

  private:
    Result<snapshot::Snapshot> parse_checked(int id, const ports::SnapshotText& file) const;
    // The snapshot when it is pending, told by its status marker first.
    Result<std::optional<snapshot::Snapshot>> load_if_pending(int id) const;
    ports::FileStore& m_files;
};

}  // namespace sysknob::change
