#pragma once
// A ModuleLoader over a scratch directory, for the network-namespace tests
// of test-hook builds (SYSKNOB_TEST_HOOKS): this machine's kernel cannot
// load modules, and the tests must never load one on the host. The
// directory plays the kernel's files:
//   DIR/lib/modules/RELEASE/modules.dep      "kernel/.../NAME.ko: DEP.ko ..." (loadable)
//   DIR/lib/modules/RELEASE/modules.builtin  "kernel/.../NAME.ko"            (built in)
//   DIR/sys/module/NAME/{initstate,refcnt}   a loaded module
//   DIR/sys/module/NAME/parameters/P         its live parameters (mode bits as in /sys)
//   DIR/defaults/NAME/P                      the parameters a load creates, with their modes
// load() creates sys/module/NAME (dependencies first) and its parameters
// from defaults/, with `options` overriding them; unload() removes it when
// refcnt is 0. A file DIR/refuse-load listing a module name makes its load
// fail with EPERM. Chosen with SYSKNOB_TEST_MODULES=DIR (os/module_loader_factory).
#include <optional>
#include <string>
#include <vector>

#include "os/module_sysfs.hpp"
#include "ports/module_loader.hpp"

namespace sysknob::os {

class DirModuleLoader final : public ports::ModuleLoader {
  public:
    explicit DirModuleLoader(std::string dir);
    std::string release() override;
    Result<ports::ModuleState> state(std::string_view module) override;
    Result<std::vector<std::string>> load(std::string_view module, std::string_view options) override;
    Result<int> refcount(std::string_view module) override;
    Result<void> unload(std::string_view module) override;
    Result<ports::ParamValue> read_param(std::string_view module, std::string_view param) override;
    Result<std::string> write_param(std::string_view module, std::string_view param, std::string_view value) override;

  private:
    // The dependencies of `module` in modules.dep, or nullopt when it is not listed.
    std::optional<std::vector<std::string>> dependencies(const std::string& module);
    bool listed(const std::string& file, const std::string& module);
    Result<void> insert(const std::string& module, const std::string& options);
    std::string m_dir;
    ModuleSysfs m_sysfs;
};

}  // namespace sysknob::os
