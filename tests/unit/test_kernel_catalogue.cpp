#include <doctest/doctest.h>
#include <string>

#include "kernel/catalogue.hpp"
#include "util/strings.hpp"

using namespace sysknob;

TEST_CASE("a concrete interface key finds its family's catalogue entry")
{
    const kernel::Param* p = kernel::find_param("net.ipv4.conf.eth0/100.rp_filter");
    REQUIRE(p != nullptr);
    CHECK(p->key == "net.ipv4.conf.*.rp_filter");
    // devinet_conf_proc stores any int; 0..2 is advice (ip-sysctl.rst).
    CHECK(p->max == 2147483647);
    CHECK(p->advice_max == 2);
    CHECK(p->all_semantics == "max");
    CHECK(kernel::find_param("net.ipv4.conf.all.rp_filter") == p);
    CHECK(kernel::find_param("net.ipv4.conf.*.rp_filter") == p);
}

TEST_CASE("an unknown key has no catalogue entry")
{
    CHECK(kernel::find_param("net.core.somaxcon") == nullptr);
    CHECK(kernel::find_param("net.ipv4.conf.eth0.no_such_param") == nullptr);
    CHECK(kernel::find_param("") == nullptr);
}

TEST_CASE("the catalogue knows when tcp_tw_recycle went away")
{
    const kernel::Param* p = kernel::find_param("net.ipv4.tcp_tw_recycle");
    REQUIRE(p != nullptr);
    CHECK(p->removed_in == "4.12");
}

TEST_CASE("the catalogue is sorted so that lookups find every entry")
{
    auto all = kernel::catalogue();
    REQUIRE(all.size() > 100);
    for (const auto& p : all) {
        CAPTURE(p.key);
        CHECK(kernel::find_param(p.key) == &p);
    }
}

TEST_CASE("releases compare by their numbers, not as text")
{
    CHECK(util::compare_release("4.12", "4.9") > 0);
    CHECK(util::compare_release("4.9", "4.12") < 0);
    CHECK(util::compare_release("5.15.0-91-generic", "5.15") == 0);
    CHECK(util::compare_release("5.15.0-91-generic", "5.4") > 0);
    CHECK(util::compare_release("6.1.0-13-amd64", "6.14") < 0);
    CHECK(util::compare_release("4.4", "4.4.0") == 0);
    CHECK(util::compare_release("3.10.0-1160.el7.x86_64", "3.10") == 0);
    CHECK(util::compare_release("2.6.32", "2.6.13") > 0);
}
