#pragma once
// The snapshots of past changes, through the FileStore port: listing,
// the pending check, ids, saving, retention. Pure logic over the port;
// the files' owner and mode checks are the port's.
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
    Result<void> save(const snapshot::Snapshot& s) const;
    // The same with the text serialize() gave (see snapshot::restatus).
    Result<void> save_text(int id, const std::string& text) const;
    Result<int> next_id() const;
    // Keeps the newest `keep` committed snapshots; never removes a pending
    // one or `protect` (the one rollback would use). Returns how many went.
    Result<int> prune(size_t keep, int protect) const;
    std::string path_of(int id) const { return m_files.snapshot_path(id); }

  private:
    Result<snapshot::Snapshot> parse_checked(int id, const std::string& text) const;
    // The snapshot when it is pending, told by its status marker first.
    Result<std::optional<snapshot::Snapshot>> load_if_pending(int id) const;
    ports::FileStore& m_files;
};

}  // namespace sysknob::change
