#include <cstdlib>
#include <doctest/doctest.h>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "kernel/catalogue.hpp"
#include "kernel/target.hpp"
#include "model/diagnostic.hpp"
#include "profile/lint.hpp"
#include "profile/loader.hpp"
#include "profile/rules.hpp"
#include "support/fake_sysctl_tree.hpp"

using namespace sysknob;
using model::Diagnostic;
using model::Diagnostics;
using model::Severity;
using test::FakeSysctlTree;

namespace {

struct Scratch {
    std::string dir;
    Scratch()
    {
        std::string t = (std::filesystem::temp_directory_path() / "sysknob-lint-XXXXXX").string();
        REQUIRE(::mkdtemp(t.data()) != nullptr);
        dir = t;
    }
    ~Scratch() { std::filesystem::remove_all(dir); }
    Scratch(const Scratch&) = delete;
    Scratch& operator=(const Scratch&) = delete;

    std::string write(const std::string& name, const std::string& text) const
    {
        std::string path = dir + "/" + name;
        std::ofstream(path, std::ios::binary) << text;
        return path;
    }
};

// A live tree holding every catalogue key that still exists (interface
// families over all, default, lo and eth0), all writable.
FakeSysctlTree catalogue_tree()
{
    FakeSysctlTree t;
    for (const auto& p : kernel::catalogue()) {
        if (!p.removed_in.empty() || !p.replaced_by.empty()) continue;
        std::string value = p.type == kernel::ParamType::string ? "x" : "0";
        for (int i = 1; i < p.arity; ++i)
            value += "\t0";
        std::string key(p.key);
        auto star = key.find('*');
        if (star == std::string::npos) {
            t.set(key, value);
            continue;
        }
        for (const char* dev : {"all", "default", "lo", "eth0"})
            t.set(key.substr(0, star) + dev + key.substr(star + 1), value);
    }
    return t;
}

kernel::Target live_target(FakeSysctlTree& tree)
{
    kernel::Target t;
    t.release = "6.1.0-13-amd64";
    t.live = true;
    t.tree = &tree;
    t.available_congestion_control = {"reno", "cubic", "bbr"};
    return t;
}

kernel::Target offline_target(const std::string& release)
{
    kernel::Target t;
    t.release = release;
    t.live = false;
    return t;
}

// Loads <dir>/NAME.toml (after writing the extra files) and, when it loads
// without errors, lints it: what `sysknob lint` reports.
Diagnostics lint_in(const Scratch& s, const std::string& toml, const kernel::Target& target,
                    const std::string& name = "case")
{
    std::string path = s.write(name + ".toml", toml);
    auto loaded = profile::load_profiles({path}, {s.dir});
    Diagnostics out = loaded.diagnostics;
    if (!model::has_errors(out))
        for (auto& d : profile::lint(loaded.resolved, target))
            out.push_back(std::move(d));
    return out;
}

std::vector<const Diagnostic*> with_id(const Diagnostics& ds, std::string_view id)
{
    std::vector<const Diagnostic*> out;
    for (const auto& d : ds)
        if (d.id == id) out.push_back(&d);
    return out;
}

std::string dump(const Diagnostics& ds)
{
    std::string out;
    for (const auto& d : ds)
        out += model::render_diagnostic(d);
    return out.empty() ? "(no diagnostics)" : out;
}

enum class Mode { live, offline };

struct Case {
    std::string id;
    std::string toml;
    Mode mode = Mode::live;
    std::string release = "6.1";  // offline target
    std::function<void(FakeSysctlTree&, kernel::Target&)> setup = {};
    std::vector<std::pair<std::string, std::string>> files = {};  // other profiles in the directory
};

struct Firing : Case {
    Severity severity = Severity::error;
    std::string key;  // expected diagnostic key ("" for file-level rules)
    int line = 0;     // expected line (0: the whole file)
};

Diagnostics run(const Case& c, const Scratch& s)
{
    auto tree = catalogue_tree();
    auto target = c.mode == Mode::live ? live_target(tree) : offline_target(c.release);
    if (c.setup) c.setup(tree, target);
    for (const auto& [name, text] : c.files)
        s.write(name, text);
    return lint_in(s, c.toml, target);
}

void without_conntrack(FakeSysctlTree& t, kernel::Target&)
{
    std::erase_if(t.values, [](const auto& kv) { return kv.first.rfind("net.netfilter.", 0) == 0; });
}

Firing fires(std::string id, Severity sev, std::string key, int line, std::string toml, Mode mode = Mode::live,
             std::string release = "6.1", std::function<void(FakeSysctlTree&, kernel::Target&)> setup = {},
             std::vector<std::pair<std::string, std::string>> files = {})
{
    Firing f;
    f.id = std::move(id);
    f.toml = std::move(toml);
    f.mode = mode;
    f.release = std::move(release);
    f.setup = std::move(setup);
    f.files = std::move(files);
    f.severity = sev;
    f.key = std::move(key);
    f.line = line;
    return f;
}

Case quiet(std::string id, std::string toml, Mode mode = Mode::live, std::string release = "6.1",
           std::function<void(FakeSysctlTree&, kernel::Target&)> setup = {},
           std::vector<std::pair<std::string, std::string>> files = {})
{
    return Case{std::move(id), std::move(toml), mode, std::move(release), std::move(setup), std::move(files)};
}

const auto E = Severity::error;
const auto W = Severity::warning;
const auto I = Severity::info;

const std::vector<Firing>& firing_cases()
{
    static const std::vector<Firing> cases = {
        fires("SK0001", E, "", 2, "[sysctl]\nnet.core.somaxconn = \n"),
        fires("SK0002", E, "", 0, "[sysctl]\nnet.ipv4.tcp_congestion_control = \"\xff\xfe\"\n"),
        fires("SK0003", E, "", 3, "[profile]\nname = \"x\"\n[firewall]\nallow = 1\n"),
        fires("SK0004", E, "net.core.somaxconn", 2,
              "[sysctl]\nnet.core.somaxconn = { value = 1024, optinal = true }\n"),
        fires("SK0005", E, "net.ipv4.conf..rp_filter", 2, "[sysctl]\nnet.ipv4.conf.\"\".rp_filter = 1\n"),
        fires("SK0006", E, "net.ipv4.tcp_congestion_control", 2,
              "[sysctl]\nnet.ipv4.tcp_congestion_control = \"bbr\\nkernel.panic = 1\"\n"),
        fires("SK0007", E, "net.ipv4.ip_forward", 2, "[sysctl]\nnet.ipv4.ip_forward = true\n"),
        fires("SK0008", E, "", 2, "[profile]\nextends = [\"ghost\"]\n[sysctl]\nnet.core.somaxconn = 1024\n"),
        fires("SK0009", E, "", 2, "[lint]\nignore = [\"SK9999\"]\n"),
        fires("SK0010", E, "", 2, "[modules.nf_conntrack]\nhashsize = \"1 2\"\n"),
        fires("SK0011", E, "", 2, "[profile]\nname = \"other\"\n[sysctl]\nnet.core.somaxconn = 1024\n"),
        fires("SK1001", E, "net.core.somaxcon", 2, "[sysctl]\nnet.core.somaxcon = 1024\n"),
        fires("SK1002", E, "net.core.somaxconn", 2, "[sysctl]\nnet.core.somaxconn = \"lots\"\n"),
        fires("SK1003", E, "net.ipv4.tcp_rmem", 2, "[sysctl]\nnet.ipv4.tcp_rmem = [4096, 131072]\n"),
        fires("SK1004", E, "net.ipv4.tcp_syn_retries", 2, "[sysctl]\nnet.ipv4.tcp_syn_retries = 0\n"),
        fires("SK1005", E, "net.netfilter.nf_conntrack_tcp_loose", 2,
              "[sysctl]\nnet.netfilter.nf_conntrack_tcp_loose = 1\n[modules.nf_conntrack]\nload = false\n", Mode::live,
              "", without_conntrack),
        fires("SK1006", W, "net.core.rmem_max", 2, "[sysctl]\nnet.core.rmem_max = 8388608\n", Mode::live, "",
              [](FakeSysctlTree& t, kernel::Target&) { t.read_only.insert("net.core.rmem_max"); }),
        fires("SK1007", W, "net.ipv4.tcp_sack", 2, "[sysctl]\nnet.ipv4.tcp_sack = 2\n"),
        fires("SK1008", W, "vm.swappiness", 2, "[sysctl]\nvm.swappiness = 10\n", Mode::offline, "6.1",
              [](FakeSysctlTree&, kernel::Target& t) { t.container = true; }),
        fires("SK2001", E, "net.ipv4.tcp_tw_recycle", 2, "[sysctl]\nnet.ipv4.tcp_tw_recycle = 0\n", Mode::offline,
              "5.4"),
        fires("SK2002", E, "net.ipv4.ip_unprivileged_port_start", 2,
              "[sysctl]\nnet.ipv4.ip_unprivileged_port_start = 1024\n", Mode::offline, "4.9"),
        fires("SK2003", W, "net.ipv4.tcp_fack", 2, "[sysctl]\nnet.ipv4.tcp_fack = 0\n", Mode::offline, "5.4"),
        fires("SK2004", W, "net.ipv4.tcp_tw_reuse", 2, "[sysctl]\nnet.ipv4.tcp_tw_reuse = 2\n", Mode::offline, "4.9"),
        fires("SK2005", E, "net.ipv4.netfilter.ip_conntrack_max", 2,
              "[sysctl]\nnet.ipv4.netfilter.ip_conntrack_max = 65536\n", Mode::offline, "4.4"),
        fires("SK3001", W, "net.ipv4.tcp_tw_recycle", 2, "[sysctl]\nnet.ipv4.tcp_tw_recycle = 1\n", Mode::offline,
              "4.4"),
        fires("SK3002", E, "net.ipv4.ip_local_port_range", 2,
              "[sysctl]\nnet.ipv4.ip_local_port_range = [65000, 1024]\n"),
        fires("SK3003", W, "net.ipv4.ip_local_reserved_ports", 3,
              "[sysctl]\nnet.ipv4.ip_local_port_range = [32768, 60999]\n"
              "net.ipv4.ip_local_reserved_ports = \"30000-61000\"\n"),
        fires("SK3004", W, "net.netfilter.nf_conntrack_max", 2,
              "[sysctl]\nnet.netfilter.nf_conntrack_max = 1048576\n[modules.nf_conntrack]\nhashsize = 16384\n",
              Mode::offline, "6.1"),
        fires("SK3005", W, "net.netfilter.nf_conntrack_max", 2,
              "[sysctl]\nnet.netfilter.nf_conntrack_max = 1048576\n[modules.nf_conntrack]\nhashsize = \"auto\"\n",
              Mode::offline, "6.1", [](FakeSysctlTree&, kernel::Target& t) { t.mem_total_bytes = 256ull << 20; }),
        fires("SK3006", W, "net.ipv4.tcp_fin_timeout", 2, "[sysctl]\nnet.ipv4.tcp_fin_timeout = 5\n"),
        fires("SK3007", W, "net.ipv4.tcp_congestion_control", 2,
              "[sysctl]\nnet.ipv4.tcp_congestion_control = \"bbr\"\n", Mode::live, "",
              [](FakeSysctlTree&, kernel::Target& t) {
                  t.available_congestion_control = {"reno", "cubic"};
              }),
        fires("SK3009", E, "net.ipv4.ip_local_port_range", 2,
              "[sysctl]\nnet.ipv4.ip_local_port_range = [1000, 60999]\n", Mode::offline, "6.1"),
        fires("SK3010", W, "net.ipv4.tcp_max_syn_backlog", 2, "[sysctl]\nnet.ipv4.tcp_max_syn_backlog = 16384\n",
              Mode::offline, "6.1"),
        fires("SK3011", W, "net.ipv4.ip_local_port_range", 2,
              "[sysctl]\nnet.ipv4.ip_local_port_range = [10240, 65000]\n"),
        fires("SK3012", W, "net.ipv4.tcp_tw_reuse", 2,
              "[sysctl]\nnet.ipv4.tcp_tw_reuse = 1\nnet.ipv4.tcp_timestamps = 0\n"),
        fires("SK3013", W, "net.ipv6.conf.all.accept_redirects", 2,
              "[sysctl]\nnet.ipv6.conf.all.accept_redirects = 0\nnet.ipv6.conf.default.accept_redirects = 0\n"),
        fires("SK3014", W, "fs.file-max", 2, "[sysctl]\nfs.file-max = 1000\n", Mode::live, "",
              [](FakeSysctlTree&, kernel::Target& t) { t.machine.files_in_use = 5000; }),
        fires("SK3015", W, "kernel.pid_max", 2, "[sysctl]\nkernel.pid_max = 32768\n", Mode::live, "",
              [](FakeSysctlTree&, kernel::Target& t) { t.machine.highest_pid = 40000; }),
        fires("SK3016", W, "vm.nr_hugepages", 2, "[sysctl]\nvm.nr_hugepages = 4096\n", Mode::offline, "6.1",
              [](FakeSysctlTree&, kernel::Target& t) { t.machine.mem_total_bytes = 4ull << 30; }),
        fires("SK3017", W, "vm.min_free_kbytes", 2, "[sysctl]\nvm.min_free_kbytes = 1048576\n", Mode::offline, "6.1",
              [](FakeSysctlTree&, kernel::Target& t) { t.machine.mem_total_bytes = 8ull << 30; }),
        fires("SK3018", W, "vm.overcommit_memory", 2,
              "[sysctl]\nvm.overcommit_memory = 2\nvm.overcommit_ratio = 10\n", Mode::live, "",
              [](FakeSysctlTree&, kernel::Target& t) {
                  t.machine.mem_total_bytes = 8ull << 30;
                  t.machine.swap_total_bytes = 0;
                  t.machine.committed_as_bytes = 4ull << 30;
              }),
        fires("SK3019", I, "fs.file-max", 2, "[sysctl]\nfs.file-max = 1000000\n", Mode::offline, "6.1"),
        fires("SK3008", I, "net.netfilter.nf_conntrack_tcp_loose", 2,
              "[sysctl]\nnet.netfilter.nf_conntrack_tcp_loose = { value = 1, optional = true }\n", Mode::live, "",
              without_conntrack),
    };
    return cases;
}

const std::vector<Case>& quiet_cases()
{
    static const std::vector<Case> cases = {
        quiet("SK0001", "[profile]\ndescription = \"ok\"\n[sysctl]\nnet.core.somaxconn = 1024\n"),
        quiet("SK0002", "[profile]\ndescription = \"Größe: 1 MiB – ok\"\n[sysctl]\nnet.core.somaxconn = 1024\n"),
        quiet("SK0003", "[profile]\nname = \"case\"\n[sysctl]\nnet.core.somaxconn = 1024\n[modules.nf_conntrack]\n"
                        "load = true\n[lint]\nignore = []\n"),
        quiet("SK0004", "[sysctl]\nnet.core.somaxconn = { value = 1024, comment = \"why\", optional = false }\n"),
        quiet("SK0005", "[sysctl]\nnet.ipv4.conf.\"*\".rp_filter = 1\nnet.ipv4.conf.eth0.rp_filter = 2\n"),
        quiet("SK0006", "[sysctl]\nnet.ipv4.tcp_congestion_control = { value = \"cubic\", comment = \"a\\tb\" }\n"),
        quiet("SK0007", "[sysctl]\nnet.ipv4.ip_forward = 1\nnet.ipv4.tcp_congestion_control = \"cubic\"\n"
                        "net.ipv4.tcp_rmem = [4096, 131072, 6291456]\n"),
        quiet("SK0008", "[profile]\nextends = [\"parent\"]\n[sysctl]\nnet.core.somaxconn = 1024\n", Mode::live, "", {},
              {{"parent.toml", "[sysctl]\nnet.ipv4.tcp_sack = 1\n"}}),
        quiet("SK0009", "[lint]\nignore = [\"SK3006\"]\n[sysctl]\nnet.core.somaxconn = 1024\n"),
        quiet("SK0010",
              "[modules.nf_conntrack]\nhashsize = \"auto\"\nload = true\n[modules.br_netfilter]\nload = true\n"),
        quiet("SK0011", "[profile]\nname = \"case\"\n[sysctl]\nnet.core.somaxconn = 1024\n"),
        quiet("SK1001", "[sysctl]\nnet.core.somaxconn = 1024\n"),
        quiet("SK1002", "[sysctl]\nnet.core.somaxconn = 1024\nnet.ipv4.tcp_congestion_control = \"cubic\"\n"),
        quiet("SK1003", "[sysctl]\nnet.ipv4.tcp_rmem = [4096, 131072, 6291456]\n"),
        quiet("SK1004", "[sysctl]\nnet.ipv4.tcp_sack = 2\nnet.ipv4.ip_local_port_range = [1024, 65535]\n"
                        "net.ipv4.tcp_keepalive_time = -1\n"),
        quiet("SK1005", "[sysctl]\nnet.netfilter.nf_conntrack_tcp_loose = 1\n"),
        quiet("SK1006", "[sysctl]\nnet.core.rmem_max = 8388608\n"),
        quiet("SK1007", "[sysctl]\nnet.ipv4.tcp_sack = 1\nnet.ipv4.tcp_fastopen = 3\n"),
        quiet("SK1008", "[sysctl]\nvm.swappiness = 10\nnet.ipv4.tcp_sack = 1\n", Mode::offline, "6.1"),
        quiet("SK2001", "[sysctl]\nnet.ipv4.tcp_tw_recycle = 0\n", Mode::offline, "4.4"),
        quiet("SK2002", "[sysctl]\nnet.ipv4.ip_unprivileged_port_start = 1024\n", Mode::offline, "4.11"),
        quiet("SK2003", "[sysctl]\nnet.ipv4.tcp_fack = 0\n", Mode::offline, "4.14"),
        quiet("SK2004", "[sysctl]\nnet.core.somaxconn = 4096\nnet.ipv4.tcp_tw_reuse = 1\n", Mode::offline, "4.19"),
        quiet("SK2005", "[sysctl]\nnet.netfilter.nf_conntrack_max = 65536\n", Mode::offline, "4.4"),
        quiet("SK3001", "[sysctl]\nnet.ipv4.tcp_tw_recycle = 1\nnet.ipv4.tcp_timestamps = 0\n", Mode::offline, "4.4"),
        quiet("SK3002", "[sysctl]\nnet.ipv4.ip_local_port_range = [1024, 65535]\n"),
        quiet("SK3003", "[sysctl]\nnet.ipv4.ip_local_port_range = [32768, 60999]\n"
                        "net.ipv4.ip_local_reserved_ports = \"50000-50010,55555\"\n"),
        quiet("SK3004",
              "[sysctl]\nnet.netfilter.nf_conntrack_max = 1048576\n[modules.nf_conntrack]\nhashsize = \"auto\"\n",
              Mode::offline, "6.1"),
        quiet("SK3005", "[sysctl]\nnet.netfilter.nf_conntrack_max = 1048576\n", Mode::offline, "6.1",
              [](FakeSysctlTree&, kernel::Target& t) { t.mem_total_bytes = 64ull << 30; }),
        quiet("SK3006", "[sysctl]\nnet.ipv4.tcp_fin_timeout = 30\nnet.ipv4.tcp_keepalive_time = 600\n"
                        "net.ipv4.tcp_keepalive_probes = 3\nnet.ipv4.tcp_keepalive_intvl = 5\n"),
        quiet("SK3007", "[sysctl]\nnet.ipv4.tcp_congestion_control = \"cubic\"\n"),
        quiet("SK3008", "[sysctl]\nnet.netfilter.nf_conntrack_tcp_loose = { value = 1, optional = true }\n"),
        quiet("SK3009", "[sysctl]\nnet.ipv4.ip_local_port_range = [1000, 60999]\nnet.ipv4.ip_unprivileged_port_start = 1000\n",
              Mode::offline, "6.1"),
        quiet("SK3010", "[sysctl]\nnet.ipv4.tcp_max_syn_backlog = 16384\nnet.ipv4.tcp_syncookies = 0\n", Mode::offline,
              "6.1"),
        quiet("SK3011", "[sysctl]\nnet.ipv4.ip_local_port_range = [10240, 65535]\n"),
        quiet("SK3012", "[sysctl]\nnet.ipv4.tcp_tw_reuse = 1\nnet.ipv4.tcp_timestamps = 1\n"),
        quiet("SK3013", "[sysctl]\nnet.ipv6.conf.\"*\".accept_redirects = 0\nnet.ipv4.conf.all.accept_source_route = 0\n"
                        "net.ipv4.conf.all.rp_filter = 2\n"),
        quiet("SK3014", "[sysctl]\nfs.file-max = 1000000\n", Mode::live, "",
              [](FakeSysctlTree&, kernel::Target& t) { t.machine.files_in_use = 5000; }),
        quiet("SK3015", "[sysctl]\nkernel.pid_max = 4194304\n", Mode::live, "",
              [](FakeSysctlTree&, kernel::Target& t) { t.machine.highest_pid = 40000; }),
        quiet("SK3016", "[sysctl]\nvm.nr_hugepages = 512\n", Mode::offline, "6.1",
              [](FakeSysctlTree&, kernel::Target& t) { t.machine.mem_total_bytes = 4ull << 30; }),
        quiet("SK3017", "[sysctl]\nvm.min_free_kbytes = 131072\n", Mode::offline, "6.1",
              [](FakeSysctlTree&, kernel::Target& t) { t.machine.mem_total_bytes = 8ull << 30; }),
        quiet("SK3018", "[sysctl]\nvm.overcommit_memory = 2\nvm.overcommit_ratio = 80\n", Mode::live, "",
              [](FakeSysctlTree&, kernel::Target& t) {
                  t.machine.mem_total_bytes = 8ull << 30;
                  t.machine.swap_total_bytes = 0;
                  t.machine.committed_as_bytes = 4ull << 30;
              }),
        quiet("SK3019", "[sysctl]\nvm.min_free_kbytes = 131072\n", Mode::offline, "6.1",
              [](FakeSysctlTree&, kernel::Target& t) { t.machine.mem_total_bytes = 8ull << 30; }),
    };
    return cases;
}

}  // namespace

TEST_CASE("every lint rule has a profile that makes it fire and one that keeps it quiet")
{
    std::set<std::string> firing, quiet_ids;
    for (const auto& c : firing_cases())
        firing.insert(c.id);
    for (const auto& c : quiet_cases())
        quiet_ids.insert(c.id);
    for (const auto& r : profile::rules()) {
        CAPTURE(r.id);
        CHECK(firing.count(std::string(r.id)) == 1);
        CHECK(quiet_ids.count(std::string(r.id)) == 1);
    }
}

TEST_CASE("each rule reports its id, severity, file, line and key")
{
    for (const auto& c : firing_cases()) {
        CAPTURE(c.id);
        Scratch s;
        auto ds = run(c, s);
        INFO(dump(ds));
        auto hits = with_id(ds, c.id);
        CHECK(hits.size() >= 1);
        if (hits.empty()) continue;
        const Diagnostic& d = *hits.front();
        CHECK(d.severity == c.severity);
        CHECK(d.where.file == s.dir + "/case.toml");
        CHECK(d.where.line == c.line);
        CHECK(d.key == c.key);
        CHECK_FALSE(d.message.empty());
        if (c.line > 0) CHECK(d.where.column >= 1);
    }
}

TEST_CASE("a good profile stays quiet for each rule")
{
    for (const auto& c : quiet_cases()) {
        CAPTURE(c.id);
        Scratch s;
        auto ds = run(c, s);
        INFO(dump(ds));
        CHECK(with_id(ds, c.id).empty());
        CHECK_FALSE(model::has_errors(ds));
    }
}

TEST_CASE("an unknown key suggests the closest known name")
{
    Scratch s;
    auto tree = catalogue_tree();
    auto ds = lint_in(s, "[sysctl]\nnet.core.somaxcon = 1024\n", live_target(tree));
    auto hits = with_id(ds, "SK1001");
    REQUIRE(hits.size() == 1);
    CHECK(hits[0]->message == "unknown key 'net.core.somaxcon'");
    CHECK(hits[0]->hint == "did you mean 'net.core.somaxconn'?");
}

TEST_CASE("an unknown key offline is still caught and suggested from the catalogue")
{
    Scratch s;
    auto ds = lint_in(s, "[sysctl]\nnet.ipv4.tcp_keepalive_tme = 600\n", offline_target("5.15"));
    auto hits = with_id(ds, "SK1001");
    REQUIRE(hits.size() == 1);
    CHECK(hits[0]->hint == "did you mean 'net.ipv4.tcp_keepalive_time'?");
}

TEST_CASE("a key outside the catalogue that the live kernel has is accepted")
{
    Scratch s;
    auto tree = catalogue_tree();
    tree.set("net.ipv4.tcp_pacing_ss_ratio", "200");
    auto ds = lint_in(s, "[sysctl]\nnet.ipv4.tcp_pacing_ss_ratio = 150\n", live_target(tree));
    CHECK(ds.empty());
}

TEST_CASE("a key of a module the profile loads is checked against the catalogue, not reported missing")
{
    Scratch s;
    auto tree = catalogue_tree();
    auto target = live_target(tree);
    without_conntrack(tree, target);
    // Implied by the key alone, and listed explicitly: apply loads it first.
    for (const char* text : {"[sysctl]\nnet.netfilter.nf_conntrack_tcp_loose = 1\n",
                             "[sysctl]\nnet.netfilter.nf_conntrack_tcp_loose = 1\n[modules.nf_conntrack]\nload = true\n"}) {
        CAPTURE(text);
        auto ds = lint_in(s, text, target);
        CHECK(with_id(ds, "SK1005").empty());
        CHECK_FALSE(model::has_errors(ds));
    }
    // The catalogue still judges the value.
    auto bad = lint_in(s, "[sysctl]\nnet.netfilter.nf_conntrack_tcp_loose = 7\n", target);
    CHECK(with_id(bad, "SK1004").size() == 1);
}

TEST_CASE("a key of a module the profile refuses to load is missing, and the hint names the lines to add")
{
    Scratch s;
    auto tree = catalogue_tree();
    auto target = live_target(tree);
    without_conntrack(tree, target);
    auto ds = lint_in(s, "[sysctl]\nnet.netfilter.nf_conntrack_tcp_loose = 1\n[modules.nf_conntrack]\nload = false\n",
                      target);
    auto hits = with_id(ds, "SK1005");
    REQUIRE(hits.size() == 1);
    CHECK(hits[0]->message.find("module 'nf_conntrack' is not loaded") != std::string::npos);
    CHECK(hits[0]->hint.find("[modules.nf_conntrack]\nload = true") != std::string::npos);
}

TEST_CASE("an optional key absent on the live kernel is only an info note")
{
    Scratch s;
    auto tree = catalogue_tree();
    auto target = live_target(tree);
    without_conntrack(tree, target);
    auto ds = lint_in(s, "[sysctl]\nnet.netfilter.nf_conntrack_tcp_loose = { value = 1, optional = true }\n", target);
    REQUIRE(ds.size() == 1);
    CHECK(ds[0].id == "SK3008");
    CHECK(ds[0].severity == Severity::info);
    CHECK_FALSE(model::has_errors(ds));
}

TEST_CASE("a read-only key is a warning, not an error")
{
    Scratch s;
    auto tree = catalogue_tree();
    tree.read_only.insert("net.core.rmem_max");
    auto ds = lint_in(s, "[sysctl]\nnet.core.rmem_max = 8388608\n", live_target(tree));
    REQUIRE(ds.size() == 1);
    CHECK(ds[0].id == "SK1006");
    CHECK(ds[0].message == "'net.core.rmem_max' is read-only in this network namespace");
    CHECK_FALSE(model::has_errors(ds));
}

TEST_CASE("tcp_tw_recycle is refused on 4.12 and later and allowed on 4.4")
{
    Scratch s;
    const std::string p = "[sysctl]\nnet.ipv4.tcp_tw_recycle = 0\n";
    for (const char* release : {"4.12", "5.4", "6.1.0-13-amd64"}) {
        CAPTURE(release);
        auto ds = lint_in(s, p, offline_target(release));
        auto hits = with_id(ds, "SK2001");
        REQUIRE(hits.size() == 1);
        CHECK(hits[0]->message.find("removed in Linux 4.12") != std::string::npos);
        CHECK(hits[0]->hint.find("tcp_tw_reuse") != std::string::npos);
    }
    for (const char* release : {"4.4", "4.11.12"}) {
        CAPTURE(release);
        CHECK(lint_in(s, p, offline_target(release)).empty());
    }
}

TEST_CASE("tcp_tw_recycle on with timestamps on warns about clients behind NAT")
{
    Scratch s;
    auto with_ts =
        lint_in(s, "[sysctl]\nnet.ipv4.tcp_tw_recycle = 1\nnet.ipv4.tcp_timestamps = 1\n", offline_target("4.4"));
    REQUIRE(with_id(with_ts, "SK3001").size() == 1);
    CHECK(with_id(with_ts, "SK3001")[0]->message.find("NAT") != std::string::npos);
    auto no_ts =
        lint_in(s, "[sysctl]\nnet.ipv4.tcp_tw_recycle = 1\nnet.ipv4.tcp_timestamps = 0\n", offline_target("4.4"));
    CHECK(with_id(no_ts, "SK3001").empty());
}

TEST_CASE("a key newer than the target kernel is refused, or skipped when optional")
{
    Scratch s;
    auto ds = lint_in(s, "[sysctl]\nnet.ipv4.tcp_tw_reuse_delay = 1000\n", offline_target("6.1"));
    auto hits = with_id(ds, "SK2002");
    REQUIRE(hits.size() == 1);
    CHECK(hits[0]->message == "'net.ipv4.tcp_tw_reuse_delay' first appeared in Linux 6.14 (target 6.1)");
    auto opt = lint_in(s, "[sysctl]\nnet.ipv4.tcp_tw_reuse_delay = { value = 1000, optional = true }\n",
                       offline_target("6.1"));
    REQUIRE(opt.size() == 1);
    CHECK(opt[0].id == "SK3008");
    CHECK(lint_in(s, "[sysctl]\nnet.ipv4.tcp_tw_reuse_delay = 1000\n", offline_target("6.14")).empty());
}

TEST_CASE("a legacy ip_conntrack name points at its nf_conntrack replacement")
{
    Scratch s;
    auto ds = lint_in(s, "[sysctl]\nnet.ipv4.netfilter.ip_conntrack_max = 65536\n", offline_target("4.4"));
    REQUIRE(ds.size() == 1);
    CHECK(ds[0].id == "SK2005");
    CHECK(ds[0].hint == "use 'net.netfilter.nf_conntrack_max'");
}

TEST_CASE("a reversed port range suggests the swapped one")
{
    Scratch s;
    auto tree = catalogue_tree();
    auto ds = lint_in(s, "[sysctl]\nnet.ipv4.ip_local_port_range = [65000, 1024]\n", live_target(tree));
    auto hits = with_id(ds, "SK3002");
    REQUIRE(hits.size() == 1);
    CHECK(hits[0]->hint == "write [1024, 65000]");
}

TEST_CASE("reserved ports covering the whole range or lying outside it are flagged")
{
    Scratch s;
    auto tree = catalogue_tree();
    auto all = lint_in(s,
                       "[sysctl]\nnet.ipv4.ip_local_port_range = [40000, 40009]\n"
                       "net.ipv4.ip_local_reserved_ports = \"40000-40004, 40005-40009\"\n",
                       live_target(tree));
    REQUIRE(with_id(all, "SK3003").size() == 1);
    CHECK(with_id(all, "SK3003")[0]->message.find("whole") != std::string::npos);
    auto outside = lint_in(s,
                           "[sysctl]\nnet.ipv4.ip_local_port_range = [40000, 40009]\n"
                           "net.ipv4.ip_local_reserved_ports = \"8080,9000-9100\"\n",
                           live_target(tree));
    REQUIRE(with_id(outside, "SK3003").size() == 1);
    CHECK(with_id(outside, "SK3003")[0]->message.find("no effect") != std::string::npos);
    auto one_free = lint_in(s,
                            "[sysctl]\nnet.ipv4.ip_local_port_range = [40000, 40009]\n"
                            "net.ipv4.ip_local_reserved_ports = \"40000-40008\"\n",
                            live_target(tree));
    CHECK(with_id(one_free, "SK3003").empty());
}

TEST_CASE("conntrack max beyond 4 connections (8 hash nodes) per bucket warns, at 4 or with auto hashsize it does not")
{
    Scratch s;
    auto t = offline_target("5.4");
    auto over =
        lint_in(s, "[sysctl]\nnet.netfilter.nf_conntrack_max = 131073\n[modules.nf_conntrack]\nhashsize = 32768\n", t);
    REQUIRE(with_id(over, "SK3004").size() == 1);
    CHECK(with_id(over, "SK3004")[0]->message.find("32768 buckets") != std::string::npos);
    CHECK(with_id(over, "SK3004")[0]->hint.find("hashsize = 131073") != std::string::npos);
    auto at4 =
        lint_in(s, "[sysctl]\nnet.netfilter.nf_conntrack_max = 131072\n[modules.nf_conntrack]\nhashsize = 32768\n", t);
    CHECK(with_id(at4, "SK3004").empty());
    auto auto_ = lint_in(
        s, "[sysctl]\nnet.netfilter.nf_conntrack_max = 4194304\n[modules.nf_conntrack]\nhashsize = \"auto\"\n", t);
    CHECK(with_id(auto_, "SK3004").empty());
    // The profile's nf_conntrack_buckets counts as the hash size too.
    auto buckets = lint_in(
        s, "[sysctl]\nnet.netfilter.nf_conntrack_max = 1048576\nnet.netfilter.nf_conntrack_buckets = 1024\n", t);
    CHECK(with_id(buckets, "SK3004").size() == 1);
}

TEST_CASE("conntrack max is checked against the live hash size when the profile gives none")
{
    Scratch s;
    auto tree = catalogue_tree();
    auto t = live_target(tree);
    t.conntrack_buckets = "16384\n";
    auto ds = lint_in(s, "[sysctl]\nnet.netfilter.nf_conntrack_max = 1048576\n", t);
    CHECK(with_id(ds, "SK3004").size() == 1);
    t.conntrack_buckets = "262144";
    CHECK(with_id(lint_in(s, "[sysctl]\nnet.netfilter.nf_conntrack_max = 1048576\n", t), "SK3004").empty());
}

TEST_CASE("a conntrack table that could use more than a quarter of RAM warns")
{
    Scratch s;
    auto t = offline_target("6.1");
    t.mem_total_bytes = 512ull << 20;  // 512 MiB: a quarter is 128 MiB = ~419430 entries
    auto big = lint_in(s, "[sysctl]\nnet.netfilter.nf_conntrack_max = 1048576\n", t);
    auto hits = with_id(big, "SK3005");
    REQUIRE(hits.size() == 1);
    CHECK(hits[0]->message.find("320 MiB") != std::string::npos);
    CHECK(hits[0]->message.find("512 MiB") != std::string::npos);
    CHECK(with_id(lint_in(s, "[sysctl]\nnet.netfilter.nf_conntrack_max = 262144\n", t), "SK3005").empty());
    t.mem_total_bytes = 0;  // unknown RAM: no guess
    CHECK(with_id(lint_in(s, "[sysctl]\nnet.netfilter.nf_conntrack_max = 1048576\n", t), "SK3005").empty());
}

TEST_CASE("risky TCP and conntrack timers warn with the key that is too short")
{
    Scratch s;
    auto tree = catalogue_tree();
    struct T {
        const char* key;
        int bad, ok;
    };
    for (auto [key, bad, ok] : {T{"net.ipv4.tcp_fin_timeout", 9, 10}, T{"net.ipv4.tcp_keepalive_time", 59, 60},
                                T{"net.ipv4.tcp_keepalive_probes", 2, 3}, T{"net.ipv4.tcp_keepalive_intvl", 4, 5},
                                T{"net.ipv4.tcp_max_tw_buckets", 9999, 10000},
                                T{"net.netfilter.nf_conntrack_tcp_timeout_established", 299, 300}}) {
        CAPTURE(key);
        auto ds = lint_in(s, "[sysctl]\n" + std::string(key) + " = " + std::to_string(bad) + "\n", live_target(tree));
        auto hits = with_id(ds, "SK3006");
        REQUIRE(hits.size() == 1);
        CHECK(hits[0]->key == key);
        CHECK(hits[0]->message == "'" + std::string(key) + "' = " + std::to_string(bad) + " is risky");
        CHECK(
            lint_in(s, "[sysctl]\n" + std::string(key) + " = " + std::to_string(ok) + "\n", live_target(tree)).empty());
    }
}

TEST_CASE("an unavailable congestion control is flagged only on the live kernel")
{
    Scratch s;
    auto tree = catalogue_tree();
    auto t = live_target(tree);
    t.available_congestion_control = {"reno", "cubic"};
    auto ds = lint_in(s, "[sysctl]\nnet.ipv4.tcp_congestion_control = \"bbr\"\n", t);
    auto hits = with_id(ds, "SK3007");
    REQUIRE(hits.size() == 1);
    CHECK(hits[0]->message.find("(reno cubic)") != std::string::npos);
    CHECK(hits[0]->hint.find("tcp_bbr") != std::string::npos);
    CHECK(with_id(lint_in(s, "[sysctl]\nnet.ipv4.tcp_congestion_control = \"bbr\"\n", offline_target("5.15")), "SK3007")
              .empty());
}

TEST_CASE("an out-of-range value names the accepted range")
{
    Scratch s;
    auto tree = catalogue_tree();
    auto ds = lint_in(s, "[sysctl]\nnet.ipv4.ip_local_port_range = [0, 70000]\n", live_target(tree));
    auto hits = with_id(ds, "SK1004");
    REQUIRE(hits.size() == 1);
    CHECK(hits[0]->message ==
          "value 0 of 'net.ipv4.ip_local_port_range' is outside [1, 65535]: the kernel refuses it (EINVAL)");
    CHECK(hits[0]->hint == "the kernel accepts [1, 65535] (port numbers)");
}

TEST_CASE("a value the kernel accepts but that makes no sense is a warning, not an error")
{
    Scratch s;
    auto tree = catalogue_tree();
    // tcp_sack is a u8 (proc_dou8vec_minmax): 2 is stored, 256 is refused.
    auto two = lint_in(s, "[sysctl]\nnet.ipv4.tcp_sack = 2\n", live_target(tree));
    REQUIRE(two.size() == 1);
    CHECK(two[0].id == "SK1007");
    CHECK(two[0].severity == Severity::warning);
    CHECK(two[0].message == "value 2 of 'net.ipv4.tcp_sack' is outside the advised [0, 1]");
    auto big = lint_in(s, "[sysctl]\nnet.ipv4.tcp_sack = 256\n", live_target(tree));
    REQUIRE(with_id(big, "SK1004").size() == 1);
    CHECK(with_id(big, "SK1004")[0]->message.find("[0, 255]") != std::string::npos);
}

TEST_CASE("a default that changed is not reported for a pinned key, a changed meaning is")
{
    Scratch s;
    // somaxconn's default went from 128 to 4096 in 5.4: 4096 pinned means 4096 on 4.19 too.
    CHECK(lint_in(s, "[sysctl]\nnet.core.somaxconn = 4096\n", offline_target("4.19")).empty());
    // tcp_tw_reuse = 2 means loopback-only since 4.18; before, any non-zero value meant on.
    auto ds = lint_in(s, "[sysctl]\nnet.ipv4.tcp_tw_reuse = 2\n", offline_target("4.9"));
    REQUIRE(with_id(ds, "SK2004").size() == 1);
    CHECK(with_id(ds, "SK2004")[0]->message.find("before Linux 4.18 (target 4.9)") != std::string::npos);
    // Only the values whose meaning changed: 1 meant the same.
    CHECK(with_id(lint_in(s, "[sysctl]\nnet.ipv4.tcp_tw_reuse = 1\n", offline_target("4.9")), "SK2004").empty());
}

TEST_CASE("tcp_adv_win_scale and udp_wmem_min are reported as having no effect")
{
    Scratch s;
    auto adv = lint_in(s, "[sysctl]\nnet.ipv4.tcp_adv_win_scale = 2\n", offline_target("6.6"));
    REQUIRE(with_id(adv, "SK2003").size() == 1);
    CHECK(with_id(adv, "SK2003")[0]->message == "'net.ipv4.tcp_adv_win_scale' has no effect since Linux 6.6");
    CHECK(with_id(lint_in(s, "[sysctl]\nnet.ipv4.tcp_adv_win_scale = 2\n", offline_target("6.1")), "SK2003").empty());
    CHECK(with_id(lint_in(s, "[sysctl]\nnet.ipv4.udp_wmem_min = 16384\n", offline_target("5.15")), "SK2003").size() ==
          1);
}

TEST_CASE("conf.all alone is reported for keys whose all value does not reach existing interfaces")
{
    Scratch s;
    auto t = offline_target("6.1");
    // IPv6 never consults conf.all.accept_redirects (rt6_do_redirect).
    auto v6 = lint_in(s, "[sysctl]\nnet.ipv6.conf.all.accept_redirects = 0\n", t);
    REQUIRE(with_id(v6, "SK3013").size() == 1);
    CHECK(with_id(v6, "SK3013")[0]->hint.find("net.ipv6.conf.*.accept_redirects") != std::string::npos);
    // IPv4 ORs all and the interface on a host, ANDs them on a router.
    CHECK(with_id(lint_in(s, "[sysctl]\nnet.ipv4.conf.all.accept_redirects = 0\n", t), "SK3013").size() == 1);
    CHECK(with_id(lint_in(s, "[sysctl]\nnet.ipv4.ip_forward = 1\nnet.ipv4.conf.all.accept_redirects = 0\n", t),
                  "SK3013")
              .empty());
    // conf.default alone reaches only interfaces created later.
    auto def = lint_in(s, "[sysctl]\nnet.ipv4.conf.default.log_martians = 1\n", t);
    REQUIRE(with_id(def, "SK3013").size() == 1);
    CHECK(with_id(def, "SK3013")[0]->message.find("only reaches interfaces created later") != std::string::npos);
    CHECK(with_id(lint_in(s,
                          "[sysctl]\nnet.ipv4.conf.all.log_martians = 1\nnet.ipv4.conf.default.log_martians = 1\n",
                          t),
                  "SK3013")
              .empty());
    // accept_source_route is an AND: conf.all = 0 is enough.
    CHECK(with_id(lint_in(s, "[sysctl]\nnet.ipv4.conf.all.accept_source_route = 0\n", t), "SK3013").empty());
    // The glob covers the interfaces.
    CHECK(with_id(lint_in(s,
                          "[sysctl]\nnet.ipv4.conf.all.accept_redirects = 0\n"
                          "net.ipv4.conf.\"*\".accept_redirects = 0\n",
                          t),
                  "SK3013")
              .empty());
}

TEST_CASE("the port range may not start below the unprivileged port start the profile or kernel has")
{
    Scratch s;
    auto tree = catalogue_tree();
    auto t = live_target(tree);
    t.unprivileged_port_start = 2000;
    auto ds = lint_in(s, "[sysctl]\nnet.ipv4.ip_local_port_range = [1024, 65535]\n", t);
    REQUIRE(with_id(ds, "SK3009").size() == 1);
    CHECK(with_id(ds, "SK3009")[0]->message ==
          "ip_local_port_range starts at 1024, below ip_unprivileged_port_start 2000: the kernel refuses it (EINVAL)");
    // Before 4.11 there is no such key and no such check.
    CHECK(with_id(lint_in(s, "[sysctl]\nnet.ipv4.ip_local_port_range = [1000, 65535]\n", offline_target("4.9")),
                  "SK3009")
              .empty());
}

TEST_CASE("a string for an integer key and an integer for a string key are refused")
{
    Scratch s;
    auto tree = catalogue_tree();
    auto a = lint_in(s, "[sysctl]\nnet.ipv4.tcp_rmem = \"4096 131072 6291456\"\n", live_target(tree));
    REQUIRE(with_id(a, "SK1002").size() == 1);
    CHECK(with_id(a, "SK1002")[0]->hint == "write an array of integers");
    auto b = lint_in(s, "[sysctl]\nnet.ipv4.tcp_congestion_control = 1\n", live_target(tree));
    REQUIRE(with_id(b, "SK1002").size() == 1);
    CHECK(with_id(b, "SK1002")[0]->hint == "quote the value");
}

TEST_CASE("a scalar key given an array and a vector key given a scalar are arity errors")
{
    Scratch s;
    auto tree = catalogue_tree();
    auto a = lint_in(s, "[sysctl]\nnet.core.somaxconn = [1, 2]\n", live_target(tree));
    REQUIRE(with_id(a, "SK1003").size() == 1);
    CHECK(with_id(a, "SK1003")[0]->message == "'net.core.somaxconn' takes 1 value, got 2");
    auto b = lint_in(s, "[sysctl]\nnet.ipv4.tcp_wmem = 4096\n", live_target(tree));
    REQUIRE(with_id(b, "SK1003").size() == 1);
    CHECK(with_id(b, "SK1003")[0]->message == "'net.ipv4.tcp_wmem' takes 3 values, got 1");
}

TEST_CASE("a glob key is checked against the interfaces the live kernel has")
{
    Scratch s;
    auto tree = catalogue_tree();
    CHECK(lint_in(s, "[sysctl]\nnet.ipv4.conf.\"*\".rp_filter = 1\n", live_target(tree)).empty());
    auto ds = lint_in(s, "[sysctl]\nnet.ipv4.conf.\"*\".rp_filter = 3\n", live_target(tree));
    CHECK(with_id(ds, "SK1007").size() == 1);
}

TEST_CASE("lint ignore suppresses a rule only in the file that lists it")
{
    Scratch s;
    auto tree = catalogue_tree();
    s.write("base.toml", "[sysctl]\nnet.ipv4.tcp_fin_timeout = 5\n");
    // The child ignores SK3006, but the risky timer comes from base.toml.
    auto inherited = lint_in(s,
                             "[profile]\nextends = [\"base\"]\n[lint]\nignore = [\"SK3006\"]\n[sysctl]\n"
                             "net.core.somaxconn = 1024\n",
                             live_target(tree), "child");
    auto hits = with_id(inherited, "SK3006");
    REQUIRE(hits.size() == 1);
    CHECK(hits[0]->where.file == s.dir + "/base.toml");
    // Set in the child itself, the same warning is silenced.
    auto own = lint_in(s,
                       "[profile]\nextends = [\"base\"]\n[lint]\nignore = [\"SK3006\"]\n[sysctl]\n"
                       "net.ipv4.tcp_fin_timeout = 5\n",
                       live_target(tree), "child");
    CHECK(with_id(own, "SK3006").empty());
    // Without the ignore it would have fired there.
    auto plain = lint_in(s, "[profile]\nextends = [\"base\"]\n[sysctl]\nnet.ipv4.tcp_fin_timeout = 5\n",
                         live_target(tree), "child");
    REQUIRE(with_id(plain, "SK3006").size() == 1);
    CHECK(with_id(plain, "SK3006")[0]->where.file == s.dir + "/child.toml");
}

TEST_CASE("unsafe key and value rules cannot be ignored")
{
    Scratch s;
    auto tree = catalogue_tree();
    auto ds = lint_in(s,
                      "[lint]\nignore = [\"SK0005\", \"SK0006\"]\n[sysctl]\n"
                      "net.ipv4.tcp_congestion_control = \"bbr\\nnet.ipv4.ip_forward = 1\"\n"
                      "net.\"..\".x = 1\n",
                      live_target(tree));
    INFO(dump(ds));
    CHECK(with_id(ds, "SK0006").size() == 1);
    CHECK(with_id(ds, "SK0005").size() == 1);
    auto refused = with_id(ds, "SK0009");
    REQUIRE(refused.size() == 2);
    CHECK(refused[0]->message == "rule SK0005 cannot be ignored");
    CHECK(refused[1]->message == "rule SK0006 cannot be ignored");
    // Even a hand-built ignore list does not drop them.
    model::ResolvedProfile rp;
    rp.ignore_by_file["/p.toml"] = {"SK0005", "SK0006", "SK3006"};
    Diagnostics in = {profile::make_diagnostic("SK0006", "k", {"/p.toml", 1, 1}, "m", ""),
                      profile::make_diagnostic("SK0005", "k", {"/p.toml", 2, 1}, "m", ""),
                      profile::make_diagnostic("SK3006", "k", {"/p.toml", 3, 1}, "m", "")};
    auto out = profile::apply_ignores(rp, in);
    REQUIRE(out.size() == 2);
    CHECK(out[0].id == "SK0006");
    CHECK(out[1].id == "SK0005");
}

TEST_CASE("strict mode turns warnings into errors and leaves info notes alone")
{
    Scratch s;
    auto tree = catalogue_tree();
    auto target = live_target(tree);
    without_conntrack(tree, target);
    auto ds = lint_in(s,
                      "[sysctl]\nnet.ipv4.tcp_fin_timeout = 5\n"
                      "net.netfilter.nf_conntrack_tcp_loose = { value = 1, optional = true }\n",
                      target);
    CHECK_FALSE(model::has_errors(ds));
    profile::make_strict(ds);
    CHECK(model::has_errors(ds));
    REQUIRE(with_id(ds, "SK3006").size() == 1);
    CHECK(with_id(ds, "SK3006")[0]->severity == Severity::error);
    REQUIRE(with_id(ds, "SK3008").size() == 1);
    CHECK(with_id(ds, "SK3008")[0]->severity == Severity::info);
}

TEST_CASE("an extends cycle names the whole chain")
{
    Scratch s;
    s.write("a.toml", "[profile]\nextends = [\"b\"]\n");
    s.write("b.toml", "[profile]\nextends = [\"a\"]\n");
    auto r = profile::load_profiles({"a"}, {s.dir});
    auto hits = with_id(r.diagnostics, "SK0008");
    REQUIRE(hits.size() == 1);
    CHECK(hits[0]->message == "extends cycle: a -> b -> a");
    CHECK(hits[0]->where.file == s.dir + "/b.toml");
    CHECK(hits[0]->where.line == 2);
}

TEST_CASE("a missing parent profile is named with the chain that wanted it")
{
    Scratch s;
    s.write("mid.toml", "[profile]\nextends = [\"ghost\"]\n");
    s.write("top.toml", "[profile]\nextends = \"mid\"\n");
    auto r = profile::load_profiles({"top"}, {s.dir});
    auto hits = with_id(r.diagnostics, "SK0008");
    REQUIRE(hits.size() == 1);
    CHECK(hits[0]->message == "parent profile 'ghost' not found (chain: top -> mid -> ghost)");
    CHECK(hits[0]->hint.find(s.dir + "/ghost.toml") != std::string::npos);
}

TEST_CASE("a rendered diagnostic reads like a compiler message")
{
    Scratch s;
    auto tree = catalogue_tree();
    auto ds = lint_in(s, "[sysctl]\nnet.core.somaxcon = 1024\n", live_target(tree));
    REQUIRE(ds.size() == 1);
    CHECK(model::render_diagnostic(ds[0]) == s.dir + "/case.toml:2:" + std::to_string(ds[0].where.column) +
                                                 ": error[SK1001]: unknown key 'net.core.somaxcon'\n"
                                                 "  hint: did you mean 'net.core.somaxconn'?\n");
}
