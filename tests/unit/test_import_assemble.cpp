// sysctl.d files -> imported settings: later wins with the earlier value
// reported where it stands, what a profile cannot hold is reported, values
// read as sysctl reads them, comments kept.
#include <algorithm>
#include <doctest/doctest.h>

#include "import/sysctl_files.hpp"

using namespace sysknob;
using import::FindingKind;
using import::SourceFile;

namespace {

const import::ImportedSetting* find(const import::Imported& in, const std::string& key)
{
    for (const auto& s : in.settings)
        if (s.key == key) return &s;
    return nullptr;
}

size_t count(const import::Imported& in, FindingKind kind)
{
    return static_cast<size_t>(
        std::count_if(in.findings.begin(), in.findings.end(), [&](const auto& f) { return f.kind == kind; }));
}

}  // namespace

TEST_CASE("the later file wins and the earlier assignment is reported as a conflict at its line")
{
    auto in = import::import_sysctl_files({
        SourceFile{"/etc/sysctl.d/10-a.conf", "# routing\nnet.ipv4.ip_forward = 0\nnet.ipv4.tcp_syncookies=1\n"},
        SourceFile{"/etc/sysctl.d/20-b.conf", "net/ipv4/ip_forward = 1\nnet.ipv4.tcp_syncookies = 1\n"},
    });
    const auto* fwd = find(in, "net.ipv4.ip_forward");
    REQUIRE(fwd);
    CHECK(fwd->value == model::Value::of_integer(1));
    CHECK(fwd->file == "/etc/sysctl.d/20-b.conf");
    CHECK(fwd->line == 1);
    REQUIRE(count(in, FindingKind::conflict) == 1);  // the same value twice is no conflict
    const auto& c = in.findings[0];
    CHECK(c.file == "/etc/sysctl.d/10-a.conf");
    CHECK(c.line == 2);
    CHECK(c.message.find("overridden by '1' at /etc/sysctl.d/20-b.conf:1") != std::string::npos);
}

TEST_CASE("ignore-failure lines become optional, comments above a block of keys are kept")
{
    auto in = import::import_sysctl_files({SourceFile{"f.conf", "## Harden the stack\n"
                                                                "# against spoofing\n"
                                                                "net.ipv4.conf.all.rp_filter = 1\n"
                                                                "-net.ipv4.conf.default.rp_filter = 1\n"
                                                                "\n"
                                                                "net.core.somaxconn = 4096\n"}});
    REQUIRE(in.settings.size() == 3);
    CHECK(in.settings[0].comment == "Harden the stack against spoofing");
    CHECK(!in.settings[0].optional);
    CHECK(in.settings[1].comment == "Harden the stack against spoofing");
    CHECK(in.settings[1].optional);
    CHECK(in.settings[2].comment.empty());
}

TEST_CASE("values are read as sysctl reads them")
{
    auto in = import::import_sysctl_files({SourceFile{"f.conf", "net.ipv4.tcp_rmem = 4096\t87380   6291456\n"
                                                                "net.ipv4.tcp_congestion_control = bbr\n"
                                                                "kernel.core_pattern = |/bin/x  %p   %u\n"
                                                                "net.core.somaxconn = 010\n"
                                                                "vm.max_map_count = 0x10\n"
                                                                "net.ipv4.ip_local_port_range = 1024 65000\n"}});
    REQUIRE(in.settings.size() == 6);
    CHECK(in.settings[0].value == model::Value::of_vector({4096, 87380, 6291456}));
    CHECK(in.settings[1].value == model::Value::of_string("bbr"));
    CHECK(in.settings[2].value == model::Value::of_string("|/bin/x %p %u"));
    // The kernel parses "010" as octal 8 and "0x10" as 16: kept as text.
    CHECK(in.settings[3].value == model::Value::of_string("010"));
    CHECK(in.settings[4].value == model::Value::of_string("0x10"));
    CHECK(in.settings[5].value == model::Value::of_vector({1024, 65000}));
}

TEST_CASE("what a profile cannot hold is reported, never silently dropped")
{
    auto in = import::import_sysctl_files({SourceFile{"f.conf", "net.ipv4.conf.*.rp_filter = 2\n"
                                                                "net.ipv4.conf.eth*.rp_filter = 1\n"
                                                                "-net.ipv4.conf.lo.rp_filter\n"
                                                                "kernel.domainname =\n"
                                                                "this line is junk\n"
                                                                "net.ipv4 = 1\n"
                                                                "net.ipv4.ip_forward = 1\n"}});
    CHECK(find(in, "net.ipv4.conf.*.rp_filter"));
    CHECK(find(in, "net.ipv4.ip_forward"));
    CHECK(in.settings.size() == 2);
    REQUIRE(count(in, FindingKind::not_imported) == 5);
    std::vector<int> lines;
    for (const auto& f : in.findings)
        lines.push_back(f.line);
    std::sort(lines.begin(), lines.end());
    CHECK(lines == std::vector<int>{2, 3, 4, 5, 6});
}

TEST_CASE("an exclusion after an assignment cancels it at boot and is reported")
{
    auto in = import::import_sysctl_files({SourceFile{"a.conf", "net.ipv4.conf.lo.rp_filter = 1\n"},
                                           SourceFile{"b.conf", "-net.ipv4.conf.lo.rp_filter\n"}});
    CHECK(in.settings.empty());
    CHECK(count(in, FindingKind::conflict) == 1);
    CHECK(count(in, FindingKind::not_imported) == 1);
}

TEST_CASE("--boot reads the files systemd-sysctl reads, in its order, masks honoured")
{
    std::vector<boot::ConfigFile> files = {
        {"/usr/lib/sysctl.d", "50-default.conf", "net.ipv4.conf.all.rp_filter = 2\n", false},
        {"/etc/sysctl.d", "50-default.conf", "net.ipv4.conf.all.rp_filter = 1\n", false},
        {"/usr/lib/sysctl.d", "10-x.conf", "net.core.somaxconn = 1024\n", false},
        {"/etc/sysctl.d", "10-x.conf", "", true},
        {"/etc/sysctl.d", "99-z.conf", "net.core.somaxconn = 2048\n", false},
    };
    auto model = boot::build_boot_model(files);
    auto sources = import::boot_sources(model, files);
    REQUIRE(sources.size() == 2);
    CHECK(sources[0].path == "/etc/sysctl.d/50-default.conf");
    CHECK(sources[1].path == "/etc/sysctl.d/99-z.conf");
    auto in = import::import_sysctl_files(sources);
    REQUIRE(in.settings.size() == 2);
    CHECK(in.settings[0].value == model::Value::of_integer(1));
    CHECK(in.settings[1].value == model::Value::of_integer(2048));
}
