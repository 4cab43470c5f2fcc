// tuned profiles: include chains resolved against tuned's directories,
// later profiles override earlier ones, run-time values reported.
#include <algorithm>
#include <doctest/doctest.h>
#include <map>

#include "import/tuned.hpp"

using namespace sysknob;
using import::FindingKind;

namespace {

struct FakeFiles {
    std::map<std::string, std::string> files;
    import::ReadFile reader(){return [this](const std::string& p)->std::optional<std::string>{auto it = files.find(p);
    if (it == files.end()) return std::nullopt;
    return it->second;
};
}  // namespace
}
;

const import::ImportedSetting* find(const import::Imported& in, const std::string& key)
{
    for (const auto& s : in.settings)
        if (s.key == key) return &s;
    return nullptr;
}

bool has(const import::Imported& in, FindingKind kind, const std::string& text)
{
    return std::any_of(in.findings.begin(), in.findings.end(),
                       [&](const auto& f) { return f.kind == kind && f.message.find(text) != std::string::npos; });
}

}  // namespace

TEST_CASE("a tuned include chain is resolved and the including profile wins")
{
    FakeFiles fs;
    fs.files["/usr/lib/tuned/throughput-performance/tuned.conf"] =
        "[main]\nsummary=x\n\n[sysctl]\n# dirty pages\nvm.dirty_ratio = 40\nnet.ipv4.tcp_fastopen = 1\n";
    fs.files["/usr/lib/tuned/latency-performance/tuned.conf"] =
        "[main]\ninclude=throughput-performance\n[sysctl]\nvm.dirty_ratio=10\n";
    std::string conf = "#\n[main]\ninclude=latency-performance\n\n[vm]\ntransparent_hugepages=never\n\n[sysctl]\n"
                       "net.core.busy_read=50\nnet/ipv4/tcp_fastopen=\"3\"\nkernel.pid_max=>4194304\n";
    auto in = import::import_tuned({"/usr/lib/tuned/network-latency/tuned.conf", conf}, fs.reader());
    CHECK(in.files == std::vector<std::string>{"/usr/lib/tuned/network-latency/tuned.conf",
                                               "/usr/lib/tuned/latency-performance/tuned.conf",
                                               "/usr/lib/tuned/throughput-performance/tuned.conf"});
    REQUIRE(find(in, "vm.dirty_ratio"));
    CHECK(find(in, "vm.dirty_ratio")->value == model::Value::of_integer(10));
    CHECK(find(in, "vm.dirty_ratio")->file == "/usr/lib/tuned/latency-performance/tuned.conf");
    CHECK(find(in, "net.ipv4.tcp_fastopen")->value == model::Value::of_integer(3));
    CHECK(find(in, "net.core.busy_read")->line == 9);
    CHECK(find(in, "kernel.pid_max")->value == model::Value::of_integer(4194304));
    CHECK(has(in, FindingKind::hand_value, "only when that raises the current value"));
    CHECK(has(in, FindingKind::conflict, "'vm.dirty_ratio' = '40' is overridden by '10'"));
    CHECK(in.settings.size() == 4);
}

TEST_CASE("a profile in /etc/tuned that includes its own name reaches the shipped one")
{
    FakeFiles fs;
    fs.files["/usr/lib/tuned/virtual-guest/tuned.conf"] = "[sysctl]\nvm.swappiness = 30\nvm.dirty_ratio = 30\n";
    fs.files["/etc/tuned/virtual-guest/tuned.conf"] = "[main]\ninclude=virtual-guest\n[sysctl]\nvm.swappiness=10\n";
    auto in = import::import_tuned(
        {"/etc/tuned/virtual-guest/tuned.conf", fs.files["/etc/tuned/virtual-guest/tuned.conf"]}, fs.reader());
    REQUIRE(in.settings.size() == 2);
    CHECK(find(in, "vm.swappiness")->value == model::Value::of_integer(10));
    CHECK(find(in, "vm.dirty_ratio")->file == "/usr/lib/tuned/virtual-guest/tuned.conf");
}

TEST_CASE("replace=1 drops what included profiles put in the section")
{
    FakeFiles fs;
    fs.files["/usr/lib/tuned/base/tuned.conf"] = "[sysctl]\nvm.swappiness = 30\n";
    auto in = import::import_tuned({"/etc/tuned/mine/tuned.conf", "[main]\ninclude=base\n[sysctl]\nreplace=1\n"
                                                                  "vm.dirty_ratio=5\n"},
                                   fs.reader());
    REQUIRE(in.settings.size() == 1);
    CHECK(in.settings[0].key == "vm.dirty_ratio");
}

TEST_CASE("run-time values and missing includes are reported, not guessed")
{
    FakeFiles fs;
    std::string conf =
        "[main]\ninclude=${f:virt_check:virtual-guest:throughput-performance},nosuch\n"
        "[variables]\ncores=2-3\n[sysctl]\nkernel.sched_x=${f:cpulist2hex:${cores}}\n"
        "net.core.busy_poll=${undefined}\nvm.a=${cores}\n[modules]\ncpufreq_conservative=+r freq_step=10\n";
    auto in = import::import_tuned({"/etc/tuned/x/tuned.conf", conf}, fs.reader());
    CHECK(has(in, FindingKind::hand_value, "include '${f:virt_check"));
    CHECK(has(in, FindingKind::not_imported, "included profile 'nosuch' not found"));
    CHECK(has(in, FindingKind::hand_value, "'kernel.sched_x' = '${f:cpulist2hex:${cores}}' is computed by tuned"));
    CHECK(has(in, FindingKind::hand_value, "'net.core.busy_poll' = '${undefined}'"));
    REQUIRE(in.settings.size() == 1);
    CHECK(in.settings[0].value == model::Value::of_string("2-3"));
    REQUIRE(in.modules.size() == 1);
    CHECK(in.modules[0].name == "cpufreq_conservative");
    CHECK(in.modules[0].params == std::vector<std::pair<std::string, std::string>>{{"freq_step", "10"}});
}

TEST_CASE("tuned profiles are told apart from sysctl.d files")
{
    CHECK(import::looks_like_tuned("[main]\ninclude=x\n"));
    CHECK(!import::looks_like_tuned("# [not a section]\nnet.ipv4.ip_forward = 1\n"));
}
