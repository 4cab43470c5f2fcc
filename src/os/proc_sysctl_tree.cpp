#include "os/proc_sysctl_tree.hpp"

#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "model/key.hpp"

namespace sysknob::os {

namespace {

Result<std::string> read_fd(int fd, const std::string& key)
{
    // Sysctl files print their whole value in one read; the loop covers
    // long string values (tcp_available_congestion_control).
    std::string out;
    char buf[4096];
    for (;;) {
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return fail("cannot read '" + key + "': " + std::strerror(errno), errno);
        if (out.empty() && static_cast<size_t>(n) < sizeof buf) return std::string(buf, static_cast<size_t>(n));
        out.append(buf, static_cast<size_t>(n));
        if (static_cast<size_t>(n) < sizeof buf) return out;
        if (out.size() > (1u << 20)) return fail("cannot read '" + key + "': value larger than 1 MiB", EFBIG);
    }
}

// A key is a file under /proc/sys; a directory (net.ipv4, net.ipv4.conf.lo)
// exists but is not a key.
bool is_key_file(const std::string& path)
{
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && !S_ISDIR(st.st_mode);
}

}  // namespace

ProcSysctlTree::ProcSysctlTree(std::string proc_sys) : m_base(std::move(proc_sys))
{
    // Descriptors are kept for keys about to be written; a glob over
    // thousands of interfaces needs more than the default soft limit.
    struct rlimit rl {};
    if (::getrlimit(RLIMIT_NOFILE, &rl) == 0) {
        if (rl.rlim_cur < rl.rlim_max) {
            rl.rlim_cur = rl.rlim_max;
            ::setrlimit(RLIMIT_NOFILE, &rl);
            ::getrlimit(RLIMIT_NOFILE, &rl);
        }
        m_max_open = rl.rlim_cur > 128 ? static_cast<size_t>(rl.rlim_cur - 64) : 0;
    }
}

ProcSysctlTree::~ProcSysctlTree()
{
    for (auto& [k, fd] : m_open)
        ::close(fd);
}

std::string ProcSysctlTree::path_of(std::string_view key) const
{
    return m_base + "/" + model::key_to_path(key);
}

const char* ProcSysctlTree::scratch_path(std::string_view key)
{
    // One buffer for every path: a glob over thousands of interfaces reads
    // thousands of keys, and a string per path is an allocation per key.
    m_path.assign(m_base);
    m_path += '/';
    model::append_key_path(m_path, key);
    return m_path.c_str();
}

ports::Access ProcSysctlTree::probe(std::string_view key)
{
    // Opening read-write is the writability check; the descriptor is kept so
    // the later read and write of the same key cost one syscall each.
    std::string k(key);
    if (m_open.count(k)) return ports::Access::writable;
    std::string path = path_of(key);
    if (m_open.size() < m_max_open) {
        int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC | O_NOFOLLOW);
        if (fd >= 0) {
            m_open.emplace(std::move(k), fd);
            return ports::Access::writable;
        }
        // EISDIR: "net.ipv4" names a directory of keys, not a key.
        if (errno == ENOENT || errno == ENOTDIR || errno == EISDIR) return ports::Access::absent;
        return is_key_file(path) ? ports::Access::read_only : ports::Access::absent;
    }
    if (!is_key_file(path)) return ports::Access::absent;
    return ::access(path.c_str(), W_OK) == 0 ? ports::Access::writable : ports::Access::read_only;
}

Result<ports::LiveValue> ProcSysctlTree::read(std::string_view key, ports::Intent intent)
{
    m_key.assign(key);
    if (auto it = m_open.find(m_key); it != m_open.end()) {
        // Kept from probe() or an earlier read: read it again from the start.
        char buf[4096];
        ssize_t n;
        do {
            n = ::pread(it->second, buf, sizeof buf, 0);
        } while (n < 0 && errno == EINTR);
        if (n >= 0 && static_cast<size_t>(n) < sizeof buf)
            return ports::LiveValue{std::string(buf, static_cast<size_t>(n)), true};
        ::close(it->second);
        m_open.erase(it);
    }
    const char* path = scratch_path(key);
    bool writable = false;
    int fd = -1;
    if (intent == ports::Intent::write && m_open.size() < m_max_open) {
        fd = ::open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
        if (fd >= 0)
            writable = true;
        else if (errno == ENOENT || errno == ENOTDIR)
            return fail("'" + m_key + "' does not exist", ENOENT);
    } else if (intent == ports::Intent::write) {
        writable = ::access(path, W_OK) == 0;
    }
    if (fd < 0) fd = ::open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
        int e = errno;
        if (e == ENOENT || e == ENOTDIR) return fail("'" + m_key + "' does not exist", ENOENT);
        return fail("cannot read '" + m_key + "': " + std::strerror(e), e);
    }
    auto text = read_fd(fd, m_key);
    if (!text || !writable || m_open.size() >= m_max_open) {
        ::close(fd);
    } else {
        auto [it, inserted] = m_open.emplace(m_key, fd);
        if (!inserted) {
            ::close(it->second);
            it->second = fd;
        }
    }
    if (!text) return tl::unexpected(text.error());
    return ports::LiveValue{std::move(*text), writable};
}

Result<void> ProcSysctlTree::write(std::string_view key, std::string_view value)
{
    std::string k(key);
    int fd = -1;
    bool owned = false;
    if (auto it = m_open.find(k); it != m_open.end()) {
        fd = it->second;
    } else {
        fd = ::open(path_of(key).c_str(), O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0) {
            int e = errno;
            return fail("cannot write '" + std::string(value) + "' to '" + k + "': " + std::strerror(e), e);
        }
        owned = true;
    }
    std::string line(value);
    line += '\n';
    ssize_t n;
    do {
        n = ::pwrite(fd, line.data(), line.size(), 0);
    } while (n < 0 && errno == EINTR);
    int e = errno;
    if (owned) ::close(fd);
    if (n < 0) return fail("cannot write '" + std::string(value) + "' to '" + k + "': " + std::strerror(e), e);
    if (static_cast<size_t>(n) != line.size())
        return fail("cannot write '" + std::string(value) + "' to '" + k + "': short write", EIO);
    return {};
}

Result<std::vector<std::string>> ProcSysctlTree::list(std::string_view prefix)
{
    // Each directory is listed once per run: lint and the plan expand the
    // same globs, and net.ipv4.conf with thousands of interfaces costs a
    // millisecond or more to list (bench/, W4).
    std::string k(prefix);
    if (auto it = m_lists.find(k); it != m_lists.end()) return it->second;
    std::string dir = path_of(prefix);
    DIR* d = ::opendir(dir.c_str());
    if (!d) return fail("cannot list '" + k + "': " + std::strerror(errno), errno);
    std::vector<std::string> out;
    while (auto* e = ::readdir(d)) {
        if (e->d_name[0] == '.' && (e->d_name[1] == 0 || (e->d_name[1] == '.' && e->d_name[2] == 0))) continue;
        std::string name = e->d_name;
        for (char& c : name)
            if (c == '.') c = '/';
        out.push_back(std::move(name));
    }
    ::closedir(d);
    return m_lists.emplace(std::move(k), std::move(out)).first->second;
}

}  // namespace sysknob::os
