#include "change/snapshot_store.hpp"

#include <cerrno>

namespace sysknob::change {

Result<snapshot::Snapshot> SnapshotStore::load(int id) const
{
    TRY(auto file, m_files.read_snapshot(id));
    return parse_checked(id, file);
}

Result<snapshot::Snapshot> SnapshotStore::parse_checked(int id, const ports::SnapshotText& file) const
{
    std::string path = m_files.snapshot_path(id, file.pending);
    TRY(auto snap, snapshot::parse(file.text, path));
    if (snap.id != id) return fail("damaged snapshot '" + path + "': its id is " + std::to_string(snap.id), EINVAL);
    // The name tells: the text is what the commit gives it.
    if (file.pending) snap.status = snapshot::Status::pending;
    return snap;
}

Result<std::optional<snapshot::Snapshot>> SnapshotStore::load_if_pending(int id) const
{
    // Pending by its name, or (a file an older version wrote) by its text:
    // serialize() writes `"status": "pending"` exactly so; without either
    // the snapshot is not pending and need not be parsed (apply asks on
    // every run, prune for every snapshot it keeps).
    TRY(auto file, m_files.read_snapshot(id));
    if (!file.pending && file.text.find("\"status\": \"pending\"") == std::string::npos)
        return std::optional<snapshot::Snapshot>{};
    TRY(auto s, parse_checked(id, file));
    if (s.status != snapshot::Status::pending) return std::optional<snapshot::Snapshot>{};
    return std::optional<snapshot::Snapshot>(std::move(s));
}

Result<std::vector<snapshot::Snapshot>> SnapshotStore::list() const
{
    std::vector<snapshot::Snapshot> out;
    // Checked first, so that a state directory that is a symlink or belongs
    // to someone else stops apply and rollback before they plan anything.
    TRY_VOID(m_files.check_snapshot_dirs());
    TRY(auto ids, m_files.snapshot_ids());
    for (int id : ids) {
        TRY(auto s, load(id));
        out.push_back(std::move(s));
    }
    return out;
}

Result<std::optional<snapshot::Snapshot>> SnapshotStore::pending() const
{
    TRY(auto ids, m_files.snapshot_ids());
    if (ids.empty()) return std::optional<snapshot::Snapshot>{};
    return load_if_pending(ids.back());
}

Result<void> SnapshotStore::save(const snapshot::Snapshot& s) const
{
    if (s.status == snapshot::Status::pending) return save_pending_text(s.id, pending_text(s));
    return m_files.write_snapshot(s.id, snapshot::serialize(s));
}

std::string SnapshotStore::pending_text(const snapshot::Snapshot& s)
{
    // Serialised once and its status replaced, not copied: a snapshot of a
    // glob over thousands of interfaces is large.
    std::string text = snapshot::serialize(s);
    if (s.status != snapshot::Status::pending) return text;
    return snapshot::restatus(std::move(text), snapshot::Status::committed);
}

Result<void> SnapshotStore::save_pending_text(int id, const std::string& text) const
{
    return m_files.write_pending_snapshot(id, text);
}

Result<void> SnapshotStore::commit(int id) const
{
    return m_files.commit_snapshot(id);
}

Result<int> SnapshotStore::next_id() const
{
    TRY(auto ids, m_files.snapshot_ids());
    return ids.empty() ? 1 : ids.back() + 1;
}

Result<int> SnapshotStore::prune(size_t keep, int protect) const
{
    TRY(auto ids, m_files.snapshot_ids());
    if (ids.size() <= keep) return 0;
    // Pending snapshots are never pruned nor counted.
    std::vector<int> committed;
    for (int id : ids) {
        TRY(auto pending, load_if_pending(id));
        if (!pending) committed.push_back(id);
    }
    int removed = 0;
    if (committed.size() <= keep) return removed;
    size_t excess = committed.size() - keep;
    for (size_t i = 0; i < committed.size() && excess > 0; ++i) {
        if (committed[i] == protect) continue;
        TRY_VOID(m_files.remove_snapshot(committed[i]));
        --excess;
        ++removed;
    }
    return removed;
}

}  // namespace sysknob::change
