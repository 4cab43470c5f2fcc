#pragma once
// Every path sysknob uses comes from one Paths value; --root prefixes the
// configuration, state and lock paths. The live kernel (/proc/sys, /sys)
// and the shipped data directory are never re-rooted.
#include <string>
#include <vector>

namespace sysknob::os {

struct Paths {
    std::string root;  // "" = /
    std::string proc = "/proc";
    std::string proc_sys = "/proc/sys";
    std::string sys_module = "/sys/module";
    std::string shipped_dir;  // shipped profiles and schemas

    std::string etc_profiles() const { return root + "/etc/sysknob/profiles"; }
    std::string sysctl_d() const { return root + "/etc/sysctl.d"; }
    std::string fragment(int priority) const;
    std::string modprobe_conf() const { return root + "/etc/modprobe.d/sysknob.conf"; }
    std::string modules_load_conf() const { return root + "/etc/modules-load.d/sysknob.conf"; }
    std::string state_dir() const { return root + "/var/lib/sysknob"; }
    std::string snapshots_dir() const { return state_dir() + "/snapshots"; }
    std::string state_file() const { return state_dir() + "/state.json"; }
    std::string lock_file() const { return root + "/run/lock/sysknob.lock"; }
    std::string shipped_profiles() const { return shipped_dir + "/profiles"; }
    // Profile search path: the admin's directory first.
    std::vector<std::string> profile_dirs() const { return {etc_profiles(), shipped_profiles()}; }

    // root "" or "/" -> ""; trailing slashes dropped. The data directory is
    // $SYSKNOB_DATADIR, else the source tree when run from a build tree,
    // else the installed one.
    static Paths make(const std::string& root);
};

}  // namespace sysknob::os
