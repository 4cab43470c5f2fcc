#pragma once
// Pure renderers of the files that survive a reboot: the sysctl.d fragment,
// modprobe.d options and modules-load.d. Text in, text out; no I/O.
#include <string>
#include <vector>

#include "model/profile.hpp"

namespace sysknob::persist {

// /etc/sysctl.d/NN-sysknob.conf. Stable order (forwarding switches, globs,
// then keys sorted), globs kept as globs, each key with its comment, and an
// optional key prefixed '-' so that boot ignores it where it is absent.
// Accepted alike by `sysctl -p` (procps 4) and systemd-sysctl.
std::string render_fragment(const model::ResolvedProfile& profile);

struct ModuleOption {
    std::string module;
    std::string param;
    std::string value;  // resolved ("auto" already turned into a number)
};

// /etc/modprobe.d/sysknob.conf: one `options MODULE P=V ...` line a module.
std::string render_modprobe(const model::ResolvedProfile& profile, const std::vector<ModuleOption>& options);

// /etc/modules-load.d/sysknob.conf: one module a line.
std::string render_modules_load(const model::ResolvedProfile& profile, const std::vector<std::string>& modules);

// The key written in a sysctl.d file: canonical form ('/' for dots inside
// an interface name), which both systemd and procps read back correctly.
std::string fragment_key(const std::string& key);

}  // namespace sysknob::persist
