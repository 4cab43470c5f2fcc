#pragma once
// The BootConfig port on the real file system, under --root: the sysctl.d
// tree (os/sysctl_d_tree) and the modules-load.d lists.
#include "os/paths.hpp"
#include "ports/boot_config.hpp"

namespace sysknob::os {

class DiskBootConfig final : public ports::BootConfig {
  public:
    explicit DiskBootConfig(const Paths& paths) : m_paths(paths) {}
    Result<std::vector<boot::ConfigFile>> sysctl_d(std::string_view names_after) override;
    std::vector<std::string> modules_listed_for_boot() override;

  private:
    const Paths& m_paths;
};

}  // namespace sysknob::os
