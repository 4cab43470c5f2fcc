#include "os/module_sysfs.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/file.hpp"
#include "util/strings.hpp"

namespace sysknob::os {

std::string module_sysfs_name(std::string_view module)
{
    std::string out(module);
    for (char& c : out)
        if (c == '-') c = '_';
    return out;
}

std::optional<ports::ModuleState> ModuleSysfs::state(std::string_view module) const
{
    std::string dir = m_base + "/" + module_sysfs_name(module);
    struct stat st {};
    if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) return std::nullopt;
    // Only a loadable module has initstate (kernel/module/main.c,
    // modinfo_initstate, Linux 6.1); a built-in module gets a directory for
    // its parameters or version alone (kernel/params.c, param_sysfs_builtin).
    if (util::file_exists(dir + "/initstate")) return ports::ModuleState::loaded;
    return ports::ModuleState::builtin;
}

Result<int> ModuleSysfs::refcount(std::string_view module) const
{
    std::string path = m_base + "/" + module_sysfs_name(module) + "/refcnt";
    TRY(auto text, util::read_file(path, 64));
    auto n = util::parse_i64(util::trim(text));
    if (!n) return fail("cannot read the use count of module '" + std::string(module) + "' from '" + path + "'", EIO);
    return static_cast<int>(*n);
}

Result<ports::ParamValue> ModuleSysfs::read_param(std::string_view module, std::string_view param) const
{
    std::string path = m_base + "/" + module_sysfs_name(module) + "/parameters/" + std::string(param);
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0)
        return fail("module '" + std::string(module) + "' has no live parameter '" + std::string(param) + "' ('" +
                        path + "': " + std::strerror(errno) + ")",
                    errno);
    ports::ParamValue v;
    // The kernel refuses to open an attribute for writing when no write
    // bit is set, root included (fs/kernfs/file.c, kernfs_fop_open), so
    // the mode bits, not access(2), say whether it can change at runtime.
    v.writable = (st.st_mode & 0222) != 0;
    if (!(st.st_mode & 0444)) return v;  // write-only: nothing to read
    TRY(auto text, util::read_file(path, 4096));
    if (!text.empty() && text.back() == '\n') text.pop_back();
    v.text = std::move(text);
    return v;
}

Result<std::string> ModuleSysfs::write_param(std::string_view module, std::string_view param,
                                             std::string_view value) const
{
    std::string path = m_base + "/" + module_sysfs_name(module) + "/parameters/" + std::string(param);
    auto what = [&](int err) {
        return "cannot write '" + std::string(value) + "' to module parameter '" + std::string(module) + "." +
               std::string(param) + "': " + std::strerror(err);
    };
    // O_TRUNC as a shell redirection does: sysfs ignores it, a plain file
    // (the test directory) needs it.
    int fd = ::open(path.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) return fail(what(errno), errno);
    std::string text(value);
    ssize_t n = ::write(fd, text.data(), text.size());
    int err = n < 0 ? errno : 0;
    ::close(fd);
    if (n < 0) return fail(what(err), err);
    TRY(auto back, read_param(module, param));
    return back.text;
}

}  // namespace sysknob::os
