#pragma once
// Expands "*" segments of a key over what the tree holds, as systemd-sysctl
// does for globs: net.ipv4.conf.*.rp_filter -> all, default, lo, eth0...
// One directory listing per "*" level, so N interfaces cost O(N).
#include <string>
#include <vector>

#include "ports/sysctl_tree.hpp"

namespace sysknob::kernel {

// Concrete keys matching the pattern, sorted; a key without "*" is returned
// as is (whether or not it exists).
std::vector<std::string> expand_key(ports::SysctlTree& tree, const std::string& pattern);

// The access of the first key, in expand_key's order, that matches the
// pattern and exists; absent when none does. Stops at the first match
// instead of expanding the whole glob (lint asks only whether it matches).
ports::Access probe_first(ports::SysctlTree& tree, const std::string& pattern);

}  // namespace sysknob::kernel
