#include <doctest/doctest.h>
#include <string>
#include <vector>

#include "kernel/expand.hpp"
#include "kernel/order.hpp"
#include "support/fake_sysctl_tree.hpp"

using namespace sysknob;
using test::FakeSysctlTree;

TEST_CASE("a glob expands over the interfaces present, sorted")
{
    FakeSysctlTree t({{"net.ipv4.conf.all.rp_filter", "0"},
                      {"net.ipv4.conf.default.rp_filter", "0"},
                      {"net.ipv4.conf.lo.rp_filter", "0"},
                      {"net.ipv4.conf.eth0/100.rp_filter", "0"},
                      {"net.ipv4.conf.eth0/100.forwarding", "0"}});
    CHECK(kernel::expand_key(t, "net.ipv4.conf.*.rp_filter") ==
          std::vector<std::string>{"net.ipv4.conf.all.rp_filter", "net.ipv4.conf.default.rp_filter",
                                   "net.ipv4.conf.eth0/100.rp_filter", "net.ipv4.conf.lo.rp_filter"});
}

TEST_CASE("a key without a glob expands to itself, present or not")
{
    FakeSysctlTree t;
    CHECK(kernel::expand_key(t, "net.core.somaxconn") == std::vector<std::string>{"net.core.somaxconn"});
}

TEST_CASE("a glob over a missing directory matches nothing")
{
    FakeSysctlTree t({{"net.core.somaxconn", "4096"}});
    CHECK(kernel::expand_key(t, "net.ipv6.conf.*.forwarding").empty());
}

TEST_CASE("two glob levels expand over both")
{
    FakeSysctlTree t({{"net.ipv4.conf.a.x", "0"}, {"net.ipv6.conf.b.x", "0"}});
    CHECK(kernel::expand_key(t, "net.*.conf.*.x") ==
          std::vector<std::string>{"net.ipv4.conf.a.x", "net.ipv6.conf.b.x"});
}

TEST_CASE("probe_first finds the first matching key that exists, across glob levels")
{
    FakeSysctlTree t({{"net.ipv4.conf.b.x", "0"}, {"net.ipv4.conf.c.y", "0"}, {"net.ipv6.conf.d.z", "0"}});
    t.set("net.ipv4.conf.a.w", "0");
    CHECK(kernel::probe_first(t, "net.ipv4.conf.*.x") == ports::Access::writable);  // a has no x; b has
    CHECK(kernel::probe_first(t, "net.*.conf.*.z") == ports::Access::writable);     // only under ipv6
    CHECK(kernel::probe_first(t, "net.ipv4.conf.*.z") == ports::Access::absent);
    CHECK(kernel::probe_first(t, "net.ipx.conf.*.x") == ports::Access::absent);     // no such directory
    CHECK(kernel::probe_first(t, "net.ipv4.conf.b.x") == ports::Access::writable);  // no glob: a plain probe
    CHECK(kernel::probe_first(t, "net.ipv4.conf.b.q") == ports::Access::absent);
}

TEST_CASE("forwarding switches are written first and globs before concrete keys")
{
    CHECK(kernel::write_rank("net.ipv4.ip_forward") < kernel::write_rank("net.ipv4.conf.*.forwarding"));
    CHECK(kernel::write_rank("net.ipv6.conf.all.forwarding") < kernel::write_rank("net.ipv4.conf.*.rp_filter"));
    CHECK(kernel::write_rank("net.ipv4.conf.all.forwarding") == kernel::write_rank("net.ipv4.ip_forward"));
    CHECK(kernel::write_rank("net.ipv4.conf.*.rp_filter") < kernel::write_rank("net.ipv4.conf.eth0.rp_filter"));
    CHECK(kernel::write_rank("net.ipv4.conf.eth0.forwarding") == kernel::write_rank("net.core.somaxconn"));
}
