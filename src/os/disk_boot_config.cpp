#include "os/disk_boot_config.hpp"

#include <dirent.h>

#include "os/sysctl_d_tree.hpp"
#include "util/file.hpp"
#include "util/strings.hpp"

namespace sysknob::os {

Result<std::vector<boot::ConfigFile>> DiskBootConfig::sysctl_d(std::string_view names_after)
{
    std::vector<boot::ParseIssue> issues;
    return read_sysctl_d_tree(m_paths.root, issues, names_after);
}

std::vector<std::string> DiskBootConfig::modules_listed_for_boot()
{
    std::vector<std::string> out;
    // systemd-modules-load's directories (modules-load.d(5)).
    for (const char* dir : {"/etc/modules-load.d", "/run/modules-load.d", "/usr/local/lib/modules-load.d",
                            "/usr/lib/modules-load.d", "/lib/modules-load.d"}) {
        std::string d = m_paths.root + dir;
        DIR* h = ::opendir(d.c_str());
        if (!h) continue;
        while (auto* e = ::readdir(h)) {
            std::string name = e->d_name;
            if (!name.ends_with(".conf")) continue;
            auto text = util::read_file(d + "/" + name, 1u << 20);
            if (!text) continue;
            for (auto line : util::split(*text, '\n')) {
                line = util::trim(line);
                if (line.empty() || line.front() == '#' || line.front() == ';') continue;
                out.emplace_back(line);
            }
        }
        ::closedir(h);
    }
    // Debian's /etc/modules (modules(5)), read by kmod's modules-load service.
    if (auto modules = util::read_file(m_paths.root + "/etc/modules", 1u << 20)) {
        for (auto line : util::split(*modules, '\n')) {
            line = util::trim(line);
            if (!line.empty() && line.front() != '#') out.emplace_back(util::split_ws(line).front());
        }
    }
    return out;
}

}  // namespace sysknob::os
