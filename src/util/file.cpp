#include "util/file.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace sysknob::util {

Result<std::string> read_file(const std::string& path, size_t max_bytes, Follow follow)
{
    int flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;
    if (follow == Follow::no_symlinks) flags |= O_NOFOLLOW;
    int fd = ::open(path.c_str(), flags);
    if (fd < 0) {
        int e = errno;
        if (e == ELOOP && follow == Follow::no_symlinks)
            return fail("refusing to read '" + path + "': it is a symbolic link", e);
        return fail("cannot read '" + path + "': " + std::strerror(e), e);
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        return fail("cannot read '" + path + "': not a regular file", EINVAL);
    }
    if (static_cast<size_t>(st.st_size) > max_bytes) {
        ::close(fd);
        // Limits are whole MiB; say so, as the documentation does ("16 MiB").
        std::string limit = max_bytes % (1u << 20) == 0 ? std::to_string(max_bytes >> 20) + " MiB"
                                                        : std::to_string(max_bytes) + " bytes";
        return fail("cannot read '" + path + "': file is " + std::to_string(st.st_size) + " bytes, more than the " +
                        limit + " allowed",
                    EFBIG);
    }
    std::string out;
    out.resize(static_cast<size_t>(st.st_size));
    size_t got = 0;
    while (got < out.size()) {
        ssize_t n = ::read(fd, out.data() + got, out.size() - got);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            int e = errno;
            ::close(fd);
            return fail("cannot read '" + path + "': " + std::strerror(e), e);
        }
        if (n == 0) break;
        got += static_cast<size_t>(n);
    }
    out.resize(got);
    ::close(fd);
    return out;
}

bool file_exists(const std::string& path)
{
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0;
}

}  // namespace sysknob::util
