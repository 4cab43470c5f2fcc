#include "os/module_loader_factory.hpp"

#include <cstdlib>

#include "os/kmod_module_loader.hpp"
#ifdef SYSKNOB_TEST_HOOKS
#include "os/dir_module_loader.hpp"
#endif

namespace sysknob::os {

std::unique_ptr<ports::ModuleLoader> make_module_loader(const std::string& sys_module)
{
#ifdef SYSKNOB_TEST_HOOKS
    if (const char* dir = std::getenv("SYSKNOB_TEST_MODULES"); dir && *dir)
        return std::make_unique<DirModuleLoader>(dir);
#endif
    return std::make_unique<KmodModuleLoader>(sys_module);
}

}  // namespace sysknob::os
