#pragma once
// Where the files sysknob writes live, without --root: the one definition
// that os::Paths prefixes with the root and the change engine names files
// by (change/ never sees the root). Pure.
#include <cctype>
#include <string>
#include <string_view>

namespace sysknob::persist {

inline constexpr std::string_view k_sysctl_d = "/etc/sysctl.d";
inline constexpr std::string_view k_fragment_tail = "-sysknob.conf";
inline constexpr std::string_view k_modprobe_conf = "/etc/modprobe.d/sysknob.conf";
inline constexpr std::string_view k_modules_load_conf = "/etc/modules-load.d/sysknob.conf";
inline constexpr std::string_view k_state_dir = "/var/lib/sysknob";
inline constexpr std::string_view k_snapshots_dir = "/var/lib/sysknob/snapshots";
inline constexpr std::string_view k_state_file = "/var/lib/sysknob/state.json";
inline constexpr std::string_view k_lock_file = "/run/lock/sysknob.lock";

// "/etc/sysctl.d/NN-sysknob.conf", NN two digits.
inline std::string fragment_path(int priority)
{
    std::string nn = std::to_string(priority);
    if (nn.size() < 2) nn = "0" + nn;
    return std::string(k_sysctl_d) + "/" + nn + std::string(k_fragment_tail);
}

// Is this one of the files sysknob writes (so a snapshot may restore it)?
inline bool is_managed_path(std::string_view path)
{
    if (path == k_modprobe_conf || path == k_modules_load_conf || path == k_state_file) return true;
    const size_t dir = k_sysctl_d.size() + 1;
    return path.size() == dir + 2 + k_fragment_tail.size() && path.starts_with(k_sysctl_d) && path[dir - 1] == '/' &&
           path.ends_with(k_fragment_tail) && std::isdigit(static_cast<unsigned char>(path[dir])) &&
           std::isdigit(static_cast<unsigned char>(path[dir + 1]));
}

}  // namespace sysknob::persist
