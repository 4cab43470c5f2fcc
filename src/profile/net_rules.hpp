#pragma once
// Cross-key network rules: values that are wrong together or against the
// kernel's own behaviour (port range against the unprivileged port start,
// conntrack table against its hash, SYN backlog with cookies, conf.all
// against existing interfaces, risky timers). Each cites its kernel source.
// Pure: reads only the profile and the target.
#include "kernel/target.hpp"
#include "model/diagnostic.hpp"
#include "model/profile.hpp"

namespace sysknob::profile {

void net_rules(const model::ResolvedProfile& profile, const kernel::Target& target, model::Diagnostics& out);

}  // namespace sysknob::profile
