#include <doctest/doctest.h>
#include <string>

#include "doctor/counters.hpp"
#include "util/file.hpp"

using namespace sysknob;
using namespace sysknob::doctor;

namespace {
// Text captured from /proc in a network namespace of Linux 6.18 (tests/data/doctor/).
std::string recorded(const std::string& name)
{
    auto t = util::read_file(std::string(SYSKNOB_TEST_DATA) + "/doctor/" + name, 1 << 20);
    REQUIRE_MESSAGE(t.has_value(), name);
    return *t;
}
}  // namespace

TEST_CASE("netstat pairs give TcpExt counters by their MIB names")
{
    Counters c;
    REQUIRE(parse_snmp_pairs(recorded("listen/netstat"), "/proc/net/netstat", c));
    CHECK(c.at("TcpExt.ListenOverflows") == 136);
    CHECK(c.at("TcpExt.ListenDrops") == 136);
    CHECK(c.at("TcpExt.TCPTimeWaitOverflow") == 0);
    CHECK(c.count("IpExt.InOctets") == 1);
}

TEST_CASE("snmp gives Udp counters and skips Tcp MaxConn's -1")
{
    Counters c;
    REQUIRE(parse_snmp_pairs(recorded("udp/snmp"), "/proc/net/snmp", c));
    CHECK(c.at("Udp.RcvbufErrors") == 799);
    CHECK(c.at("Udp.InErrors") == 799);
    CHECK(c.count("Tcp.MaxConn") == 0);
    CHECK(c.at("Tcp.RtoMax") == 120000);
}

TEST_CASE("a names line without values is an error naming the file and line")
{
    Counters c;
    auto r = parse_snmp_pairs("Tcp: A B\nTcp: 1 2\nUdp: X Y\n", "/proc/net/snmp", c);
    REQUIRE(!r);
    CHECK(r.error().message.find("'/proc/net/snmp' line 3") != std::string::npos);
    auto r2 = parse_snmp_pairs("Tcp: A B\nTcp: 1\n", "/proc/net/snmp", c);
    REQUIRE(!r2);
    CHECK(r2.error().message.find("1 values for 2 names") != std::string::npos);
    auto r3 = parse_snmp_pairs("Tcp: A\nTcp: x\n", "/proc/net/snmp", c);
    REQUIRE(!r3);
    CHECK(r3.error().message.find("'x' is not a number") != std::string::npos);
}

TEST_CASE("sockstat gives TIME_WAIT and memory per protocol")
{
    Counters c;
    REQUIRE(parse_sockstat(recorded("tw/sockstat"), "/proc/net/sockstat", c));
    CHECK(c.at("sockstat.TCP.tw") == 4);
    CHECK(c.at("sockstat.TCP.mem") == 0);
    CHECK(c.at("sockstat.FRAG.memory") == 0);
    CHECK(!parse_sockstat("TCP: inuse\n", "/proc/net/sockstat", c));
}

TEST_CASE("softnet_stat sums processed, dropped and time_squeeze over the CPUs")
{
    Counters c;
    std::string text = "0000000f 00000002 00000001 00000000 00000000 00000000 00000000 00000000 00000000 00000000 "
                       "00000000 00000000 00000000 00000000 00000000\n"
                       "0000046a 00000010 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 "
                       "00000000 00000000 00000001 00000000 00000000\n";
    REQUIRE(parse_softnet(text, "/proc/net/softnet_stat", c));
    CHECK(c.at("softnet.processed") == 0xf + 0x46a);
    CHECK(c.at("softnet.dropped") == 0x12);
    CHECK(c.at("softnet.time_squeeze") == 1);
    Counters q;
    REQUIRE(parse_softnet(recorded("quiet/softnet_stat"), "/proc/net/softnet_stat", q));
    CHECK(q.at("softnet.dropped") == 0);
    CHECK(!parse_softnet("zz 0 0\n", "/proc/net/softnet_stat", c));
}

TEST_CASE("nf_conntrack stat sums per-CPU counters but takes entries once")
{
    Counters c;
    REQUIRE(parse_conntrack_stat(recorded("quiet/nf_conntrack"), "/proc/net/stat/nf_conntrack", c));
    CHECK(c.at("conntrack.drop") == 0);
    CHECK(c.at("conntrack.entries") == 0);
    // The header of the recorded file with the values of a full table:
    // every CPU repeats entries, drop and early_drop are per CPU.
    std::string header = recorded("quiet/nf_conntrack").substr(0, recorded("quiet/nf_conntrack").find('\n') + 1);
    std::string full = header +
                       "00000100  00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 "
                       "00000005 00000003 00000000  00000000 00000000 00000000 00000000\n"
                       "00000100  00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 "
                       "00000002 00000001 00000000  00000000 00000000 00000000 00000000\n";
    Counters f;
    REQUIRE(parse_conntrack_stat(full, "/proc/net/stat/nf_conntrack", f));
    CHECK(f.at("conntrack.entries") == 0x100);
    CHECK(f.at("conntrack.drop") == 7);
    CHECK(f.at("conntrack.early_drop") == 4);
}

TEST_CASE("uptime, loadavg and file-nr")
{
    auto up = parse_uptime(recorded("quiet/uptime"), "/proc/uptime");
    REQUIRE(up);
    CHECK(*up > 0);
    CHECK(!parse_uptime("abc 1\n", "/proc/uptime"));
    Counters c;
    REQUIRE(parse_loadavg("0.10 0.20 0.30 2/345 6789\n", "/proc/loadavg", c));
    CHECK(c.at("loadavg.threads") == 345);
    CHECK(!parse_loadavg("0.1 0.2 0.3 2\n", "/proc/loadavg", c));
    REQUIRE(parse_file_nr("1024\t0\t9223372036854775807", c));
    CHECK(c.at("file_nr.allocated") == 1024);
}

TEST_CASE("snmp6 lines give Udp6 counters")
{
    Counters c;
    REQUIRE(parse_snmp6(recorded("quiet/snmp6"), "/proc/net/snmp6", c));
    CHECK(c.at("snmp6.Udp6RcvbufErrors") == 0);
    CHECK(!parse_snmp6("Udp6InErrors\n", "/proc/net/snmp6", c));
}
