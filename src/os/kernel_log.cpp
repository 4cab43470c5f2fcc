// /dev/kmsg: each read() returns one record, "PRIO,SEQ,USEC,FLAGS;TEXT\n"
// followed by continuation lines (" KEY=VALUE") we ignore
// (Documentation/ABI/testing/dev-kmsg). Opened O_NONBLOCK, reads start at
// the oldest record the ring buffer holds and end with EAGAIN; EPIPE means
// records were overwritten while we read, and the next read goes on.
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

#include "os/proc_evidence.hpp"
#include "util/strings.hpp"

namespace sysknob::os {

Result<std::vector<doctor::LogRecord>> read_kmsg(const std::string& path, bool (*keep)(std::string_view))
{
    int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return fail("cannot open '" + path + "': " + std::strerror(errno), errno);
    std::vector<doctor::LogRecord> out;
    // A record is at most 8 KiB (PRINTK_MESSAGE_MAX and the header); the
    // ring is bounded, and so is this loop: 1,000,000 records at most.
    char buf[8192 + 512];
    for (int i = 0; i < 1000000; ++i) {
        ssize_t n = ::read(fd, buf, sizeof buf - 1);
        if (n < 0) {
            if (errno == EINTR || errno == EPIPE) continue;
            if (errno == EAGAIN) break;
            int e = errno;
            ::close(fd);
            return fail("cannot read '" + path + "': " + std::strerror(e), e);
        }
        if (n == 0) break;
        std::string_view rec(buf, static_cast<size_t>(n));
        auto semi = rec.find(';');
        if (semi == std::string_view::npos) continue;
        auto header = util::split(rec.substr(0, semi), ',');
        auto text = rec.substr(semi + 1);
        text = text.substr(0, text.find('\n'));
        if (header.size() < 3 || !keep(text)) continue;
        auto usec = util::parse_i64(header[2]);
        out.push_back({usec && *usec > 0 ? static_cast<uint64_t>(*usec) : 0, std::string(text)});
    }
    ::close(fd);
    return out;
}

}  // namespace sysknob::os
