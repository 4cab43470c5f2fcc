#pragma once
// /sys/module as the kernel lays it out, shared by the libkmod loader and
// the scratch-directory loader of the tests: a loaded module has
// /sys/module/M/initstate; a built-in one has /sys/module/M without it
// (when it has parameters or a version); live parameters are files under
// /sys/module/M/parameters. Reads and writes files; nothing else.
#include <optional>
#include <string>
#include <string_view>

#include "ports/module_loader.hpp"

namespace sysknob::os {

class ModuleSysfs {
  public:
    explicit ModuleSysfs(std::string base) : m_base(std::move(base)) {}
    const std::string& base() const { return m_base; }
    // loaded / builtin as /sys shows them; nullopt when /sys says nothing.
    std::optional<ports::ModuleState> state(std::string_view module) const;
    Result<int> refcount(std::string_view module) const;
    Result<ports::ParamValue> read_param(std::string_view module, std::string_view param) const;
    Result<std::string> write_param(std::string_view module, std::string_view param, std::string_view value) const;

  private:
    std::string m_base;
};

// "nf-conntrack" -> "nf_conntrack": /sys and the kernel use underscores.
std::string module_sysfs_name(std::string_view module);

}  // namespace sysknob::os
