#pragma once
// The kernel a profile is validated for: the running one (its /proc/sys
// is the truth) or a release named with --kernel (the catalogue's version
// table is all there is). Plain data plus the tree to probe.
#include <cstdint>
#include <string>
#include <vector>

#include "ports/sysctl_tree.hpp"

namespace sysknob::kernel {

struct Target {
    std::string release;                // "6.18.44-..." or the --kernel value
    bool live = true;                   // false with --kernel
    ports::SysctlTree* tree = nullptr;  // the running kernel's tree (also consulted offline for typos)
    uint64_t mem_total_bytes = 0;       // 0 = unknown
    std::vector<std::string> available_congestion_control;  // live only
    std::string conntrack_buckets;                          // live nf_conntrack_buckets, "" = unknown
};

}  // namespace sysknob::kernel
