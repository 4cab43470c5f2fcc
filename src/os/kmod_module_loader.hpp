#pragma once
// The real ModuleLoader: libkmod for look-ups, loading and removal (the
// library modprobe is built on; no modprobe subprocess), /sys/module for
// state, use counts and live parameters. libkmod is dlopen()ed on the first
// call that needs it, so a command that loads nothing does not pay for it
// at start-up (like libsystemd in os/log.cpp). Errors name the module and
// the kernel release.
#include <memory>
#include <string>

#include "os/module_sysfs.hpp"
#include "ports/module_loader.hpp"

namespace sysknob::os {

class KmodModuleLoader final : public ports::ModuleLoader {
  public:
    explicit KmodModuleLoader(std::string sys_module = "/sys/module");
    ~KmodModuleLoader() override;
    std::string release() override;
    Result<ports::ModuleState> state(std::string_view module) override;
    Result<std::vector<std::string>> load(std::string_view module, std::string_view options) override;
    Result<int> refcount(std::string_view module) override;
    Result<void> unload(std::string_view module) override;
    Result<ports::ParamValue> read_param(std::string_view module, std::string_view param) override;
    Result<std::string> write_param(std::string_view module, std::string_view param, std::string_view value) override;

    struct Library;  // the resolved libkmod entry points and context

  private:
    Result<Library*> library();
    ModuleSysfs m_sysfs;
    std::unique_ptr<Library> m_lib;
};

}  // namespace sysknob::os
