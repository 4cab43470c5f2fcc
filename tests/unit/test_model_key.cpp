#include <doctest/doctest.h>
#include <string>
#include <vector>

#include "model/key.hpp"

using namespace sysknob::model;

TEST_CASE("an interface name with a dot is written with a slash in the canonical key")
{
    CHECK(key_from_segments({"net", "ipv4", "conf", "eth0.100", "forwarding"}) == "net.ipv4.conf.eth0/100.forwarding");
    CHECK(key_segments("net.ipv4.conf.eth0/100.forwarding") ==
          std::vector<std::string>{"net", "ipv4", "conf", "eth0.100", "forwarding"});
}

TEST_CASE("the /proc/sys path of a key swaps dots and slashes")
{
    CHECK(key_to_path("net.ipv4.conf.eth0/100.forwarding") == "net/ipv4/conf/eth0.100/forwarding");
    CHECK(key_to_path("net.core.somaxconn") == "net/core/somaxconn");
}

TEST_CASE("plain keys and whole-segment globs are accepted")
{
    CHECK_FALSE(key_problem("net.core.somaxconn").has_value());
    CHECK_FALSE(key_problem("net.ipv4.conf.*.rp_filter").has_value());
    CHECK_FALSE(key_problem("net.ipv4.conf.eth0/100.forwarding").has_value());
    CHECK_FALSE(key_problem("net.bridge.bridge-nf-call-iptables").has_value());
}

TEST_CASE("keys that could escape /proc/sys or break a fragment line are refused")
{
    const std::string nul("net.a\0b", 7);
    for (const std::string& bad :
         {std::string(""), std::string(".net.core"), std::string("net.core."), std::string("net..core"),
          std::string("net./etc.x"), std::string("net.a/.x"), std::string("net.a//b.x"), std::string("net.eth0/...x"),
          std::string("net.a/../b.x"), nul, std::string("net.a\nb"), std::string("net.a b"), std::string("net.a=b"),
          std::string("net.eth*.x"), std::string("net.-x.y"), std::string("net.caf\xc3\xa9"), std::string(600, 'a')}) {
        CAPTURE(bad);
        CHECK(key_problem(bad).has_value());
    }
}

TEST_CASE("a glob segment matches exactly one segment")
{
    CHECK(key_has_glob("net.ipv4.conf.*.rp_filter"));
    CHECK_FALSE(key_has_glob("net.ipv4.conf.all.rp_filter"));
    CHECK(key_matches("net.ipv4.conf.*.rp_filter", "net.ipv4.conf.eth0/100.rp_filter"));
    CHECK_FALSE(key_matches("net.ipv4.conf.*.rp_filter", "net.ipv4.conf.eth0.100.rp_filter"));
    CHECK_FALSE(key_matches("net.ipv4.conf.*.rp_filter", "net.ipv4.conf.eth0.forwarding"));
}

TEST_CASE("a glob names entries, never the parameter: '*' is not the last segment")
{
    // net.ipv4."*" = 1 passed lint and planned a write of 1 to every ipv4 key.
    for (const char* bad : {"net.ipv4.*", "net.ipv4.conf.*.*", "*"}) {
        CAPTURE(bad);
        REQUIRE(key_problem(bad).has_value());
        CHECK(key_problem(bad)->find("cannot be the last segment") != std::string::npos);
    }
    CHECK_FALSE(key_problem("net.ipv4.conf.*.rp_filter").has_value());
    CHECK_FALSE(key_problem("net.*.tcp_syncookies").has_value());
}
