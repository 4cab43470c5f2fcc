#include "util/file.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdint>
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
    auto too_large = [&](const std::string& size) {
        ::close(fd);
        // Limits are whole MiB; say so, as the documentation does ("16 MiB").
        std::string limit = max_bytes % (1u << 20) == 0 ? std::to_string(max_bytes >> 20) + " MiB"
                                                        : std::to_string(max_bytes) + " bytes";
        return fail("cannot read '" + path + "': file is " + size + ", more than the " + limit + " allowed", EFBIG);
    };
    if (static_cast<uint64_t>(st.st_size) > max_bytes) return too_large(std::to_string(st.st_size) + " bytes");
    // The size is known: that many bytes, without a read() to find the end.
    // Size 0 (/proc, or empty): read until end of file, one bound more.
    const bool sized = st.st_size > 0;
    std::string out;
    out.resize(sized ? static_cast<size_t>(st.st_size) : std::min<size_t>(max_bytes + 1, 16384));
    size_t got = 0;
    for (;;) {
        if (got == out.size()) {
            if (sized || got > max_bytes) break;
            out.resize(std::min(max_bytes + 1, out.size() * 2));
        }
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
    if (got > max_bytes) return too_large("larger");
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
