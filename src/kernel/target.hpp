#pragma once
// The kernel a profile is validated for: the running one (its /proc/sys
// is the truth) or a release named with --kernel (the catalogue's version
// table is all there is). Plain data plus the tree to probe.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ports/sysctl_tree.hpp"

namespace sysknob::kernel {

// Facts about the machine that machine-aware lint rules compare values
// with. Live, they come from /proc (ports/machine_probe.hpp); with --kernel
// offline only what the user passed (--mem-total) is known, and a rule
// that needs a missing fact says so instead of guessing.
struct Machine {
    std::optional<uint64_t> mem_total_bytes;     // /proc/meminfo MemTotal
    std::optional<uint64_t> swap_total_bytes;    // SwapTotal
    std::optional<uint64_t> committed_as_bytes;  // Committed_AS
    std::optional<uint64_t> hugepage_bytes;      // Hugepagesize
    std::optional<int64_t> files_in_use;         // fs.file-nr, first field
    std::optional<int64_t> highest_pid;          // largest numeric entry of /proc
};

struct Target {
    std::string release;                // "6.18.44-..." or the --kernel value
    bool live = true;                   // false with --kernel
    bool container = false;             // --container: the profile is for a container's namespaces
    ports::SysctlTree* tree = nullptr;  // the running kernel's tree (also consulted offline for typos)
    uint64_t mem_total_bytes = 0;       // 0 = unknown (kept for SK3005; same as machine.mem_total_bytes)
    Machine machine;
    std::vector<std::string> available_congestion_control;  // live only
    std::string conntrack_buckets;                          // live nf_conntrack_buckets, "" = unknown
    std::optional<int64_t> unprivileged_port_start;         // live ip_unprivileged_port_start
};

}  // namespace sysknob::kernel
