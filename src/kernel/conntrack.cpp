#include "kernel/conntrack.hpp"

#include <algorithm>

#include "util/strings.hpp"

namespace sysknob::kernel {

// net/netfilter/nf_conntrack_core.c, nf_conntrack_init_start(): without a
// hashsize parameter the kernel sizes the table from memory and sets
// nf_conntrack_max = max_factor * nf_conntrack_htable_size.
//  - Linux 5.15 and later: max_factor = 1, "to keep the average hash chain
//    length at 2 entries. Each entry has to be added twice (once for
//    original direction, once for reply)" -- commit d532bcd0b269
//    "netfilter: conntrack: sanitize table size default settings" (Florian
//    Westphal, 2021, merged for 5.15; Documentation/networking/nf_conntrack-sysctl.rst:
//    nf_conntrack_max "is set to nf_conntrack_buckets by default").
//  - Before 5.15: max_factor = 4, "to get the same max as with the old
//    struct list_heads" (same function; nf_conntrack_max "Default value is
//    nf_conntrack_buckets value * 4" in nf_conntrack-sysctl.txt).
// (With a hashsize given at load the kernel uses a factor of 8 for its
// default max, but the profile sets nf_conntrack_max itself.)
int conntrack_max_factor(std::string_view release)
{
    return util::compare_release(release, "5.15") >= 0 ? 1 : 4;
}

int64_t conntrack_buckets_for(int64_t max, std::string_view release)
{
    // The kernel rounds the table up to a whole page of bucket heads
    // (nf_ct_alloc_hashtable); the value read back says what it kept.
    return std::max<int64_t>(1, max / conntrack_max_factor(release));
}

}  // namespace sysknob::kernel
