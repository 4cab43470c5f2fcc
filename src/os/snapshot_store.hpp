#pragma once
// Snapshot storage under /var/lib/sysknob/snapshots (directory 0700, files
// 0600, written atomically). Refuses a directory or file that is a symlink
// or is owned or writable by another user.
#include <optional>
#include <string>
#include <vector>

#include "os/paths.hpp"
#include "snapshot/snapshot.hpp"

namespace sysknob::os {

class SnapshotStore {
  public:
    explicit SnapshotStore(const Paths& paths) : m_paths(paths) {}

    // All snapshots, oldest first. A damaged file is an error naming it.
    Result<std::vector<snapshot::Snapshot>> list() const;
    Result<snapshot::Snapshot> load(int id) const;
    // The unfinished change, if any. A pending snapshot blocks every later
    // change, so only the newest can be pending: apply's check reads one file.
    Result<std::optional<snapshot::Snapshot>> pending() const;
    // Creates the directories when needed; fsyncs before returning.
    Result<void> save(const snapshot::Snapshot& s) const;
    // The same with the text serialize() gave (see snapshot::restatus).
    Result<void> save_text(int id, const std::string& text) const;
    Result<int> next_id() const;
    // Keeps the newest `keep` committed snapshots; never removes a pending
    // one or `protect` (the one rollback would use).
    Result<int> prune(size_t keep, int protect) const;
    std::string path_of(int id) const;

  private:
    Result<void> ensure() const;
    // The file's text after the owner, mode and symlink checks.
    Result<std::string> read_checked(int id) const;
    Result<snapshot::Snapshot> parse_checked(int id, const std::string& text) const;
    // The snapshot when it is pending, told by its status marker first.
    Result<std::optional<snapshot::Snapshot>> load_if_pending(int id) const;
    const Paths& m_paths;
};

}  // namespace sysknob::os
