#include "os/disk_file_store.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include "os/atomic_file.hpp"
#include "os/fault.hpp"
#include "os/file_entry.hpp"
#include "util/file.hpp"
#include "util/strings.hpp"

namespace sysknob::os {

namespace {

// For reading: absent, or a real directory owned by root or by us and not
// writable by others. Root's directory is trusted by an unprivileged reader
// (apply --check), which check_owned() would refuse.
Result<void> trusted_dir(const std::string& dir)
{
    struct stat st {};
    if (::lstat(dir.c_str(), &st) != 0) return {};
    if (st.st_uid == 0 && ::geteuid() != 0 && S_ISDIR(st.st_mode) && !(st.st_mode & (S_IWGRP | S_IWOTH))) return {};
    return os::check_owned(dir);
}

Result<void> fsync_parent(const std::string& path)
{
    return fsync_dir(path.substr(0, std::max<size_t>(path.rfind('/'), 1)));
}

}  // namespace

Result<ports::FileState> DiskFileStore::read(const std::string& path)
{
    std::string real = m_paths.under_root(path);
    struct stat st {};
    if (::lstat(real.c_str(), &st) == 0 && S_ISLNK(st.st_mode)) {
        char target[PATH_MAX];
        ssize_t n = ::readlink(real.c_str(), target, sizeof target - 1);
        if (n < 0) return fail("cannot read link '" + real + "': " + std::strerror(errno), errno);
        ports::FileState fs;
        fs.exists = true;
        fs.mode = st.st_mode & 07777;
        fs.link_target.assign(target, static_cast<size_t>(n));
        return fs;
    }
    TRY(auto st2, read_file_state(real));
    return ports::FileState{st2.exists, std::move(st2.content), static_cast<unsigned>(st2.mode), {}};
}

Result<void> DiskFileStore::check_owned(const std::string& path)
{
    return os::check_owned(m_paths.under_root(path));
}

Result<void> DiskFileStore::write(const std::string& path, const std::string& content, unsigned mode)
{
    return write_file_atomic(m_paths.under_root(path), content, mode);
}

Result<void> DiskFileStore::remove(const std::string& path)
{
    return remove_file(m_paths.under_root(path));
}

Result<void> DiskFileStore::move(const std::string& from, const std::string& to)
{
    std::string a = m_paths.under_root(from), b = m_paths.under_root(to);
    struct stat st {};
    if (::lstat(b.c_str(), &st) == 0) return fail("cannot move '" + a + "' to '" + b + "': it exists", EEXIST);
    if (::rename(a.c_str(), b.c_str()) != 0)
        return fail("cannot move '" + a + "' to '" + b + "': " + std::strerror(errno), errno);
    TRY_VOID(fsync_parent(b));
    return fsync_parent(a);
}

Result<void> DiskFileStore::symlink(const std::string& target, const std::string& path)
{
    std::string real = m_paths.under_root(path);
    if (::symlink(target.c_str(), real.c_str()) != 0)
        return fail("cannot link '" + real + "' to '" + target + "': " + std::strerror(errno), errno);
    return fsync_parent(real);
}

Result<snapshot::Entry> DiskFileStore::read_entry(const std::string& path)
{
    return os::read_entry(m_paths.under_root(path));
}

Result<void> DiskFileStore::set_entry(const std::string& path, const snapshot::Entry& entry)
{
    return os::set_entry(m_paths.under_root(path), entry, m_paths.under_root(std::string(snapshot::k_takeover_dir)));
}

void DiskFileStore::remove_stale_temporary(const std::string& path)
{
    os::remove_stale_temporary(m_paths.under_root(path));
}

Result<std::optional<std::string>> DiskFileStore::read_state()
{
    std::string path = m_paths.state_file();
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) return std::optional<std::string>{};
    TRY_VOID(os::check_owned(path));
    TRY(auto text, util::read_file(path, 64u << 20, util::Follow::no_symlinks));
    return std::optional<std::string>(std::move(text));
}

bool DiskFileStore::state_hidden()
{
    return ::access(m_paths.state_dir().c_str(), X_OK) != 0 && errno == EACCES;
}

Result<void> DiskFileStore::check_snapshot_dirs()
{
    TRY_VOID(trusted_dir(m_paths.state_dir()));
    return trusted_dir(m_paths.snapshots_dir());
}

Result<std::vector<int>> DiskFileStore::snapshot_ids()
{
    std::vector<int> ids;
    std::string dir = m_paths.snapshots_dir();
    DIR* d = ::opendir(dir.c_str());
    if (!d) {
        if (errno == ENOENT) return ids;
        return fail("cannot read '" + dir + "': " + std::strerror(errno), errno);
    }
    while (auto* e = ::readdir(d)) {
        std::string_view name = e->d_name;
        if (!name.ends_with(".json")) continue;
        name.remove_suffix(5);
        if (name.ends_with(".pending")) name.remove_suffix(8);
        auto id = util::parse_i64(name);
        if (id && *id > 0 && *id < 1000000000) ids.push_back(static_cast<int>(*id));
    }
    ::closedir(d);
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());  // N.json and N.pending.json
    return ids;
}

std::string DiskFileStore::snapshot_path(int id, bool pending) const
{
    return m_paths.snapshots_dir() + "/" + std::to_string(id) + (pending ? ".pending.json" : ".json");
}

Result<ports::SnapshotText> DiskFileStore::read_snapshot(int id)
{
    TRY_VOID(os::check_owned(m_paths.state_dir()));
    TRY_VOID(os::check_owned(m_paths.snapshots_dir()));
    struct stat st {};
    bool pending = ::lstat(snapshot_path(id, true).c_str(), &st) == 0;
    std::string path = snapshot_path(id, pending);
    if (!pending && ::lstat(path.c_str(), &st) != 0)
        return fail("no snapshot " + std::to_string(id) + " ('" + path + "')", ENOENT);
    TRY_VOID(os::check_owned(path));
    if (st.st_mode & 0077)
        return fail("refusing snapshot '" + path + "': readable or writable by others (mode must be 0600)", EPERM);
    TRY(auto text, util::read_file(path, 256u << 20, util::Follow::no_symlinks));
    return ports::SnapshotText{std::move(text), pending};
}

Result<void> DiskFileStore::write_pending_snapshot(int id, const std::string& text)
{
    TRY_VOID(ensure_dir(m_paths.state_dir(), 0700, DirPolicy::private_dir));
    TRY_VOID(ensure_dir(m_paths.snapshots_dir(), 0700, DirPolicy::private_dir));
    return write_file_atomic(snapshot_path(id, true), text, 0600);
}

Result<void> DiskFileStore::commit_snapshot(int id)
{
    // The same kill points as write_file_atomic's rename: the power-cut
    // lab counts renames (tests/vm/scenarios/powercut.sh), and this is the
    // fourth of an apply as the committed snapshot's write was before.
    std::string from = snapshot_path(id, true), to = snapshot_path(id);
    fault_point("before-rename");
    if (::rename(from.c_str(), to.c_str()) != 0)
        return fail("cannot rename '" + from + "' to '" + to + "': " + std::strerror(errno), errno);
    fault_point("after-rename");
    return {};
}

Result<void> DiskFileStore::write_snapshot(int id, const std::string& text)
{
    TRY_VOID(ensure_dir(m_paths.state_dir(), 0700, DirPolicy::private_dir));
    TRY_VOID(ensure_dir(m_paths.snapshots_dir(), 0700, DirPolicy::private_dir));
    TRY_VOID(write_file_atomic(snapshot_path(id), text, 0600));
    // Only after N.json is durable: until the unlink, the pending name wins.
    return remove_file(snapshot_path(id, true));
}

Result<void> DiskFileStore::remove_snapshot(int id)
{
    std::string path = snapshot_path(id);
    if (::unlink(path.c_str()) != 0 && errno != ENOENT)
        return fail("cannot remove '" + path + "': " + std::strerror(errno), errno);
    return {};
}

}  // namespace sysknob::os
