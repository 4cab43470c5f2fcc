#pragma once
// The FileStore port on the real file system: paths under --root, atomic
// writes (os/atomic_file), the state file and the snapshot directory
// (0700, files 0600). Refuses symlinks and files or directories owned or
// writable by another user.
#include "os/paths.hpp"
#include "ports/file_store.hpp"

namespace sysknob::os {

class DiskFileStore final : public ports::FileStore {
  public:
    explicit DiskFileStore(const Paths& paths) : m_paths(paths) {}

    Result<ports::FileState> read(const std::string& path) override;
    Result<void> check_owned(const std::string& path) override;
    Result<void> write(const std::string& path, const std::string& content, unsigned mode) override;
    Result<void> remove(const std::string& path) override;
    Result<void> move(const std::string& from, const std::string& to) override;
    Result<void> symlink(const std::string& target, const std::string& path) override;
    Result<snapshot::Entry> read_entry(const std::string& path) override;
    Result<void> set_entry(const std::string& path, const snapshot::Entry& entry) override;
    void remove_stale_temporary(const std::string& path) override;
    std::string display(const std::string& path) const override { return m_paths.under_root(path); }

    Result<std::optional<std::string>> read_state() override;
    bool state_hidden() override;

    Result<void> check_snapshot_dirs() override;
    Result<std::vector<int>> snapshot_ids() override;
    Result<ports::SnapshotText> read_snapshot(int id) override;
    Result<void> write_pending_snapshot(int id, const std::string& text) override;
    Result<void> commit_snapshot(int id) override;
    Result<void> write_snapshot(int id, const std::string& text) override;
    Result<void> remove_snapshot(int id) override;
    std::string snapshot_path(int id, bool pending = false) const override;

  private:
    const Paths& m_paths;
};

}  // namespace sysknob::os
