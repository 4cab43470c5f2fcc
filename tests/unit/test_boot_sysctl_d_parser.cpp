#include <doctest/doctest.h>

#include <string>

#include "boot/sysctl_d_parser.hpp"

using namespace sysknob::boot;
using namespace std::string_literals;

TEST_CASE("comments, blank lines and whitespace are skipped as systemd skips them")
{
    auto parsed = parse_sysctl_d("# comment\n; also a comment\n\n   \n  net.ipv4.ip_forward\t=  1  \n", "f.conf");
    REQUIRE(parsed.assignments.size() == 1);
    CHECK(parsed.issues.empty());
    const auto& a = parsed.assignments[0];
    CHECK(a.key == "net.ipv4.ip_forward");
    CHECK(a.value == "1");
    CHECK(a.file == "f.conf");
    CHECK(a.line == 5);
    CHECK_FALSE(a.ignore_failure);
    CHECK_FALSE(a.is_glob);
    CHECK_FALSE(a.is_exclusion);
}

TEST_CASE("an inline '#' and quotes are part of the value")
{
    auto parsed = parse_sysctl_d("kernel.domainname = \"x y\" # not a comment\n", "f");
    REQUIRE(parsed.assignments.size() == 1);
    CHECK(parsed.assignments[0].value == "\"x y\" # not a comment");
}

TEST_CASE("the value splits at the first '=' and may be empty")
{
    auto parsed = parse_sysctl_d("a.b = c=d\nx.y =\n", "f");
    REQUIRE(parsed.assignments.size() == 2);
    CHECK(parsed.assignments[0].value == "c=d");
    CHECK(parsed.assignments[1].key == "x.y");
    CHECK(parsed.assignments[1].value == "");
    CHECK_FALSE(parsed.assignments[1].is_exclusion);
}

TEST_CASE("a leading '-' on an assignment means ignore failure")
{
    auto parsed = parse_sysctl_d("- net.netfilter.nf_conntrack_max = 262144\n", "f");
    REQUIRE(parsed.assignments.size() == 1);
    CHECK(parsed.assignments[0].key == "net.netfilter.nf_conntrack_max");
    CHECK(parsed.assignments[0].ignore_failure);
    CHECK_FALSE(parsed.assignments[0].is_exclusion);
}

TEST_CASE("a '-key' line without '=' is an exclusion")
{
    auto parsed = parse_sysctl_d("net.ipv4.conf.*.rp_filter = 2\n-net.ipv4.conf.eth0.rp_filter\n", "f");
    REQUIRE(parsed.assignments.size() == 2);
    CHECK(parsed.assignments[0].is_glob);
    CHECK(parsed.assignments[1].is_exclusion);
    CHECK(parsed.assignments[1].key == "net.ipv4.conf.eth0.rp_filter");
    CHECK(parsed.assignments[1].value.empty());
}

TEST_CASE("a line without '=' is reported and ignored")
{
    auto parsed = parse_sysctl_d("net.ipv4.ip_forward 1\nnet.core.somaxconn=1024\n", "f.conf");
    REQUIRE(parsed.assignments.size() == 1);
    REQUIRE(parsed.issues.size() == 1);
    CHECK(parsed.issues[0].line == 1);
    CHECK(parsed.issues[0].file == "f.conf");
    CHECK(parsed.issues[0].message == "line is not an assignment, ignoring: 'net.ipv4.ip_forward 1'");
}

TEST_CASE("an empty key is reported and ignored")
{
    auto parsed = parse_sysctl_d("= 1\n-= 2\n", "f");
    CHECK(parsed.assignments.empty());
    CHECK(parsed.issues.size() == 2);
}

TEST_CASE("slash-form keys are normalised to the dotted form")
{
    CHECK(normalize_key("net/ipv4/conf/eth0.100/rp_filter") == "net.ipv4.conf.eth0/100.rp_filter");
    CHECK(normalize_key("net.ipv4.conf.eth0/100.rp_filter") == "net.ipv4.conf.eth0/100.rp_filter");
    CHECK(normalize_key("/net/ipv4/ip_forward") == "net.ipv4.ip_forward");
    CHECK(normalize_key("net//ipv4/./ip_forward/") == "net.ipv4.ip_forward");
    CHECK(normalize_key("net.ipv4..ip_forward") == "net.ipv4.ip_forward");
    CHECK(normalize_key("kernel") == "kernel");
    auto parsed = parse_sysctl_d("net/ipv4/conf/eth0.100/rp_filter = 1\n", "f");
    REQUIRE(parsed.assignments.size() == 1);
    CHECK(parsed.assignments[0].key == "net.ipv4.conf.eth0/100.rp_filter");
}

TEST_CASE("key and path forms convert into each other")
{
    CHECK(key_to_path("net.ipv4.conf.eth0/100.rp_filter") == "net/ipv4/conf/eth0.100/rp_filter");
    CHECK(path_to_key("net/ipv4/conf/eth0.100/rp_filter") == "net.ipv4.conf.eth0/100.rp_filter");
}

TEST_CASE("globs match one path component at a time")
{
    CHECK(key_is_glob("net.ipv4.conf.*.rp_filter"));
    CHECK(key_is_glob("net.ipv4.conf.eth[01].rp_filter"));
    CHECK_FALSE(key_is_glob("net.ipv4.conf.all.rp_filter"));
    CHECK(glob_matches("net.ipv4.conf.*.rp_filter", "net.ipv4.conf.eth0/100.rp_filter"));
    CHECK(glob_matches("net.ipv4.conf.*.rp_filter", "net.ipv4.conf.all.rp_filter"));
    CHECK_FALSE(glob_matches("net.ipv4.*", "net.ipv4.conf.all.rp_filter"));
    CHECK(glob_matches("net.ipv4.conf.eth?.rp_filter", "net.ipv4.conf.eth1.rp_filter"));
    CHECK_FALSE(glob_matches("net.ipv4.conf.eth?.rp_filter", "net.ipv4.conf.eth10.rp_filter"));
}

TEST_CASE("CRLF, lone CR and NUL end lines as in systemd's read_line")
{
    auto parsed = parse_sysctl_d("a.b = 1\r\nc.d = 2\re.f = 3\0g.h = 4\n\r\ni.j = 5"s, "f");
    REQUIRE(parsed.assignments.size() == 5);
    CHECK(parsed.assignments[0].value == "1");
    CHECK(parsed.assignments[0].line == 1);
    CHECK(parsed.assignments[1].line == 2);
    CHECK(parsed.assignments[2].line == 3);
    CHECK(parsed.assignments[3].key == "g.h");
    // "\n\r" is one line end, the next "\n" another: line 5 is empty.
    CHECK(parsed.assignments[4].line == 6);
    CHECK(parsed.assignments[4].value == "5");
}

TEST_CASE("invalid UTF-8 passes through untouched")
{
    std::string text = "net.x = \xff\xfe\x80\n";
    auto parsed = parse_sysctl_d(text, "f");
    REQUIRE(parsed.assignments.size() == 1);
    CHECK(parsed.assignments[0].value == "\xff\xfe\x80");
}

TEST_CASE("a line of 1 MiB or more stops the file there")
{
    std::string text = "a.b = 1\n" + std::string(k_long_line_max, 'x') + "\nc.d = 2\n";
    auto parsed = parse_sysctl_d(text, "f");
    REQUIRE(parsed.assignments.size() == 1);
    CHECK(parsed.assignments[0].key == "a.b");
    REQUIRE(parsed.issues.size() == 1);
    CHECK(parsed.issues[0].line == 2);

    std::string fits = "a.b = " + std::string(k_long_line_max - 7, 'x') + "\n";
    auto ok = parse_sysctl_d(fits, "f");
    CHECK(ok.assignments.size() == 1);
    CHECK(ok.issues.empty());
}

TEST_CASE("control bytes in an issue are made visible")
{
    auto parsed = parse_sysctl_d("bad\x1b[2Jline\n", "f");
    REQUIRE(parsed.issues.size() == 1);
    CHECK(parsed.issues[0].message.find('\x1b') == std::string::npos);
}
