#pragma once
// Conntrack table sizing as the target kernel itself does it. Pure.
#include <cstdint>
#include <string_view>

namespace sysknob::kernel {

// Hash buckets for `max` conntrack entries (hashsize = "auto"), with the
// ratio the kernel `release` uses for its own defaults (see conntrack.cpp).
int64_t conntrack_buckets_for(int64_t max, std::string_view release);

// Entries per bucket in that ratio: 1 from Linux 5.15, 4 before.
int conntrack_max_factor(std::string_view release);

}  // namespace sysknob::kernel
