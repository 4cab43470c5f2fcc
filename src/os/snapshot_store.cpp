#include "os/snapshot_store.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include "os/atomic_file.hpp"
#include "util/file.hpp"
#include "util/strings.hpp"

namespace sysknob::os {

namespace {

Result<std::vector<int>> ids_in(const std::string& dir)
{
    std::vector<int> ids;
    DIR* d = ::opendir(dir.c_str());
    if (!d) {
        if (errno == ENOENT) return ids;
        return fail("cannot read '" + dir + "': " + std::strerror(errno), errno);
    }
    while (auto* e = ::readdir(d)) {
        std::string name = e->d_name;
        if (!name.ends_with(".json")) continue;
        auto id = util::parse_i64(name.substr(0, name.size() - 5));
        if (id && *id > 0 && *id < 1000000000) ids.push_back(static_cast<int>(*id));
    }
    ::closedir(d);
    std::sort(ids.begin(), ids.end());
    return ids;
}

// For reading: absent, or a real directory owned by root or by us and not
// writable by others. Root's directory is trusted by an unprivileged reader
// (apply --check), which check_owned() would refuse.
Result<void> trusted_dir(const std::string& dir)
{
    struct stat st {};
    if (::lstat(dir.c_str(), &st) != 0) return {};
    if (st.st_uid == 0 && ::geteuid() != 0 && S_ISDIR(st.st_mode) && !(st.st_mode & (S_IWGRP | S_IWOTH))) return {};
    return check_owned(dir);
}

}  // namespace

std::string SnapshotStore::path_of(int id) const
{
    return m_paths.snapshots_dir() + "/" + std::to_string(id) + ".json";
}

Result<void> SnapshotStore::ensure() const
{
    TRY_VOID(ensure_dir(m_paths.state_dir(), 0700, DirPolicy::private_dir));
    return ensure_dir(m_paths.snapshots_dir(), 0700, DirPolicy::private_dir);
}

Result<std::string> SnapshotStore::read_checked(int id) const
{
    std::string path = path_of(id);
    TRY_VOID(check_owned(m_paths.state_dir()));
    TRY_VOID(check_owned(m_paths.snapshots_dir()));
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) return fail("no snapshot " + std::to_string(id) + " ('" + path + "')", ENOENT);
    TRY_VOID(check_owned(path));
    if (st.st_mode & 0077)
        return fail("refusing snapshot '" + path + "': readable or writable by others (mode must be 0600)", EPERM);
    return util::read_file(path, 256u << 20, util::Follow::no_symlinks);
}

Result<snapshot::Snapshot> SnapshotStore::load(int id) const
{
    TRY(auto text, read_checked(id));
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
    TRY(auto text, read_checked(id));
    if (text.find("\"status\": \"pending\"") == std::string::npos) return std::optional<snapshot::Snapshot>{};
    TRY(auto s, parse_checked(id, text));
    if (s.status != "pending") return std::optional<snapshot::Snapshot>{};
    return std::optional<snapshot::Snapshot>(std::move(s));
}

Result<std::vector<snapshot::Snapshot>> SnapshotStore::list() const
{
    std::vector<snapshot::Snapshot> out;
    // Checked first, so that a state directory that is a symlink or belongs
    // to someone else stops apply and rollback before they plan anything
    // (lstat of the snapshots directory below would follow such a link).
    TRY_VOID(trusted_dir(m_paths.state_dir()));
    TRY_VOID(trusted_dir(m_paths.snapshots_dir()));
    struct stat st {};
    if (::lstat(m_paths.snapshots_dir().c_str(), &st) != 0) return out;
    TRY(auto ids, ids_in(m_paths.snapshots_dir()));
    for (int id : ids) {
        TRY(auto s, load(id));
        out.push_back(std::move(s));
    }
    return out;
}

Result<std::optional<snapshot::Snapshot>> SnapshotStore::pending() const
{
    struct stat st {};
    if (::lstat(m_paths.snapshots_dir().c_str(), &st) != 0) return std::optional<snapshot::Snapshot>{};
    TRY(auto ids, ids_in(m_paths.snapshots_dir()));
    if (ids.empty()) return std::optional<snapshot::Snapshot>{};
    return load_if_pending(ids.back());
}

Result<void> SnapshotStore::save(const snapshot::Snapshot& s) const
{
    return save_text(s.id, snapshot::serialize(s));
}

Result<void> SnapshotStore::save_text(int id, const std::string& text) const
{
    TRY_VOID(ensure());
    return write_file_atomic(path_of(id), text, 0600);
}

Result<int> SnapshotStore::next_id() const
{
    TRY(auto ids, ids_in(m_paths.snapshots_dir()));
    return ids.empty() ? 1 : ids.back() + 1;
}

Result<int> SnapshotStore::prune(size_t keep, int protect) const
{
    TRY(auto ids, ids_in(m_paths.snapshots_dir()));
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
        // No fsync of the directory: an unlink lost to a power cut brings
        // back an old snapshot, which the next prune removes again.
        std::string path = path_of(committed[i]);
        if (::unlink(path.c_str()) != 0 && errno != ENOENT)
            return fail("cannot remove '" + path + "': " + std::strerror(errno), errno);
        --excess;
        ++removed;
    }
    return removed;
}

}  // namespace sysknob::os
