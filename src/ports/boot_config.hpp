#pragma once
// BootConfig: what the system's boot will read, for the boot model: the
// sysctl.d files (os/sysctl_d_tree, resolved inside the root) and the
// module lists of modules-load.d. Read-only; a port so the change engine
// can be tested on files given in memory.
#include <string>
#include <string_view>
#include <vector>

#include "boot/boot_model.hpp"
#include "util/result.hpp"

namespace sysknob::ports {

class BootConfig {
  public:
    virtual ~BootConfig() = default;
    // Every sysctl.d file (and /etc/sysctl.conf) as systemd-sysctl would
    // see it; with `names_after`, only the sysctl.d names that sort after it.
    virtual Result<std::vector<boot::ConfigFile>> sysctl_d(std::string_view names_after) = 0;
    // Modules named in modules-load.d directories and /etc/modules.
    virtual std::vector<std::string> modules_listed_for_boot() = 0;
};

}  // namespace sysknob::ports
