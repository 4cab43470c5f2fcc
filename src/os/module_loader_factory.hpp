#pragma once
// The ModuleLoader a command uses: libkmod over /sys/module, or, in
// test-hook builds only, the scratch directory that SYSKNOB_TEST_MODULES
// names (os/dir_module_loader). Creating it costs nothing: libkmod is
// opened on first use.
#include <memory>
#include <string>

#include "ports/module_loader.hpp"

namespace sysknob::os {

std::unique_ptr<ports::ModuleLoader> make_module_loader(const std::string& sys_module);

}  // namespace sysknob::os
