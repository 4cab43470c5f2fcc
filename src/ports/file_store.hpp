#pragma once
// FileStore: the change engine's door to the files it reads and writes,
// each named by its path without --root ("/etc/sysctl.d/90-sysknob.conf",
// persist/paths.hpp). Like SysctlTree it exists so tests can substitute it
// (tests/support/fake_file_store.hpp, in memory, with crash injection);
// the real one is os/disk_file_store, which adds the root, writes by
// temporary file + fsync + rename + fsync of the directory, and refuses
// symbolic links and files owned or writable by someone else.
//
// Beyond write and remove, a file can be moved aside and a name masked by
// a symbolic link (to /dev/null), and a snapshot can record either
// (FileState::link_target) so that rollback puts it back: what taking
// over other packages' sysctl.d files needs.
#include <optional>
#include <string>
#include <vector>

#include "snapshot/entry.hpp"
#include "util/result.hpp"

namespace sysknob::ports {

// A snapshot file's text and which of its two names it was read from.
struct SnapshotText {
    std::string text;
    bool pending = false;  // N.pending.json: a change not (known to be) committed
};

struct FileState {
    bool exists = false;
    std::string content;      // a regular file's bytes
    unsigned mode = 0644;
    std::string link_target;  // not empty: the name is a symbolic link to this (content empty)
};

class FileStore {
  public:
    virtual ~FileStore() = default;

    // --- files ------------------------------------------------------------
    // The file as it is now; exists = false when absent. An error for what
    // cannot be inspected or read, or is neither a regular file nor a link.
    virtual Result<FileState> read(const std::string& path) = 0;
    // Ok when absent; else it must be ours, not a symlink, not writable by others.
    virtual Result<void> check_owned(const std::string& path) = 0;
    // Replaces the file atomically (parent directories created 0755); the
    // previous content stays intact on any error.
    virtual Result<void> write(const std::string& path, const std::string& content, unsigned mode) = 0;
    // Removes the file or link, if present, durably.
    virtual Result<void> remove(const std::string& path) = 0;
    // Moves a file or link to a new name (same file system), durably; the
    // new name must be free.
    virtual Result<void> move(const std::string& from, const std::string& to) = 0;
    // Creates `path` as a symbolic link to `target` (a mask: "/dev/null");
    // the name must be free.
    virtual Result<void> symlink(const std::string& target, const std::string& path) = 0;
    // --- exact entries (import --take-over, snapshot/entry.hpp) ------------
    // The entry at `path` (a link not followed): a regular file with its
    // bytes, mode and owner, a link with its target and owner, or absent.
    // An error for anything else (a directory, a device) or an unreadable one.
    virtual Result<snapshot::Entry> read_entry(const std::string& path) = 0;
    // Makes `path` be `entry`, atomically (temporary name, owner and mode
    // set, fsync, rename, fsync of the directory), across file systems (a
    // copy, not a rename: /etc and /var/lib may differ). Below the take-over
    // backup directory (snapshot::k_takeover_dir) parents are created 0700
    // and removed when the last entry in them goes.
    virtual Result<void> set_entry(const std::string& path, const snapshot::Entry& entry) = 0;
    // Drops what an interrupted write() left behind next to `path`.
    virtual void remove_stale_temporary(const std::string& path) = 0;
    // The real path, root included, for messages.
    virtual std::string display(const std::string& path) const = 0;

    // --- the state file ---------------------------------------------------
    // Its text after the owner and symlink checks; nullopt when absent.
    virtual Result<std::optional<std::string>> read_state() = 0;
    // Whether the state directory is closed to this (unprivileged) reader.
    virtual bool state_hidden() = 0;

    // --- snapshots (one file each, private to root) -----------------------
    // A change's snapshot is first written as N.pending.json, durably, and
    // committed by renaming it to N.json without an fsync (ARCHITECTURE.md,
    // "Commit protocol"). When both names exist the pending one wins: it
    // is the newer record of a change whose commit was lost.
    // Refuses a state or snapshot directory that is a symlink or someone
    // else's (root's is trusted by an unprivileged reader).
    virtual Result<void> check_snapshot_dirs() = 0;
    // The ids present under either name, ascending, each once; empty when
    // the directory is absent.
    virtual Result<std::vector<int>> snapshot_ids() = 0;
    // A snapshot's text after the owner and mode (0600) checks: of
    // N.pending.json when it exists (pending = true), else of N.json.
    virtual Result<SnapshotText> read_snapshot(int id) = 0;
    // Writes N.pending.json atomically and durably (temporary file, fsync,
    // rename, fsync of the directory), creating the private directories.
    virtual Result<void> write_pending_snapshot(int id, const std::string& text) = 0;
    // Renames N.pending.json to N.json, with no fsync: its content is on
    // disk already, so the rename cannot tear, and a rename lost to a power
    // cut leaves the pending name, which the next start reports.
    virtual Result<void> commit_snapshot(int id) = 0;
    // Writes N.json atomically and durably, then removes N.pending.json (if
    // present) durably: a failed or undone change is never seen pending again.
    virtual Result<void> write_snapshot(int id, const std::string& text) = 0;
    // Removes N.json. No fsync of the directory: an unlink lost to a power
    // cut brings back an old snapshot, which the next prune removes again.
    // Never called for a pending one (prune keeps those).
    virtual Result<void> remove_snapshot(int id) = 0;
    // N.json, or N.pending.json when `pending`: for messages.
    virtual std::string snapshot_path(int id, bool pending = false) const = 0;
};

}  // namespace sysknob::ports
