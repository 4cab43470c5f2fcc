#include <cerrno>
#include <doctest/doctest.h>
#include <map>
#include <string>

#include "doctor/collect.hpp"
#include "doctor/findings.hpp"
#include "support/fake_sysctl_tree.hpp"
#include "util/file.hpp"

using namespace sysknob;
using namespace sysknob::doctor;
using sysknob::test::FakeSysctlTree;

namespace {

std::string recorded(const std::string& name)
{
    auto t = util::read_file(std::string(SYSKNOB_TEST_DATA) + "/doctor/" + name, 1 << 20);
    REQUIRE_MESSAGE(t.has_value(), name);
    return *t;
}

// Recorded /proc text instead of the live system.
class FakeEvidence final : public ports::EvidenceSource {
  public:
    std::map<std::string, std::string> files;
    std::vector<LogRecord> log;
    std::vector<Socket> sockets;
    bool child = true;
    Result<std::string> proc_text(std::string_view name) override
    {
        auto it = files.find(std::string(name));
        if (it == files.end()) return fail("no '" + std::string(name) + "'", ENOENT);
        return it->second;
    }
    Result<std::vector<LogRecord>> kernel_log() override { return log; }
    Result<std::vector<Socket>> tcp_sockets() override { return sockets; }
    bool in_child_netns() override { return child; }
};

// The quiet namespace's files, with `dir`'s recorded files over them.
FakeEvidence evidence(const std::string& dir = "")
{
    FakeEvidence e;
    for (const char* f : {"netstat", "snmp", "snmp6", "sockstat", "softnet_stat"})
        e.files[std::string("net/") + f] = recorded(std::string("quiet/") + f);
    e.files["net/stat/nf_conntrack"] = recorded("quiet/nf_conntrack");
    e.files["uptime"] = recorded("quiet/uptime");
    e.files["loadavg"] = recorded("quiet/loadavg");
    if (!dir.empty())
        for (const char* f : {"netstat", "snmp", "sockstat"})
            if (util::file_exists(std::string(SYSKNOB_TEST_DATA) + "/doctor/" + dir + "/" + f))
                e.files[std::string("net/") + f] = recorded(dir + "/" + f);
    return e;
}

FakeSysctlTree defaults()
{
    return FakeSysctlTree{{"net.core.somaxconn", "4096"},
                          {"net.ipv4.tcp_max_syn_backlog", "512"},
                          {"net.ipv4.tcp_syncookies", "1"},
                          {"net.ipv4.tcp_max_tw_buckets", "4"},
                          {"net.ipv4.tcp_tw_reuse", "2"},
                          {"net.ipv4.tcp_mem", "22000\t29000\t44000"},
                          {"net.core.rmem_default", "212992"},
                          {"net.core.rmem_max", "212992"},
                          {"net.ipv4.ip_local_port_range", "32768\t60999"},
                          {"net.netfilter.nf_conntrack_max", "65536"},
                          {"net.netfilter.nf_conntrack_count", "10"},
                          {"net.netfilter.nf_conntrack_buckets", "16384"},
                          {"fs.file-nr", "1024\t0\t9223372036854775807"},
                          {"fs.file-max", "9223372036854775807"},
                          {"kernel.pid_max", "4194304"},
                          {"kernel.threads-max", "127000"}};
}

Sample sample_of(FakeEvidence& e, FakeSysctlTree& t)
{
    std::vector<std::string> notes;
    auto s = take_sample(e, t, notes);
    REQUIRE_MESSAGE(s.has_value(), (s ? "" : s.error().message));
    return *s;
}

const Finding* find(const std::vector<Finding>& fs, const std::string& id)
{
    for (const auto& f : fs)
        if (f.id == id) return &f;
    return nullptr;
}

}  // namespace

TEST_CASE("a quiet namespace gives no finding at all")
{
    auto e = evidence();
    auto t = defaults();
    auto s = sample_of(e, t);
    CHECK(diagnose(s, s, 0).empty());
    CHECK(diagnose(s, s, 5).empty());
}

TEST_CASE("recorded listen overflows give SK5001 with the counters and somaxconn")
{
    auto before_e = evidence();
    before_e.files["net/netstat"] = recorded("listen/before_netstat");
    auto e = evidence("listen");
    auto t = defaults();
    auto a = sample_of(before_e, t);
    auto b = sample_of(e, t);
    auto fs = diagnose(a, b, 2);
    const Finding* f = find(fs, "SK5001");
    REQUIRE(f);
    CHECK(f->severity == Severity::warning);
    REQUIRE(f->evidence.size() >= 2);
    CHECK(f->evidence[0].what == "TcpExt.ListenOverflows");
    CHECK(f->evidence[0].value == 136);
    CHECK(f->evidence[0].delta == 136u);
    CHECK(f->evidence[0].rate_per_s == doctest::Approx(68));
    REQUIRE(!f->knobs.empty());
    CHECK(f->knobs[0].key == "net.core.somaxconn");
    CHECK(f->knobs[0].current == "4096");
    CHECK(f->knobs[0].suggested == "8192");
    // Totals only: the same finding, as information.
    auto totals = diagnose(b, b, 0);
    REQUIRE(find(totals, "SK5001"));
    CHECK(find(totals, "SK5001")->severity == Severity::info);
    CHECK(!find(totals, "SK5001")->evidence[0].delta);
}

TEST_CASE("a full listener below somaxconn points at the application's backlog")
{
    auto e = evidence();
    e.sockets.push_back({Socket::State::listen, "127.0.0.1", 8080, "0.0.0.0", 0, 2, 1});
    auto t = defaults();
    auto s = sample_of(e, t);
    auto fs = diagnose(s, s, 0);
    const Finding* f = find(fs, "SK5001");
    REQUIRE(f);
    CHECK(f->evidence.back().what == "listener 127.0.0.1:8080");
    CHECK(f->evidence.back().detail == "accept queue 2 of 1");
    CHECK(f->knobs[0].suggested.empty());
    CHECK(f->knobs[0].why.find("listen() backlog is the limit") != std::string::npos);
}

TEST_CASE("recorded TIME_WAIT overflows give SK5003: tcp_max_tw_buckets and tcp_tw_reuse, never tw_recycle")
{
    auto e = evidence("tw");
    auto t = defaults();
    auto s = sample_of(e, t);
    auto fs = diagnose(s, s, 0);
    const Finding* f = find(fs, "SK5003");
    REQUIRE(f);
    CHECK(f->evidence[0].what == "TcpExt.TCPTimeWaitOverflow");
    CHECK(f->evidence[0].value == 146);
    REQUIRE(f->knobs.size() == 2);
    CHECK(f->knobs[0].key == "net.ipv4.tcp_max_tw_buckets");
    CHECK(f->knobs[0].suggested == "262144");
    CHECK(f->knobs[1].key == "net.ipv4.tcp_tw_reuse");
    CHECK(f->knobs[1].suggested == "1");
    CHECK(f->advice.find("never tcp_tw_recycle") != std::string::npos);
}

TEST_CASE("recorded UDP receive buffer errors give SK5006 with the rmem knobs")
{
    auto e = evidence("udp");
    auto t = defaults();
    auto s = sample_of(e, t);
    auto fs = diagnose(s, s, 0);
    const Finding* f = find(fs, "SK5006");
    REQUIRE(f);
    CHECK(f->evidence[0].what == "Udp.RcvbufErrors");
    CHECK(f->evidence[0].value == 799);
    CHECK(f->knobs[0].key == "net.core.rmem_default");
    CHECK(f->knobs[0].suggested == "1048576");
    CHECK(f->knobs[1].key == "net.core.rmem_max");
    CHECK(f->knobs[1].suggested == "8388608");
    CHECK(!find(fs, "SK5001"));
}

TEST_CASE("conntrack drops and a table at its maximum give SK5008, critical while dropping")
{
    auto before = evidence();
    auto after = evidence();
    std::string header = recorded("quiet/nf_conntrack");
    header = header.substr(0, header.find('\n') + 1);
    after.files["net/stat/nf_conntrack"] =
        header + "00010000  00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 "
                 "00000009 00000000 00000000  00000000 00000000 00000000 00000000\n";
    after.log.push_back({10, "nf_conntrack: table full, dropping packet"});
    auto t = defaults();
    auto a = sample_of(before, t);
    t.set("net.netfilter.nf_conntrack_count", "65536");
    auto b = sample_of(after, t);
    auto fs = diagnose(a, b, 1);
    const Finding* f = find(fs, "SK5008");
    REQUIRE(f);
    CHECK(f->severity == Severity::critical);
    CHECK(f->evidence[0].what == "conntrack.drop");
    CHECK(f->evidence[0].delta == 9u);
    bool saw_log = false, saw_count = false;
    for (const auto& ev : f->evidence) {
        saw_log |= ev.what == "kernel log" && ev.detail.find("table full") != std::string::npos;
        saw_count |= ev.what == "net.netfilter.nf_conntrack_count" && ev.value == 65536;
    }
    CHECK(saw_log);
    CHECK(saw_count);
    CHECK(f->knobs[0].key == "net.netfilter.nf_conntrack_max");
    CHECK(f->knobs[0].suggested == "262144");
    CHECK(f->knobs[1].key == "net.netfilter.nf_conntrack_buckets");
    CHECK(f->knobs[1].suggested == "262144");  // one bucket per entry, as the kernel since 5.15
}

TEST_CASE("the host's kernel log alone makes a finding in the initial namespace only")
{
    auto e = evidence();
    e.log.push_back({10, "TCP: time wait bucket table overflow"});
    auto t = defaults();
    e.child = true;
    auto s = sample_of(e, t);
    CHECK(diagnose(s, s, 0).empty());
    e.child = false;
    auto h = sample_of(e, t);
    auto fs = diagnose(h, h, 0);
    REQUIRE(find(fs, "SK5003"));
    CHECK(find(fs, "SK5003")->evidence[0].what == "kernel log");
}

TEST_CASE("ephemeral ports in use towards one destination give SK5011 per destination")
{
    auto e = evidence();
    auto t = defaults();
    t.set("net.ipv4.ip_local_port_range", "40000\t40009");
    for (uint16_t p = 40000; p <= 40009; ++p)
        e.sockets.push_back({Socket::State::other, "127.0.0.1", p, "127.0.0.1", 8080, 0, 0});
    e.sockets.push_back({Socket::State::other, "127.0.0.1", 40000, "127.0.0.2", 8080, 0, 0});
    auto s = sample_of(e, t);
    auto fs = diagnose(s, s, 0);
    const Finding* f = find(fs, "SK5011");
    REQUIRE(f);
    CHECK(f->severity == Severity::critical);
    CHECK(f->evidence[0].what == "ephemeral ports to 127.0.0.1:8080");
    CHECK(f->evidence[0].value == 10);
    CHECK(f->knobs[0].key == "net.ipv4.ip_local_port_range");
    CHECK(f->knobs[0].suggested == "10240 65000");
    size_t n = 0;
    for (const auto& x : fs)
        n += x.id == "SK5011";
    CHECK(n == 1);  // 127.0.0.2:8080 uses one port of ten
}

TEST_CASE("gauges near their limits: file handles and orphans")
{
    auto e = evidence();
    auto t = defaults();
    t.set("fs.file-nr", "950\t0\t1000").set("fs.file-max", "1000");
    auto s = sample_of(e, t);
    auto fs = diagnose(s, s, 0);
    REQUIRE(find(fs, "SK5013"));
    CHECK(find(fs, "SK5013")->knobs[0].suggested == "1048576");
}

TEST_CASE("a missing counter file is an error, an optional one is not")
{
    auto e = evidence();
    auto t = defaults();
    std::vector<std::string> notes;
    e.files.erase("net/stat/nf_conntrack");
    e.files.erase("net/snmp6");
    CHECK(take_sample(e, t, notes).has_value());
    e.files.erase("net/netstat");
    auto r = take_sample(e, t, notes);
    REQUIRE(!r);
    CHECK(r.error().message.find("net/netstat") != std::string::npos);
    auto bad = evidence();
    bad.files["net/snmp"] = "Udp: A B\nUdp: 1\n";
    auto r2 = take_sample(bad, t, notes);
    REQUIRE(!r2);
    CHECK(r2.error().message.find("'/proc/net/snmp' line 2") != std::string::npos);
}

TEST_CASE("every finding id is documented in sysknob(8)")
{
    auto man = util::read_file(std::string(SYSKNOB_SOURCE_DIR) + "/man/sysknob.8", 1 << 20);
    REQUIRE(man);
    for (const auto& k : finding_kinds())
        CHECK_MESSAGE(man->find(k.id) != std::string::npos, k.id);
}
