#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "boot/boot_model.hpp"

using namespace sysknob::boot;

namespace {

ConfigFile file(std::string directory, std::string name, std::string content)
{
    return ConfigFile{std::move(directory), std::move(name), std::move(content), false};
}

ConfigFile devnull(std::string directory, std::string name)
{
    return ConfigFile{std::move(directory), std::move(name), {}, true};
}

std::string value_of(const BootResult& r, const std::string& key)
{
    const SysctlAssignment* a = find_entry(r, key);
    if (a == nullptr) return "<unset>";
    if (a->is_exclusion) return "<excluded>";
    return a->value + " @" + a->file + ":" + std::to_string(a->line);
}

}  // namespace

TEST_CASE("a later file in name order wins, whatever its directory")
{
    auto r = build_boot_model({
        file("/etc/sysctl.d", "10-a.conf", "net.ipv4.ip_forward = 1\n"),
        file("/usr/lib/sysctl.d", "50-b.conf", "net.ipv4.ip_forward = 0\n"),
        file("/run/sysctl.d", "30-c.conf", "net.ipv4.ip_forward = 3\n"),
    });
    CHECK(value_of(r, "net.ipv4.ip_forward") == "0 @/usr/lib/sysctl.d/50-b.conf:1");
    CHECK(r.files == std::vector<std::string>{"/etc/sysctl.d/10-a.conf", "/run/sysctl.d/30-c.conf",
                                              "/usr/lib/sysctl.d/50-b.conf"});
    CHECK(r.history.at("net.ipv4.ip_forward").size() == 3);
}

TEST_CASE("a later line in the same file wins")
{
    auto r = build_boot_model({file("/etc/sysctl.d", "a.conf", "net.x = 1\nnet.x = 2\n")});
    CHECK(value_of(r, "net.x") == "2 @/etc/sysctl.d/a.conf:2");
}

TEST_CASE("the same name in an earlier directory masks the later one")
{
    auto r = build_boot_model({
        file("/usr/lib/sysctl.d", "50-x.conf", "net.x = lib\nnet.y = lib\n"),
        file("/etc/sysctl.d", "50-x.conf", "net.x = etc\n"),
    });
    CHECK(value_of(r, "net.x") == "etc @/etc/sysctl.d/50-x.conf:1");
    CHECK(value_of(r, "net.y") == "<unset>");
    REQUIRE(r.masked.size() == 1);
    CHECK(r.masked[0].path == "/usr/lib/sysctl.d/50-x.conf");
    CHECK(r.masked[0].masked_by == "/etc/sysctl.d/50-x.conf");
}

TEST_CASE("a /dev/null symlink masks and contributes nothing")
{
    auto r = build_boot_model({
        devnull("/etc/sysctl.d", "50-default.conf"),
        file("/usr/lib/sysctl.d", "50-default.conf", "net.ipv4.conf.all.rp_filter = 2\n"),
    });
    CHECK(r.table.empty());
    CHECK(r.devnull_masks == std::vector<std::string>{"/etc/sysctl.d/50-default.conf"});
}

TEST_CASE("/etc/sysctl.conf counts only through a sysctl.d symlink")
{
    auto alone = build_boot_model({file("/etc", "sysctl.conf", "net.x = 10\n")});
    CHECK(alone.table.empty());
}

TEST_CASE("repeating the same value keeps the earlier entry in place")
{
    auto r = build_boot_model({
        file("/etc/sysctl.d", "10.conf", "net.a.* = 1\nnet.a.b = 5\n"),
        file("/etc/sysctl.d", "20.conf", "net.a.* = 2\n"),
        file("/etc/sysctl.d", "30.conf", "net.a.b = 5\n"),
    });
    REQUIRE(r.table.size() == 2);
    CHECK(r.table[0].key == "net.a.b");
    CHECK(r.table[0].file == "/etc/sysctl.d/10.conf");
    CHECK(r.table[1].value == "2");
}

TEST_CASE("globs reach existing keys that no file sets explicitly")
{
    auto r = build_boot_model({
        file("/usr/lib/sysctl.d", "50-default.conf", "net.ipv4.conf.*.rp_filter = 2\n"),
        file("/etc/sysctl.d", "10-early.conf", "net.ipv4.conf.all.rp_filter = 1\n"),
        file("/etc/sysctl.d", "90-late.conf", "-net.ipv4.conf.eth0.rp_filter\n"),
    });
    std::vector<std::string> existing = {"net.ipv4.conf.all.rp_filter", "net.ipv4.conf.default.rp_filter",
                                         "net.ipv4.conf.eth0.rp_filter", "net.ipv4.conf.eth0/100.rp_filter"};
    auto values = final_values(r, existing);
    // The explicit key wins although its file sorts before the glob's.
    CHECK(values.at("net.ipv4.conf.all.rp_filter").value == "1");
    CHECK(values.at("net.ipv4.conf.default.rp_filter").value == "2");
    CHECK(values.at("net.ipv4.conf.eth0/100.rp_filter").value == "2");
    CHECK(values.at("net.ipv4.conf.eth0/100.rp_filter").source.is_glob);
    CHECK(values.count("net.ipv4.conf.eth0.rp_filter") == 0);
}

TEST_CASE("of two globs matching one key the later one in the table wins")
{
    auto r = build_boot_model({
        file("/etc/sysctl.d", "10.conf", "net.ipv4.conf.*.rp_filter = 1\n"),
        file("/etc/sysctl.d", "20.conf", "net.ipv4.conf.e*.rp_filter = 2\n"),
    });
    auto values = final_values(r, {"net.ipv4.conf.eth0.rp_filter", "net.ipv4.conf.lo.rp_filter"});
    CHECK(values.at("net.ipv4.conf.eth0.rp_filter").value == "2");
    CHECK(values.at("net.ipv4.conf.lo.rp_filter").value == "1");
}

TEST_CASE("a later exclusion removes an explicit assignment")
{
    auto r = build_boot_model({
        file("/etc/sysctl.d", "10.conf", "net.ipv4.ip_forward = 1\n"),
        file("/etc/sysctl.d", "20.conf", "-net.ipv4.ip_forward\n"),
    });
    CHECK(value_of(r, "net.ipv4.ip_forward") == "<excluded>");
    CHECK(final_values(r, {"net.ipv4.ip_forward"}).empty());
}

TEST_CASE("a fragment sorting after ours shadows it, one sorting before does not")
{
    std::vector<ConfigFile> files = {
        file("/etc/sysctl.d", "99-local.conf", "net.ipv4.ip_forward = 0\n"),
        file("/etc/sysctl.d", "10-x.conf", "net.ipv4.ip_forward = 5\nnet.core.somaxconn = 1\n"),
        file("/etc/sysctl.d", "90-sysknob.conf", "net.ipv4.ip_forward = 1\n"),
    };
    auto r = build_boot_model(files);
    auto shadows = find_shadows(r, "90-sysknob.conf", {{"net.ipv4.ip_forward", "1"}, {"net.core.somaxconn", "4096"}});
    REQUIRE(shadows.size() == 1);
    CHECK(shadows[0].key == "net.ipv4.ip_forward");
    CHECK(shadows[0].by.file == "/etc/sysctl.d/99-local.conf");
    CHECK(shadows[0].by.line == 1);
    CHECK(shadows[0].by.value == "0");
    CHECK_FALSE(shadows[0].same_value);
    CHECK(shadows[0].scope == ShadowScope::systemd);
}

TEST_CASE("a file masked by an earlier directory does not shadow")
{
    auto r = build_boot_model({
        file("/usr/lib/sysctl.d", "99-x.conf", "net.ipv4.ip_forward = 0\n"),
        file("/etc/sysctl.d", "99-x.conf", "# emptied by the admin\n"),
    });
    CHECK(find_shadows(r, "90-sysknob.conf", {{"net.ipv4.ip_forward", "1"}}).empty());
}

TEST_CASE("a later exclusion shadows, a later glob does not")
{
    auto r = build_boot_model({
        file("/usr/lib/sysctl.d", "99-glob.conf", "net.ipv4.conf.*.rp_filter = 2\n"),
        file("/etc/sysctl.d", "95-drop.conf", "-net.ipv4.conf.all.rp_filter\n"),
    });
    auto shadows = find_shadows(r, "90-sysknob.conf", {{"net.ipv4.conf.all.rp_filter", "1"}});
    REQUIRE(shadows.size() == 1);
    CHECK(shadows[0].by.is_exclusion);
}

TEST_CASE("/etc/sysctl.conf shadows ours for procps only, and the procps difference is reported")
{
    std::vector<ConfigFile> files = {
        file("/etc", "sysctl.conf", "vm.swappiness = 10\n"),
        file("/etc/sysctl.d", "50-tuning.conf", "vm.swappiness = 20\n"),
        file("/etc/sysctl.d", "99-zzz-override.conf", "vm.swappiness = 30\n"),
        file("/run/sysctl.d", "50-tuning.conf", "vm.swappiness = 5\n"),
        file("/etc/sysctl.d", "99-sysctl.conf", "vm.swappiness = 10\n"),  // the symlink, read through
    };
    auto r = build_boot_model(files);
    // The tested case in peers-and-compatibility.md (c)6.
    CHECK(value_of(r, "vm.swappiness") == "30 @/etc/sysctl.d/99-zzz-override.conf:1");
    auto diffs = procps_differences(files, r);
    REQUIRE(diffs.size() == 1);
    CHECK(diffs[0].procps_value == "10");
    CHECK(diffs[0].procps_file == "/etc/sysctl.conf");
    CHECK(diffs[0].systemd_value == std::optional<std::string>("30"));

    auto shadows = find_shadows(r, "90-sysknob.conf", {{"vm.swappiness", "1"}}, &files);
    REQUIRE(shadows.size() == 3);
    CHECK(shadows[0].by.file == "/etc/sysctl.d/99-sysctl.conf");
    CHECK(shadows[1].by.file == "/etc/sysctl.d/99-zzz-override.conf");
    CHECK(shadows[2].scope == ShadowScope::procps_only);
}

TEST_CASE("files that are not *.conf or are hidden do not count")
{
    auto r = build_boot_model({
        file("/etc/sysctl.d", "README.sysctl", "net.x = 1\n"),
        file("/etc/sysctl.d", ".hidden.conf", "net.x = 2\n"),
        file("/opt/sysctl.d", "x.conf", "net.x = 3\n"),
    });
    CHECK(r.table.empty());
}
