#include "os/file_entry.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "os/atomic_file.hpp"
#include "os/fault.hpp"
#include "util/file.hpp"
#include "util/path.hpp"

namespace sysknob::os {

namespace {

using snapshot::Entry;
using snapshot::EntryKind;

constexpr size_t k_max_entry = 16u << 20;

// Entries are set as root in /etc and below the state directory: a link
// on the way is refused rather than followed, and a backup's directories
// are private (MakeDirs).
Result<void> make_entry_dirs(const std::string& dir, const std::string& private_below)
{
    MakeDirs how;
    how.private_below = private_below;
    how.follow_links = false;
    return make_dirs(dir, how);
}

Result<void> write_temporary(const std::string& tmp, const Entry& entry)
{
    ::unlink(tmp.c_str());
    if (entry.kind == EntryKind::symlink) {
        if (::symlink(entry.content.c_str(), tmp.c_str()) != 0)
            return fail("cannot create link '" + tmp + "': " + std::strerror(errno), errno);
        if (::lchown(tmp.c_str(), entry.uid, entry.gid) != 0) {
            int e = errno;
            ::unlink(tmp.c_str());
            return fail("cannot set the owner of '" + tmp + "': " + std::strerror(e), e);
        }
        return {};
    }
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) return fail("cannot create '" + tmp + "': " + std::strerror(errno), errno);
    auto cleanup = [&](int e, const std::string& what) {
        ::close(fd);
        ::unlink(tmp.c_str());
        return fail("cannot write '" + tmp + "': " + what + ": " + std::strerror(e), e);
    };
    size_t done = 0;
    while (done < entry.content.size()) {
        ssize_t n = ::write(fd, entry.content.data() + done, entry.content.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return cleanup(errno, "write");
        done += static_cast<size_t>(n);
    }
    // chown before chmod: chown clears set-id bits (chown(2)).
    if (::fchown(fd, entry.uid, entry.gid) != 0) return cleanup(errno, "chown");
    if (::fchmod(fd, entry.mode) != 0) return cleanup(errno, "chmod");
    if (::fsync(fd) != 0) return cleanup(errno, "fsync");
    if (::close(fd) != 0) {
        int e = errno;
        ::unlink(tmp.c_str());
        return fail("cannot write '" + tmp + "': close: " + std::strerror(e), e);
    }
    return {};
}

}  // namespace

Result<Entry> read_entry(const std::string& path)
{
    Entry out;
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) {
        if (errno == ENOENT) return out;
        return fail("cannot inspect '" + path + "': " + std::strerror(errno), errno);
    }
    if (S_ISLNK(st.st_mode)) {
        std::string target(static_cast<size_t>(st.st_size > 0 ? st.st_size : 4096) + 1, '\0');
        ssize_t n = ::readlink(path.c_str(), target.data(), target.size());
        if (n < 0) return fail("cannot read link '" + path + "': " + std::strerror(errno), errno);
        if (static_cast<size_t>(n) >= target.size()) return fail("link '" + path + "' changed while read", EAGAIN);
        target.resize(static_cast<size_t>(n));
        out.kind = EntryKind::symlink;
        out.content = std::move(target);
        out.uid = st.st_uid;
        out.gid = st.st_gid;
        return out;
    }
    if (!S_ISREG(st.st_mode)) return fail("refusing '" + path + "': not a regular file or a symbolic link", EINVAL);
    if (static_cast<uint64_t>(st.st_size) > k_max_entry)
        return fail("refusing '" + path + "': larger than 16 MiB", EFBIG);
    TRY(out.content, util::read_file(path, k_max_entry, util::Follow::no_symlinks));
    out.kind = EntryKind::file;
    out.mode = st.st_mode & 07777;
    out.uid = st.st_uid;
    out.gid = st.st_gid;
    return out;
}

Result<void> set_entry(const std::string& path, const Entry& entry, const std::string& private_below)
{
    std::string dir = util::dir_of(path);
    if (entry.kind == EntryKind::absent) {
        if (::unlink(path.c_str()) != 0) {
            if (errno != ENOENT) return fail("cannot remove '" + path + "': " + std::strerror(errno), errno);
            return {};
        }
        TRY_VOID(fsync_dir(dir));
        // A backup's directories go with its last file, so a rollback
        // leaves the state directory as it found it.
        for (std::string d = dir; util::is_below(d, private_below) || d == private_below; d = util::dir_of(d))
            if (::rmdir(d.c_str()) != 0) break;
        return {};
    }
    TRY_VOID(make_entry_dirs(dir, private_below));
    std::string tmp = temporary_for(path);
    TRY_VOID(write_temporary(tmp, entry));
    fault_point("before-rename");
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
        int e = errno;
        ::unlink(tmp.c_str());
        return fail("cannot rename '" + tmp + "' to '" + path + "': " + std::strerror(e), e);
    }
    fault_point("after-rename");
    return fsync_dir(dir);
}

}  // namespace sysknob::os
