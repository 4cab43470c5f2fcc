#pragma once
// Every path sysknob uses comes from one Paths value; --root prefixes the
// configuration, state and lock paths. The live kernel (/proc/sys, /sys)
// and the shipped data directory are never re-rooted.
#include <string>
#include <string_view>
#include <vector>

#include "persist/paths.hpp"

namespace sysknob::os {

struct Paths {
    std::string root;  // "" = /
    std::string proc = "/proc";
    std::string proc_sys = "/proc/sys";
    std::string sys_module = "/sys/module";
    std::string shipped_dir;  // shipped profiles and schemas

    std::string etc_profiles() const { return root + "/etc/sysknob/profiles"; }
    // The files sysknob writes: persist/paths.hpp under the root.
    std::string sysctl_d() const { return root + std::string(persist::k_sysctl_d); }
    std::string fragment(int priority) const { return root + persist::fragment_path(priority); }
    std::string modprobe_conf() const { return root + std::string(persist::k_modprobe_conf); }
    std::string modules_load_conf() const { return root + std::string(persist::k_modules_load_conf); }
    std::string state_dir() const { return root + std::string(persist::k_state_dir); }
    std::string snapshots_dir() const { return root + std::string(persist::k_snapshots_dir); }
    std::string state_file() const { return root + std::string(persist::k_state_file); }
    std::string lock_file() const { return root + std::string(persist::k_lock_file); }
    // A path under the root: "/etc/sysctl.d/90-sysknob.conf" -> ROOT/etc/...
    std::string under_root(std::string_view path) const { return root + std::string(path); }
    std::string shipped_profiles() const { return shipped_dir + "/profiles"; }
    // Profile search path: the admin's directory first.
    std::vector<std::string> profile_dirs() const { return {etc_profiles(), shipped_profiles()}; }

    // root "" or "/" -> ""; trailing slashes dropped. The data directory is
    // $SYSKNOB_DATADIR, else the source tree when run from a build tree,
    // else the installed one.
    static Paths make(const std::string& root);
};

}  // namespace sysknob::os
