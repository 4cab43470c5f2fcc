#include "os/dir_module_loader.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sys/stat.h>
#include <sys/utsname.h>

#include "util/file.hpp"
#include "util/strings.hpp"

namespace sysknob::os {

namespace fs = std::filesystem;

namespace {

// "kernel/net/netfilter/nf_conntrack.ko.xz" -> "nf_conntrack"
std::string name_of(std::string_view path)
{
    auto slash = path.rfind('/');
    if (slash != std::string_view::npos) path.remove_prefix(slash + 1);
    path = path.substr(0, path.find(".ko"));
    return module_sysfs_name(path);
}

}  // namespace

DirModuleLoader::DirModuleLoader(std::string dir) : m_dir(std::move(dir)), m_sysfs(m_dir + "/sys/module") {}

std::string DirModuleLoader::release()
{
    struct utsname u {};
    return ::uname(&u) == 0 ? std::string(u.release) : std::string("?");
}

bool DirModuleLoader::listed(const std::string& file, const std::string& module)
{
    auto text = util::read_file(m_dir + "/lib/modules/" + release() + "/" + file, 1u << 20);
    if (!text) return false;
    for (auto line : util::split(*text, '\n'))
        if (!util::trim(line).empty() && name_of(util::trim(line.substr(0, line.find(':')))) == module) return true;
    return false;
}

std::optional<std::vector<std::string>> DirModuleLoader::dependencies(const std::string& module)
{
    auto text = util::read_file(m_dir + "/lib/modules/" + release() + "/modules.dep", 1u << 20);
    if (!text) return std::nullopt;
    for (auto line : util::split(*text, '\n')) {
        auto colon = line.find(':');
        if (colon == std::string_view::npos || name_of(util::trim(line.substr(0, colon))) != module) continue;
        std::vector<std::string> deps;
        for (auto d : util::split_ws(line.substr(colon + 1)))
            deps.push_back(name_of(d));
        return deps;
    }
    return std::nullopt;
}

Result<ports::ModuleState> DirModuleLoader::state(std::string_view module)
{
    std::string name = module_sysfs_name(module);
    if (auto s = m_sysfs.state(name)) return *s;
    if (listed("modules.builtin", name)) return ports::ModuleState::builtin;
    if (dependencies(name)) return ports::ModuleState::available;
    return ports::ModuleState::absent;
}

Result<void> DirModuleLoader::insert(const std::string& module, const std::string& options)
{
    if (auto refused = util::read_file(m_dir + "/refuse-load", 4096))
        for (auto line : util::split(*refused, '\n'))
            if (util::trim(line) == module)
                return fail("cannot load module '" + module + "' on kernel " + release() + ": " + std::strerror(EPERM),
                            EPERM);
    std::error_code ec;
    fs::path dir = fs::path(m_sysfs.base()) / module;
    fs::create_directories(dir / "parameters", ec);
    if (ec) return fail("cannot load module '" + module + "': " + ec.message(), ec.value());
    std::ofstream(dir / "initstate") << "live\n";
    std::ofstream(dir / "refcnt") << "0\n";
    fs::path defaults = fs::path(m_dir) / "defaults" / module;
    if (fs::is_directory(defaults, ec))
        for (const auto& e : fs::directory_iterator(defaults, ec)) {
            fs::copy_file(e.path(), dir / "parameters" / e.path().filename(), fs::copy_options::overwrite_existing, ec);
            struct stat st {};
            if (::stat(e.path().c_str(), &st) == 0)
                ::chmod((dir / "parameters" / e.path().filename()).c_str(), st.st_mode & 07777);
        }
    for (auto opt : util::split_ws(options)) {
        auto eq = opt.find('=');
        if (eq == std::string_view::npos) continue;
        std::ofstream(dir / "parameters" / std::string(opt.substr(0, eq))) << opt.substr(eq + 1) << "\n";
    }
    return {};
}

Result<std::vector<std::string>> DirModuleLoader::load(std::string_view module, std::string_view options)
{
    std::string name = module_sysfs_name(module);
    auto deps = dependencies(name);
    if (!deps)
        return fail("module '" + name + "' was not found for kernel " + release() + " (/lib/modules/" + release() +
                        "/modules.dep)",
                    ENOENT);
    std::vector<std::string> inserted;
    for (const auto& d : *deps) {
        if (m_sysfs.state(d)) continue;
        if (auto r = insert(d, ""); !r) {
            for (auto it = inserted.rbegin(); it != inserted.rend(); ++it)
                fs::remove_all(fs::path(m_sysfs.base()) / *it);
            return tl::unexpected(r.error());
        }
        inserted.push_back(d);
    }
    if (!m_sysfs.state(name)) {
        if (auto r = insert(name, std::string(options)); !r) {
            for (auto it = inserted.rbegin(); it != inserted.rend(); ++it)
                fs::remove_all(fs::path(m_sysfs.base()) / *it);
            return tl::unexpected(r.error());
        }
        inserted.push_back(name);
    }
    return inserted;
}

Result<int> DirModuleLoader::refcount(std::string_view module)
{
    return m_sysfs.refcount(module);
}

Result<void> DirModuleLoader::unload(std::string_view module)
{
    std::string name = module_sysfs_name(module);
    if (m_sysfs.state(name) != ports::ModuleState::loaded)
        return fail("cannot unload module '" + name + "': " + std::strerror(ENOENT), ENOENT);
    TRY(int refs, m_sysfs.refcount(name));
    if (refs > 0) return fail("cannot unload module '" + name + "': " + std::strerror(EWOULDBLOCK), EWOULDBLOCK);
    std::error_code ec;
    fs::remove_all(fs::path(m_sysfs.base()) / name, ec);
    if (ec) return fail("cannot unload module '" + name + "': " + ec.message(), ec.value());
    return {};
}

Result<ports::ParamValue> DirModuleLoader::read_param(std::string_view module, std::string_view param)
{
    return m_sysfs.read_param(module, param);
}

Result<std::string> DirModuleLoader::write_param(std::string_view module, std::string_view param,
                                                 std::string_view value)
{
    // /sys refuses a write to an attribute without a write bit even for
    // root (ModuleSysfs::read_param); a plain file would not, so say it here.
    TRY(auto v, m_sysfs.read_param(module, param));
    if (!v.writable)
        return fail("cannot write '" + std::string(value) + "' to module parameter '" + std::string(module) + "." +
                        std::string(param) + "': " + std::strerror(EACCES),
                    EACCES);
    return m_sysfs.write_param(module, param, value);
}

}  // namespace sysknob::os
