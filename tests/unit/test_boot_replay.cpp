#include <doctest/doctest.h>
#include <string>
#include <vector>

#include "boot/boot_replay.hpp"
#include "boot/write_effects.hpp"

using namespace sysknob::boot;

namespace {

BootResult model(std::vector<std::pair<std::string, std::string>> files)
{
    std::vector<ConfigFile> all;
    for (auto& [name, content] : files)
        all.push_back(ConfigFile{"/etc/sysctl.d", name, content, false});
    return build_boot_model(all);
}

// A network namespace's conf keys for these interfaces (plus all, default).
ReplayInput netns(std::vector<BootInterface> ifaces,
                  std::vector<std::string> entries = {"rp_filter", "forwarding", "accept_redirects"})
{
    ReplayInput in;
    std::vector<std::string> dirs = {"all", "default"};
    for (const auto& i : ifaces)
        dirs.push_back(i.name);
    for (const auto& d : dirs)
        for (const auto& e : entries) {
            in.existing_keys.push_back("net.ipv4.conf." + d + "." + e);
            in.existing_keys.push_back("net.ipv6.conf." + d + "." + e);
        }
    in.existing_keys.push_back("net.ipv4.ip_forward");
    in.interfaces = std::move(ifaces);
    return in;
}

std::string final_of(const ReplayResult& r, const std::string& key)
{
    auto it = r.values.find(key);
    return it == r.values.end() ? "<untouched>" : it->second.value;
}

}  // namespace

TEST_CASE("the effects are data: every effect names its kernel source")
{
    REQUIRE(!write_effects().empty());
    for (const auto& e : write_effects()) {
        CHECK(!e.source.empty());
        CHECK(e.source.find(".c") != std::string_view::npos);
        CHECK(!e.targets.empty());
    }
    for (const auto& v : boot_values())
        CHECK(!v.source.empty());
}

TEST_CASE("an equal write is skipped, so a later conf.default write reaches the interface")
{
    // The profile's lo value equals the boot value: systemd skips it; the
    // glob skips lo (explicit setting) but writes default, which the kernel
    // copies into lo because lo's entry was never written.
    auto m = model(
        {{"90-sysknob.conf", "net.ipv4.conf.lo.rp_filter = 0\n"}, {"99-x.conf", "net.ipv4.conf.*.rp_filter = 2\n"}});
    auto r = replay_boot(m, netns({{"lo", false, {}}}));
    CHECK(r.skipped_equal.count("net.ipv4.conf.lo.rp_filter") == 1);
    CHECK(final_of(r, "net.ipv4.conf.lo.rp_filter") == "2");
    CHECK(r.values.at("net.ipv4.conf.lo.rp_filter").effect_id == "ipv4-default-copy");
    CHECK(r.values.at("net.ipv4.conf.lo.rp_filter").source.file == "/etc/sysctl.d/99-x.conf");

    auto shadows = effect_shadows(r, {{"net.ipv4.conf.lo.rp_filter", "0"}}, "90-sysknob.conf");
    REQUIRE(shadows.size() == 1);
    CHECK(shadows[0].mechanism.find("a later write of net.ipv4.conf.default.rp_filter in /etc/sysctl.d/99-x.conf:1 "
                                    "reaches lo because its own value was never written") == 0);
    CHECK(shadows[0].mechanism.find("skips our write") != std::string::npos);
}

TEST_CASE("a real write marks the entry written: later conf.default writes do not reach it")
{
    auto m = model({{"90-sysknob.conf", "net.ipv4.conf.eth0.rp_filter = 1\n"},
                    {"99-x.conf", "net.ipv4.conf.default.rp_filter = 2\n"}});
    auto r = replay_boot(m, netns({{"eth0", false, {}}, {"eth1", false, {}}}));
    CHECK(final_of(r, "net.ipv4.conf.eth0.rp_filter") == "1");
    CHECK(final_of(r, "net.ipv4.conf.eth1.rp_filter") == "2");
    CHECK(effect_shadows(r, {{"net.ipv4.conf.eth0.rp_filter", "1"}}, "90-sysknob.conf").empty());
}

TEST_CASE("an interface with an IPv4 address takes no conf.default copies")
{
    auto m = model({{"99-x.conf", "net.ipv4.conf.default.rp_filter = 2\n"}});
    auto r = replay_boot(m, netns({{"lo", true, {}}, {"eth0", false, {}}}));
    CHECK(final_of(r, "net.ipv4.conf.lo.rp_filter") == "<untouched>");
    CHECK(final_of(r, "net.ipv4.conf.eth0.rp_filter") == "2");
}

TEST_CASE("conf.default.forwarding is not copied into interfaces")
{
    auto m = model({{"99-x.conf", "net.ipv4.conf.default.forwarding = 1\n"}});
    auto r = replay_boot(m, netns({{"eth0", false, {}}}));
    CHECK(final_of(r, "net.ipv4.conf.eth0.forwarding") == "<untouched>");
}

TEST_CASE("ip_forward switches every interface and all.accept_redirects")
{
    auto m = model({{"10-a.conf", "net.ipv4.conf.eth0.forwarding = 0\n"}, {"99-x.conf", "net.ipv4.ip_forward = 1\n"}});
    auto r = replay_boot(m, netns({{"lo", true, {}}, {"eth0", false, {}}}));
    CHECK(final_of(r, "net.ipv4.conf.all.forwarding") == "1");
    CHECK(final_of(r, "net.ipv4.conf.default.forwarding") == "1");
    CHECK(final_of(r, "net.ipv4.conf.lo.forwarding") == "1");
    CHECK(final_of(r, "net.ipv4.conf.eth0.forwarding") == "1");
    CHECK(final_of(r, "net.ipv4.conf.all.accept_redirects") == "0");
    auto shadows = effect_shadows(
        r, {{"net.ipv4.conf.eth0.forwarding", "0"}, {"net.ipv4.conf.all.accept_redirects", "1"}}, "10-a.conf");
    REQUIRE(shadows.size() == 2);
    CHECK(shadows[0].key == "net.ipv4.conf.all.accept_redirects");
    CHECK(shadows[0].by.value == "0");
    CHECK(shadows[1].by.file == "/etc/sysctl.d/99-x.conf");
    CHECK(shadows[1].by.value == "1");
}

TEST_CASE("ip_forward written to the value it has changes nothing (systemd skips it)")
{
    auto m =
        model({{"50-a.conf", "net.ipv4.conf.all.accept_redirects = 1\n"}, {"99-x.conf", "net.ipv4.ip_forward = 0\n"}});
    auto r = replay_boot(m, netns({{"eth0", false, {}}}));
    CHECK(r.skipped_equal.count("net.ipv4.ip_forward") == 1);
    CHECK(final_of(r, "net.ipv4.conf.all.accept_redirects") == "<untouched>");
}

TEST_CASE("IPv6 all.forwarding and all.disable_ipv6 reach default and every interface; default alone does not")
{
    auto m = model({{"10-a.conf", "net.ipv6.conf.eth0.forwarding = 0\nnet.ipv6.conf.default.accept_redirects = 0\n"},
                    {"99-x.conf", "net.ipv6.conf.all.forwarding = 1\n"}});
    auto r = replay_boot(m, netns({{"lo", true, {}}, {"eth0", false, {}}}));
    CHECK(final_of(r, "net.ipv6.conf.default.forwarding") == "1");
    CHECK(final_of(r, "net.ipv6.conf.lo.forwarding") == "1");
    CHECK(final_of(r, "net.ipv6.conf.eth0.forwarding") == "1");
    CHECK(final_of(r, "net.ipv6.conf.eth0.accept_redirects") == "<untouched>");

    auto d = replay_boot(model({{"99-x.conf", "net.ipv6.conf.all.disable_ipv6 = 1\n"}}), [] {
        auto in = netns({{"eth0", false, {}}}, {"disable_ipv6"});
        return in;
    }());
    CHECK(final_of(d, "net.ipv6.conf.eth0.disable_ipv6") == "1");
    CHECK(final_of(d, "net.ipv6.conf.default.disable_ipv6") == "1");
}

TEST_CASE("an interface created later takes conf.default, then its own keys and the globs that reach it")
{
    auto m = model({{"10-a.conf", "net.ipv4.conf.default.rp_filter = 2\nnet.ipv4.conf.eth9.accept_redirects = 0\n"},
                    {"20-b.conf", "net.ipv4.conf.*.forwarding = 1\n"}});
    auto in = netns({{"eth0", false, {}}});
    in.later_interfaces = {"eth9"};
    auto r = replay_boot(m, in);
    CHECK(final_of(r, "net.ipv4.conf.eth9.rp_filter") == "2");
    CHECK(r.values.at("net.ipv4.conf.eth9.rp_filter").created_later);
    CHECK(final_of(r, "net.ipv4.conf.eth9.accept_redirects") == "0");
    CHECK(final_of(r, "net.ipv4.conf.eth9.forwarding") == "1");
}

TEST_CASE("the write order is the table order: a replaced key moves to the end")
{
    // default.rp_filter is assigned first, then replaced by a later file: it
    // is written after the explicit eth0 key, so eth0 (skipped as equal) is
    // reached by the copy.
    auto m = model({{"10-a.conf", "net.ipv4.conf.default.rp_filter = 1\n"},
                    {"50-b.conf", "net.ipv4.conf.eth0.rp_filter = 0\n"},
                    {"99-c.conf", "net.ipv4.conf.default.rp_filter = 2\n"}});
    auto r = replay_boot(m, netns({{"eth0", false, {}}}));
    CHECK(final_of(r, "net.ipv4.conf.eth0.rp_filter") == "2");
    // Without the replacement, default is written first and eth0's own
    // write (0 differs from the copied 1) pins it.
    auto m2 = model(
        {{"10-a.conf", "net.ipv4.conf.default.rp_filter = 1\n"}, {"50-b.conf", "net.ipv4.conf.eth0.rp_filter = 0\n"}});
    auto r2 = replay_boot(m2, netns({{"eth0", false, {}}}));
    CHECK(final_of(r2, "net.ipv4.conf.eth0.rp_filter") == "0");
}

TEST_CASE("kernel_text prints integers the way the kernel does")
{
    CHECK(kernel_text(" 007 ") == "7");
    CHECK(kernel_text("-0") == "0");
    CHECK(kernel_text("4096 87380") == "4096 87380");
    CHECK(effect_can_reach("net.ipv4.conf.eth0.rp_filter"));
    CHECK(!effect_can_reach("net.ipv4.conf.eth0.route_localnet"));
    CHECK(!effect_can_reach("net.core.somaxconn"));
}

TEST_CASE("an entry inherited as written takes no copies")
{
    auto m = model({{"99-x.conf", "net.ipv4.conf.default.rp_filter = 2\nnet.ipv4.conf.default.arp_ignore = 1\n"}});
    auto r = replay_boot(m, netns({{"eth0", false, {"rp_filter"}}}, {"rp_filter", "arp_ignore"}));
    CHECK(final_of(r, "net.ipv4.conf.eth0.rp_filter") == "<untouched>");
    CHECK(final_of(r, "net.ipv4.conf.eth0.arp_ignore") == "1");
}

TEST_CASE("at a real boot udev's run for a present interface is unordered: both outcomes, no claim")
{
    // The kernel lab's boot-effects tree: the profile's dummy0.log_martians =
    // 0 equals the boot value, so systemd-sysctl skips it; a later file
    // writes conf.default.log_martians = 1, copied into dummy0 (never
    // written). udev's run for dummy0 (99-systemd.rules, coldplug) writes
    // dummy0's own line again if it comes after: 0; before: the copy stays, 1.
    auto m = model({{"90-sysknob.conf", "net.ipv4.conf.dummy0.log_martians = 0\nnet.ipv4.conf.lo.rp_filter = 0\n"},
                    {"95-later.conf", "net.ipv4.conf.default.log_martians = 1\nnet.ipv4.conf.*.rp_filter = 2\n"}});
    auto in = netns({{"lo", true, {}}, {"dummy0", false, {}}}, {"rp_filter", "log_martians"});
    auto plain = replay_boot(m, in);
    CHECK(final_of(plain, "net.ipv4.conf.dummy0.log_martians") == "1");  // systemd-sysctl alone
    in.udev_coldplug = true;
    auto r = replay_boot(m, in);
    const auto& v = r.values.at("net.ipv4.conf.dummy0.log_martians");
    CHECK(v.order_dependent);
    CHECK(v.value == "0");        // udev after systemd-sysctl
    CHECK(v.other_value == "1");  // udev first
    // lo has no udev run (KERNEL!="lo") and its address: its skipped write
    // leaves it alone either way.
    CHECK(r.values.count("net.ipv4.conf.lo.rp_filter") == 0);
    // The glob's write reaches dummy0 in both orders: not order-dependent.
    CHECK(final_of(r, "net.ipv4.conf.dummy0.rp_filter") == "2");
    CHECK_FALSE(r.values.at("net.ipv4.conf.dummy0.rp_filter").order_dependent);
    // status reports it as "depends on the order", never as a certain override.
    auto sh = effect_shadows(r, {{"net.ipv4.conf.dummy0.log_martians", "0"}}, "90-sysknob.conf");
    REQUIRE(sh.size() == 1);
    CHECK(sh[0].mechanism.find("depends on the boot's order") != std::string::npos);
    CHECK(sh[0].by.value == "1");
}
