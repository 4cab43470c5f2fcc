#include "change/snapshot_store.hpp"

#include <cerrno>

namespace sysknob::change {

Result<snapshot::Snapshot> SnapshotStore::load(int id) const
{
    TRY(auto text, m_files.read_snapshot(id));
    return parse_checked(id, text);
}

Result<snapshot::Snapshot> SnapshotStore::parse_checked(int id, const std::string& text) const
{
    std::string path = path_of(id);
    TRY(auto snap, snapshot::parse(text, path));
    if (snap.id != id) return fail("damaged snapshot '" + path + "': its id is " + std::to_string(snap.id), EINVAL);
    return snap;
}

Result<std::optional<snapshot::Snapshot>> SnapshotStore::load_if_pending(int id) const
{
    // serialize() writes `"status": "pending"` exactly so; without it the
    // snapshot is not pending and need not be parsed (apply asks on every
    // run, prune for every snapshot it keeps).
    TRY(auto text, m_files.read_snapshot(id));
    if (text.find("\"status\": \"pending\"") == std::string::npos) return std::optional<snapshot::Snapshot>{};
    TRY(auto s, parse_checked(id, text));
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
    return save_text(s.id, snapshot::serialize(s));
}

Result<void> SnapshotStore::save_text(int id, const std::string& text) const
{
    return m_files.write_snapshot(id, text);
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
