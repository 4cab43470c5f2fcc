#include "os/atomic_file.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "os/fault.hpp"
#include "util/file.hpp"
#include "util/path.hpp"

namespace sysknob::os {


Result<void> make_dirs(const std::string& dir, const MakeDirs& how)
{
    if (dir.empty() || dir == "/" || dir == ".") return {};
    struct stat st {};
    if (::lstat(dir.c_str(), &st) == 0) {
        if (S_ISDIR(st.st_mode)) return {};
        if (how.follow_links && S_ISLNK(st.st_mode) && ::stat(dir.c_str(), &st) == 0 && S_ISDIR(st.st_mode))
            return {};
        return fail("'" + dir + "' exists and is not a directory", ENOTDIR);
    }
    TRY_VOID(make_dirs(util::dir_of(dir), how));
    const std::string& p = how.private_below;
    bool is_private = !p.empty() && (dir == p || util::is_below(dir, p));
    if (::mkdir(dir.c_str(), is_private ? how.private_mode : how.mode) != 0 && errno != EEXIST)
        return fail("cannot create directory '" + dir + "': " + std::strerror(errno), errno);
    return {};
}

std::string temporary_for(const std::string& path)
{
    std::string dir = util::dir_of(path);
    return dir + "/." + path.substr(dir.size() + 1) + ".sysknob-tmp";
}

Result<void> fsync_dir(const std::string& dir)
{
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return fail("cannot open directory '" + dir + "': " + std::strerror(errno), errno);
    int rc = ::fsync(fd);
    int e = errno;
    ::close(fd);
    if (rc != 0 && e != EINVAL) return fail("cannot fsync directory '" + dir + "': " + std::strerror(e), e);
    return {};
}

Result<void> check_owned(const std::string& path)
{
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) {
        if (errno == ENOENT) return {};
        return fail("cannot inspect '" + path + "': " + std::strerror(errno), errno);
    }
    if (S_ISLNK(st.st_mode)) return fail("refusing '" + path + "': it is a symbolic link", ELOOP);
    if (st.st_uid != ::geteuid())
        return fail("refusing '" + path + "': owned by uid " + std::to_string(st.st_uid) + ", not by us", EPERM);
    if (st.st_mode & (S_IWGRP | S_IWOTH)) return fail("refusing '" + path + "': writable by group or others", EPERM);
    return {};
}

Result<void> ensure_dir(const std::string& dir, mode_t mode, DirPolicy policy)
{
    TRY_VOID(make_dirs(util::dir_of(dir)));
    if (::mkdir(dir.c_str(), mode) != 0 && errno != EEXIST)
        return fail("cannot create directory '" + dir + "': " + std::strerror(errno), errno);
    if (policy == DirPolicy::private_dir) {
        TRY_VOID(check_owned(dir));
        struct stat st {};
        if (::lstat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
            return fail("refusing '" + dir + "': not a directory", ENOTDIR);
    }
    return {};
}

Result<FileState> read_file_state(const std::string& path)
{
    FileState fs;
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) {
        if (errno == ENOENT) return fs;
        return fail("cannot inspect '" + path + "': " + std::strerror(errno), errno);
    }
    if (!S_ISREG(st.st_mode)) return fail("refusing '" + path + "': not a regular file", EINVAL);
    TRY(fs.content, util::read_file(path, 16u << 20, util::Follow::no_symlinks));
    fs.exists = true;
    fs.mode = st.st_mode & 07777;
    return fs;
}


void remove_stale_temporary(const std::string& path)
{
    ::unlink(temporary_for(path).c_str());
}

Result<void> write_file_atomic(const std::string& path, const std::string& content, mode_t mode)
{
    std::string dir = util::dir_of(path);
    TRY_VOID(make_dirs(dir));
    struct stat st {};
    if (::lstat(path.c_str(), &st) == 0 && S_ISLNK(st.st_mode))
        return fail("refusing to replace '" + path + "': it is a symbolic link", ELOOP);
    // The rename would put a regular file in place of a device, FIFO or
    // socket (doctor --output /dev/full as root replaced the device node).
    if (::lstat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode))
        return fail("refusing to replace '" + path + "': it is not a regular file; give the path of a file", EINVAL);
    std::string tmp = temporary_for(path);
    ::unlink(tmp.c_str());
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
    if (fd < 0) return fail("cannot create '" + tmp + "': " + std::strerror(errno), errno);
    auto cleanup = [&](int e, const std::string& what) {
        ::close(fd);
        ::unlink(tmp.c_str());
        return fail("cannot write '" + path + "': " + what + ": " + std::strerror(e), e);
    };
    size_t done = 0;
    while (done < content.size()) {
        ssize_t n = ::write(fd, content.data() + done, content.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return cleanup(errno, "write");
        done += static_cast<size_t>(n);
    }
    if (::fchmod(fd, mode) != 0) return cleanup(errno, "chmod");
    if (::fsync(fd) != 0) return cleanup(errno, "fsync");
    if (::close(fd) != 0) {
        int e = errno;
        ::unlink(tmp.c_str());
        return fail("cannot write '" + path + "': close: " + std::strerror(e), e);
    }
    fault_point("before-rename");
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
        int e = errno;
        ::unlink(tmp.c_str());
        return fail("cannot rename '" + tmp + "' to '" + path + "': " + std::strerror(e), e);
    }
    fault_point("after-rename");
    return fsync_dir(dir);
}

Result<void> remove_file(const std::string& path)
{
    if (::unlink(path.c_str()) != 0) {
        if (errno == ENOENT) return {};
        return fail("cannot remove '" + path + "': " + std::strerror(errno), errno);
    }
    return fsync_dir(util::dir_of(path));
}

}  // namespace sysknob::os
