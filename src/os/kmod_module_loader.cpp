#include "os/kmod_module_loader.hpp"

#include <cerrno>
#include <cstring>
#include <dlfcn.h>
#include <sys/utsname.h>

#include <libkmod.h>

#include "util/file.hpp"

namespace sysknob::os {

// Only the header is used at build time; the entry points are resolved
// from libkmod.so.2 (Debian's libkmod2, which kmod itself depends on) the
// first time a module is looked up. The API: kmod_new(3),
// kmod_module_new_from_lookup(3), kmod_module_probe_insert_module(3),
// kmod_module_get_initstate(3), kmod_module_remove_module(3)
// (https://kmod-project.github.io/kmod/libkmod/).
struct KmodModuleLoader::Library {
    void* handle = nullptr;
    kmod_ctx* ctx = nullptr;
    decltype(&::kmod_new) new_ctx = nullptr;
    decltype(&::kmod_unref) unref_ctx = nullptr;
    decltype(&::kmod_module_new_from_lookup) lookup = nullptr;
    decltype(&::kmod_module_new_from_name) from_name = nullptr;
    decltype(&::kmod_module_get_module) get_module = nullptr;
    decltype(&::kmod_module_unref) unref = nullptr;
    decltype(&::kmod_module_unref_list) unref_list = nullptr;
    decltype(&::kmod_list_next) list_next = nullptr;
    decltype(&::kmod_module_get_initstate) initstate = nullptr;
    decltype(&::kmod_module_get_path) path = nullptr;
    decltype(&::kmod_module_get_name) name = nullptr;
    decltype(&::kmod_module_get_dependencies) dependencies = nullptr;
    decltype(&::kmod_module_probe_insert_module) probe = nullptr;
    decltype(&::kmod_module_remove_module) remove = nullptr;

    ~Library()
    {
        if (ctx && unref_ctx) unref_ctx(ctx);
        if (handle) ::dlclose(handle);
    }
};

namespace {

std::string running_release()
{
    struct utsname u {};
    return ::uname(&u) == 0 ? std::string(u.release) : std::string("?");
}

template <typename F> bool resolve(void* h, F& f, const char* name)
{
    f = reinterpret_cast<F>(::dlsym(h, name));
    return f != nullptr;
}

// The first module a name resolves to (aliases included), or nullptr.
kmod_module* first_of(KmodModuleLoader::Library& l, std::string_view module, int& err)
{
    kmod_list* list = nullptr;
    std::string name(module);
    err = l.lookup(l.ctx, name.c_str(), &list);
    if (err < 0 || !list) return nullptr;
    kmod_module* mod = l.get_module(list);
    l.unref_list(list);
    return mod;
}

}  // namespace

KmodModuleLoader::KmodModuleLoader(std::string sys_module) : m_sysfs(std::move(sys_module)) {}
KmodModuleLoader::~KmodModuleLoader() = default;

std::string KmodModuleLoader::release()
{
    return running_release();
}

Result<KmodModuleLoader::Library*> KmodModuleLoader::library()
{
    if (m_lib) return m_lib.get();
    auto lib = std::make_unique<Library>();
    lib->handle = ::dlopen("libkmod.so.2", RTLD_NOW | RTLD_LOCAL);
    if (!lib->handle)
        return fail(std::string("cannot load libkmod.so.2 to look up kernel modules (") + ::dlerror() +
                        "); install the kmod package",
                    ENOENT);
    void* h = lib->handle;
    bool ok = resolve(h, lib->new_ctx, "kmod_new") && resolve(h, lib->unref_ctx, "kmod_unref") &&
              resolve(h, lib->lookup, "kmod_module_new_from_lookup") &&
              resolve(h, lib->from_name, "kmod_module_new_from_name") &&
              resolve(h, lib->get_module, "kmod_module_get_module") && resolve(h, lib->unref, "kmod_module_unref") &&
              resolve(h, lib->unref_list, "kmod_module_unref_list") && resolve(h, lib->list_next, "kmod_list_next") &&
              resolve(h, lib->initstate, "kmod_module_get_initstate") &&
              resolve(h, lib->path, "kmod_module_get_path") && resolve(h, lib->name, "kmod_module_get_name") &&
              resolve(h, lib->dependencies, "kmod_module_get_dependencies") &&
              resolve(h, lib->probe, "kmod_module_probe_insert_module") &&
              resolve(h, lib->remove, "kmod_module_remove_module");
    if (!ok) return fail("libkmod.so.2 lacks an entry point sysknob needs (" + std::string(::dlerror()) + ")", ENOSYS);
    // NULL, NULL: /lib/modules/$(uname -r) and the default modprobe.d
    // directories, exactly as modprobe reads them.
    lib->ctx = lib->new_ctx(nullptr, nullptr);
    if (!lib->ctx) return fail("libkmod could not start (kmod_new failed)", ENOMEM);
    m_lib = std::move(lib);
    return m_lib.get();
}

Result<ports::ModuleState> KmodModuleLoader::state(std::string_view module)
{
    // /sys first: it is the kernel's own word and needs no library; it also
    // answers where /lib/modules is missing (a container, a stripped host).
    if (auto s = m_sysfs.state(module)) return *s;
    TRY(auto* l, library());
    int err = 0;
    kmod_module* mod = first_of(*l, module, err);
    if (!mod) {
        if (err < 0)
            return fail("cannot look up module '" + std::string(module) + "' for kernel " + release() + ": " +
                            std::strerror(-err),
                        -err);
        return ports::ModuleState::absent;
    }
    int init = l->initstate(mod);
    const char* path = l->path(mod);
    ports::ModuleState s = ports::ModuleState::absent;
    if (init == KMOD_MODULE_BUILTIN)
        s = ports::ModuleState::builtin;
    else if (init == KMOD_MODULE_LIVE || init == KMOD_MODULE_COMING || init == KMOD_MODULE_GOING)
        s = ports::ModuleState::loaded;
    else if (path && util::file_exists(path))
        s = ports::ModuleState::available;
    l->unref(mod);
    return s;
}

Result<std::vector<std::string>> KmodModuleLoader::load(std::string_view module, std::string_view options)
{
    TRY(auto* l, library());
    int err = 0;
    kmod_module* mod = first_of(*l, module, err);
    if (!mod)
        return fail("module '" + std::string(module) + "' was not found for kernel " + release() + " (/lib/modules/" +
                        release() + "/modules.dep)",
                    ENOENT);
    // What is not loaded yet among the module and its dependencies
    // (modules.dep lists them all, deepest first) is what this call inserts.
    std::vector<std::string> before_missing;
    kmod_list* deps = l->dependencies(mod);
    for (kmod_list* it = deps; it; it = l->list_next(deps, it)) {
        kmod_module* d = l->get_module(it);
        if (l->initstate(d) < 0) before_missing.emplace_back(l->name(d));
        l->unref(d);
    }
    l->unref_list(deps);
    std::string name = l->name(mod);
    std::string opts(options);
    // flags 0: the install commands and blacklist of modprobe.d apply as
    // they would for `modprobe NAME`; a module loaded meanwhile is success.
    int r = l->probe(mod, 0, opts.empty() ? nullptr : opts.c_str(), nullptr, nullptr, nullptr);
    l->unref(mod);
    if (r < 0)
        return fail("cannot load module '" + name + "' on kernel " + release() + ": " + std::strerror(-r), -r);
    if (r > 0)
        return fail("module '" + name + "' is blacklisted or has an install command in modprobe.d; not loaded", EPERM);
    std::vector<std::string> inserted;
    for (const auto& d : before_missing)
        if (m_sysfs.state(d) == ports::ModuleState::loaded) inserted.push_back(d);
    inserted.push_back(name);
    return inserted;
}

Result<int> KmodModuleLoader::refcount(std::string_view module)
{
    return m_sysfs.refcount(module);
}

Result<void> KmodModuleLoader::unload(std::string_view module)
{
    TRY(auto* l, library());
    kmod_module* mod = nullptr;
    std::string name = module_sysfs_name(module);
    int err = l->from_name(l->ctx, name.c_str(), &mod);
    if (err < 0 || !mod)
        return fail("cannot unload module '" + name + "': " + std::strerror(err < 0 ? -err : ENOENT), -err);
    // flags 0: never KMOD_REMOVE_FORCE; libkmod adds O_NONBLOCK, so the
    // kernel refuses a module in use (EWOULDBLOCK) instead of waiting.
    int r = l->remove(mod, 0);
    l->unref(mod);
    if (r < 0) return fail("cannot unload module '" + name + "': " + std::strerror(-r), -r);
    return {};
}

Result<ports::ParamValue> KmodModuleLoader::read_param(std::string_view module, std::string_view param)
{
    return m_sysfs.read_param(module, param);
}

Result<std::string> KmodModuleLoader::write_param(std::string_view module, std::string_view param,
                                                  std::string_view value)
{
    return m_sysfs.write_param(module, param, value);
}

}  // namespace sysknob::os
