#pragma once
// Write-order rules. Pure.
#include <string_view>

namespace sysknob::kernel {

// Lower ranks are written first. Forwarding switches come before every
// other key: writing net.ipv4.ip_forward (or conf.all.forwarding) resets
// per-interface forwarding and accept_redirects to their defaults
// (Documentation/networking/ip-sysctl.rst, "ip_forward"), which would undo
// per-interface settings written before it.
int write_rank(std::string_view key);

}  // namespace sysknob::kernel
