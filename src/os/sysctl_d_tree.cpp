#include "os/sysctl_d_tree.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <memory>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

namespace sysknob::os {
namespace {

class Fd {
  public:
    explicit Fd(int fd = -1) : m_fd(fd) {}
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    Fd(Fd&& other) noexcept : m_fd(other.release()) {}
    Fd& operator=(Fd&& other) noexcept
    {
        if (this != &other) {
            reset();
            m_fd = other.release();
        }
        return *this;
    }
    ~Fd() { reset(); }
    int get() const { return m_fd; }
    explicit operator bool() const { return m_fd >= 0; }
    int release()
    {
        int fd = m_fd;
        m_fd = -1;
        return fd;
    }
    void reset()
    {
        if (m_fd >= 0) ::close(m_fd);
        m_fd = -1;
    }

  private:
    int m_fd;
};

// Opens `rel` below `root_fd` with every symlink resolved as if root_fd were
// "/" (openat2 RESOLVE_IN_ROOT, Linux 5.6). Where openat2 is missing or
// filtered (old kernels, some container seccomp profiles), falls back to a
// plain openat(), which follows links the way systemd itself does on a real
// system; only a scratch root with absolute links can tell the difference.
Fd open_in_root(int root_fd, const std::string& rel, int flags)
{
    open_how how{};
    how.flags = static_cast<uint64_t>(flags | O_CLOEXEC);
    how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
    long fd = ::syscall(SYS_openat2, root_fd, rel.c_str(), &how, sizeof(how));
    if (fd >= 0) return Fd(static_cast<int>(fd));
    if (errno != ENOSYS && errno != EPERM) return Fd(-1);
    return Fd(::openat(root_fd, rel.c_str(), flags | O_CLOEXEC));
}

std::string describe_errno(int err)
{
    return std::strerror(err);
}

bool is_dev_null(const struct stat& st)
{
    return S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3);
}

struct Reader {
    int root_fd;
    std::vector<boot::ParseIssue>& issues;

    void issue(const std::string& path, std::string message)
    {
        issues.push_back(boot::ParseIssue{path, 0, std::move(message)});
    }

    // Reads one configuration file. Returns false when nothing exists at
    // all under that name (so nothing masks), true otherwise.
    bool read_file(const std::string& rel, boot::ConfigFile& out)
    {
        std::string shown = "/" + rel;
        struct stat lst {};
        if (::fstatat(root_fd, rel.c_str(), &lst, AT_SYMLINK_NOFOLLOW) != 0) {
            if (errno != ENOENT) issue(shown, "cannot stat: " + describe_errno(errno) + ", ignoring");
            return errno != ENOENT;
        }
        if (S_ISLNK(lst.st_mode)) {
            char target[4096];
            ssize_t n = ::readlinkat(root_fd, rel.c_str(), target, sizeof(target) - 1);
            if (n >= 0 && std::string_view(target, static_cast<size_t>(n)) == "/dev/null") {
                out.masked_to_devnull = true;
                return true;
            }
        }

        // O_NONBLOCK: a FIFO named *.conf must not hang us (systemd would
        // hang on it; nothing sensible can be modelled from it).
        Fd fd = open_in_root(root_fd, rel, O_RDONLY | O_NONBLOCK | O_NOCTTY);
        if (!fd) {
            // systemd ignores ENOENT (a dangling link) silently; the name
            // still masks later directories.
            issue(shown, "cannot open: " + describe_errno(errno) + ", ignoring its content");
            return true;
        }
        struct stat st {};
        if (::fstat(fd.get(), &st) != 0) {
            issue(shown, "cannot stat: " + describe_errno(errno) + ", ignoring its content");
            return true;
        }
        if (is_dev_null(st)) {
            out.masked_to_devnull = true;
            return true;
        }
        if (!S_ISREG(st.st_mode)) {
            issue(shown, "not a regular file, ignoring its content");
            return true;
        }
        if (static_cast<uint64_t>(st.st_size) > k_max_config_size) {
            issue(shown, "larger than " + std::to_string(k_max_config_size) + " bytes, ignoring its content");
            return true;
        }
        std::string content;
        char buf[65536];
        for (;;) {
            ssize_t n = ::read(fd.get(), buf, sizeof(buf));
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) {
                issue(shown, "cannot read: " + describe_errno(errno) + ", ignoring its content");
                return true;
            }
            if (n == 0) break;
            content.append(buf, static_cast<size_t>(n));
            // The file may grow while we read it.
            if (content.size() > k_max_config_size) {
                issue(shown, "larger than " + std::to_string(k_max_config_size) + " bytes, ignoring its content");
                return true;
            }
        }
        out.content = std::move(content);
        return true;
    }

    void read_directory(const std::string& directory, std::vector<boot::ConfigFile>& out, std::string_view after)
    {
        std::string rel = directory.substr(1);
        Fd dir_fd = open_in_root(root_fd, rel, O_RDONLY | O_DIRECTORY);
        if (!dir_fd) {
            if (errno != ENOENT && errno != ENOTDIR)
                issue(directory, "cannot open directory: " + describe_errno(errno) + ", ignoring");
            return;
        }
        std::unique_ptr<DIR, int (*)(DIR*)> dir(::fdopendir(dir_fd.get()), ::closedir);
        if (!dir) {
            issue(directory, "cannot read directory: " + describe_errno(errno) + ", ignoring");
            return;
        }
        dir_fd.release();
        std::vector<std::string> names;
        while (dirent* de = ::readdir(dir.get())) {
            std::string_view name(de->d_name);
            if (name.empty() || name.front() == '.') continue;
            if (name.size() < 5 || name.substr(name.size() - 5) != ".conf") continue;
            if (!after.empty() && name <= after) continue;
            names.emplace_back(name);
        }
        // readdir() order is the file system's (hash order on ext4, newest
        // first on tmpfs); systemd's conf_files_list() sorts the names with
        // strcmp() (src/basic/conf-files.c, v252), and so do we, so the
        // result and its issues come out the same on every file system.
        std::sort(names.begin(), names.end());
        for (const auto& name : names) {
            boot::ConfigFile file{directory, name, {}, false};
            if (read_file(rel + "/" + name, file)) out.push_back(std::move(file));
        }
    }
};

bool same_directory(int root_fd, const std::string& a, const std::string& b)
{
    Fd fa = open_in_root(root_fd, a.substr(1), O_RDONLY | O_DIRECTORY);
    Fd fb = open_in_root(root_fd, b.substr(1), O_RDONLY | O_DIRECTORY);
    struct stat sa {
    }, sb{};
    if (!fa || !fb || ::fstat(fa.get(), &sa) != 0 || ::fstat(fb.get(), &sb) != 0) return false;
    return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

}  // namespace

Result<std::vector<boot::ConfigFile>> read_sysctl_d_tree(std::string_view root, std::vector<boot::ParseIssue>& issues,
                                                         std::string_view names_after)
{
    std::string root_path = root.empty() ? std::string("/") : std::string(root);
    Fd root_fd(::open(root_path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!root_fd) {
        int err = errno;
        return fail("cannot open root directory '" + root_path + "': " + describe_errno(err), err);
    }

    Reader reader{root_fd.get(), issues};
    std::vector<boot::ConfigFile> out;
    const auto& dirs = boot::sysctl_d_directories();
    for (const auto& directory : dirs) {
        if (directory == "/lib/sysctl.d" && same_directory(root_fd.get(), directory, "/usr/lib/sysctl.d")) continue;
        reader.read_directory(directory, out, names_after);
    }

    boot::ConfigFile conf{std::string(boot::k_sysctl_conf_directory), std::string(boot::k_sysctl_conf_name), {}, false};
    std::string conf_rel = conf.directory.substr(1) + "/" + conf.name;
    // procps reads /etc/sysctl.conf only when stat() says it is a regular
    // file; an unreadable one still yields an issue from read_file().
    Fd probe = open_in_root(root_fd.get(), conf_rel, O_RDONLY | O_NONBLOCK | O_NOCTTY);
    struct stat st {};
    if (probe && ::fstat(probe.get(), &st) == 0 && S_ISREG(st.st_mode)) {
        probe.reset();
        if (reader.read_file(conf_rel, conf)) out.push_back(std::move(conf));
    }
    return out;
}

}  // namespace sysknob::os
