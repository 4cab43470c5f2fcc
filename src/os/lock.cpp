#include "os/lock.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "os/atomic_file.hpp"

namespace sysknob::os {

Lock::~Lock()
{
    if (m_fd >= 0) ::close(m_fd);
}

Result<Lock> Lock::acquire(const std::string& path, int timeout_ms)
{
    auto slash = path.rfind('/');
    if (slash != std::string::npos && slash > 0) TRY_VOID(ensure_dir(path.substr(0, slash), 0755, DirPolicy::shared));
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) {
        int e = errno;
        if (e == ELOOP) return fail("refusing lock file '" + path + "': it is a symbolic link", e);
        return fail("cannot open lock file '" + path + "': " + std::strerror(e), e);
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != ::geteuid()) {
        ::close(fd);
        return fail("refusing lock file '" + path + "': not a regular file owned by us", EPERM);
    }
    for (int waited = 0;; waited += 10) {
        if (::flock(fd, LOCK_EX | LOCK_NB) == 0) break;
        if (errno != EWOULDBLOCK && errno != EINTR) {
            int e = errno;
            ::close(fd);
            return fail("cannot lock '" + path + "': " + std::strerror(e), e);
        }
        if (waited >= timeout_ms) {
            ::close(fd);
            return fail("another sysknob holds '" + path + "'; try again when it has finished", EWOULDBLOCK);
        }
        struct timespec ts = {0, 10 * 1000 * 1000};
        ::nanosleep(&ts, nullptr);
    }
    Lock l;
    l.m_fd = fd;
    return l;
}

Result<void> FileChangeLock::acquire(int timeout_ms)
{
    if (m_lock) return {};
    TRY(auto l, Lock::acquire(m_paths.lock_file(), timeout_ms));
    m_lock.emplace(std::move(l));
    return {};
}

}  // namespace sysknob::os
