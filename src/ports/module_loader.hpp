#pragma once
// ModuleLoader: the one door to kernel modules and their live parameters
// (/sys/module/M/parameters/P). Like SysctlTree it exists so tests can
// substitute it: tests/support/fake_module_loader.hpp in unit tests, and in
// test-hook builds a scratch directory that plays /sys/module and
// /lib/modules (os/dir_module_loader). The real one is
// os/kmod_module_loader, over libkmod (the library modprobe is built on).
//
// Loading a module is host-wide: the module and its parameters are shared
// by every network namespace, so a caller in a child namespace still
// changes the host.
#include <string>
#include <string_view>
#include <vector>

#include "util/result.hpp"

namespace sysknob::ports {

enum class ModuleState {
    absent,     // neither built in nor in modules.dep of the running kernel
    available,  // in modules.dep, not loaded
    loaded,     // loaded (live, coming or going)
    builtin,    // compiled into the kernel (modules.builtin); never loaded or unloaded
};
const char* module_state_name(ModuleState s);
// Whether a look-up says the module is compiled into the kernel.
bool is_builtin(const Result<ModuleState>& s);

struct ParamValue {
    std::string text;  // as /sys printed it, trailing newline dropped
    bool writable = false;  // the attribute has a write bit: the kernel accepts a runtime change
};

class ModuleLoader {
  public:
    virtual ~ModuleLoader() = default;
    // The kernel release whose modules are looked up (the running one).
    virtual std::string release() = 0;
    // Where the module stands. An error means the look-up itself failed
    // (an unreadable index), never that the module does not exist.
    virtual Result<ModuleState> state(std::string_view module) = 0;
    // Loads the module and what it depends on, with `options` ("hashsize=N")
    // added to those modprobe.d gives. Returns the modules this call
    // inserted, dependencies first (empty when it was loaded already). On
    // error nothing was inserted; the error names the module and the reason.
    virtual Result<std::vector<std::string>> load(std::string_view module, std::string_view options) = 0;
    // The use count of a loaded module: other modules and open users.
    virtual Result<int> refcount(std::string_view module) = 0;
    // Removes a loaded module; the kernel refuses (EBUSY, EWOULDBLOCK)
    // while something uses it. Callers remove only what they loaded.
    virtual Result<void> unload(std::string_view module) = 0;
    // A live parameter; ENOENT when the module has no such attribute in /sys.
    virtual Result<ParamValue> read_param(std::string_view module, std::string_view param) = 0;
    // Writes a live parameter and reads it back: returns what the kernel
    // kept, which may differ (hashsize is rounded up to a page of buckets).
    virtual Result<std::string> write_param(std::string_view module, std::string_view param,
                                            std::string_view value) = 0;
};

inline bool is_builtin(const Result<ModuleState>& s)
{
    return s && *s == ModuleState::builtin;
}

inline const char* module_state_name(ModuleState s)
{
    switch (s) {
    case ModuleState::absent: return "absent";
    case ModuleState::available: return "available";
    case ModuleState::loaded: return "loaded";
    case ModuleState::builtin: return "built in";
    }
    return "?";
}

}  // namespace sysknob::ports
