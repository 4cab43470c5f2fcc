#include <doctest/doctest.h>
#include <map>
#include <string>
#include <vector>

#include "model/profile.hpp"
#include "plan/plan.hpp"
#include "support/fake_sysctl_tree.hpp"

using namespace sysknob;
using model::Value;
using plan::Status;
using test::FakeSysctlTree;

namespace {

model::Setting setting(std::string key, Value v, bool optional = false)
{
    model::Setting s;
    s.key = std::move(key);
    s.value = std::move(v);
    s.optional = optional;
    return s;
}

model::ResolvedProfile resolved(std::vector<model::Setting> settings)
{
    model::Profile p;
    p.name = "t";
    p.path = "/p/t.toml";
    p.settings = std::move(settings);
    model::ResolvedProfile r;
    r.names = {"t"};
    model::compose_into(r, p);
    return r;
}

FakeSysctlTree host()
{
    return FakeSysctlTree({{"net.ipv4.ip_forward", "0"},
                           {"net.core.somaxconn", "4096"},
                           {"net.core.rmem_max", "212992"},
                           {"net.ipv4.tcp_rmem", "4096\t131072\t6291456"},
                           {"net.ipv4.tcp_congestion_control", "cubic"},
                           {"net.ipv4.conf.all.rp_filter", "0"},
                           {"net.ipv4.conf.default.rp_filter", "0"},
                           {"net.ipv4.conf.lo.rp_filter", "0"},
                           {"net.ipv4.conf.eth0/100.rp_filter", "1"}});
}

std::vector<std::string> keys(const plan::Plan& p)
{
    std::vector<std::string> out;
    for (const auto& i : p.items)
        out.push_back(i.key);
    return out;
}

const plan::Item& item(const plan::Plan& p, const std::string& key)
{
    for (const auto& i : p.items)
        if (i.key == key) return i;
    FAIL("no plan item for " << key);
    static plan::Item none;
    return none;
}

}  // namespace

TEST_CASE("a glob becomes one plan item per interface present")
{
    auto tree = host();
    auto p = plan::make_plan(resolved({setting("net.ipv4.conf.*.rp_filter", Value::of_integer(1))}), tree,
                             ports::Intent::read);
    CHECK(keys(p) == std::vector<std::string>{"net.ipv4.conf.all.rp_filter", "net.ipv4.conf.default.rp_filter",
                                              "net.ipv4.conf.eth0/100.rp_filter", "net.ipv4.conf.lo.rp_filter"});
    CHECK(item(p, "net.ipv4.conf.all.rp_filter").status == Status::change);
    CHECK(item(p, "net.ipv4.conf.all.rp_filter").pattern == "net.ipv4.conf.*.rp_filter");
    CHECK(item(p, "net.ipv4.conf.eth0/100.rp_filter").status == Status::same);
    CHECK(p.change_count() == 3);
    CHECK(tree.writes.empty());
}

TEST_CASE("an explicit key wins over a glob wherever it appears in the profile")
{
    auto tree = host();
    for (bool explicit_first : {true, false}) {
        CAPTURE(explicit_first);
        std::vector<model::Setting> s = {setting("net.ipv4.conf.*.rp_filter", Value::of_integer(2)),
                                         setting("net.ipv4.conf.lo.rp_filter", Value::of_integer(0))};
        if (explicit_first) std::swap(s[0], s[1]);
        auto p = plan::make_plan(resolved(s), tree, ports::Intent::read);
        CHECK(p.items.size() == 4);
        const auto& lo = item(p, "net.ipv4.conf.lo.rp_filter");
        CHECK(lo.desired == "0");
        CHECK(lo.status == Status::same);
        CHECK(item(p, "net.ipv4.conf.all.rp_filter").desired == "2");
    }
}

TEST_CASE("statuses say which keys are the same, change, are missing or cannot be written")
{
    auto tree = host();
    tree.read_only.insert("net.core.rmem_max");
    tree.read_only.insert("net.ipv4.tcp_congestion_control");
    auto p = plan::make_plan(resolved({
                                 setting("net.core.somaxconn", Value::of_integer(4096)),
                                 setting("net.ipv4.tcp_rmem", Value::of_vector({4096, 131072, 16777216})),
                                 setting("net.core.rmem_max", Value::of_integer(8388608)),
                                 setting("net.ipv4.tcp_congestion_control", Value::of_string("cubic")),
                                 setting("net.netfilter.nf_conntrack_max", Value::of_integer(262144)),
                             }),
                             tree, ports::Intent::write);
    CHECK(item(p, "net.core.somaxconn").status == Status::same);
    const auto& rmem = item(p, "net.ipv4.tcp_rmem");
    CHECK(rmem.status == Status::change);
    CHECK(rmem.live == "4096 131072 6291456");
    CHECK(rmem.raw_live == "4096\t131072\t6291456");
    CHECK(rmem.desired == "4096 131072 16777216");
    const auto& ro = item(p, "net.core.rmem_max");
    CHECK(ro.status == Status::unwritable);
    CHECK(ro.error == "'net.core.rmem_max' is read-only in this network namespace");
    // Read-only but already right: nothing to refuse.
    CHECK(item(p, "net.ipv4.tcp_congestion_control").status == Status::same);
    const auto& missing = item(p, "net.netfilter.nf_conntrack_max");
    CHECK(missing.status == Status::missing);
    CHECK(missing.error.find("does not exist") != std::string::npos);
    CHECK(p.has_refusals());
    CHECK_FALSE(p.in_sync());
    CHECK(p.change_count() == 1);
}

TEST_CASE("a read-only key is found unwritable when only reading too")
{
    auto tree = host();
    tree.read_only.insert("net.core.rmem_max");
    auto p = plan::make_plan(resolved({setting("net.core.rmem_max", Value::of_integer(8388608))}), tree,
                             ports::Intent::read);
    CHECK(item(p, "net.core.rmem_max").status == Status::unwritable);
}

TEST_CASE("an optional key that does not exist is skipped, not refused")
{
    auto tree = host();
    auto p = plan::make_plan(resolved({setting("net.ipv4.tcp_fastopen", Value::of_integer(3), true),
                                       setting("net.core.somaxconn", Value::of_integer(4096))}),
                             tree, ports::Intent::read);
    CHECK(keys(p) == std::vector<std::string>{"net.core.somaxconn"});
    CHECK(p.skipped == std::vector<std::string>{"net.ipv4.tcp_fastopen"});
    CHECK_FALSE(p.has_refusals());
    CHECK(p.in_sync());
}

TEST_CASE("a glob that matches nothing is noted as skipped")
{
    auto tree = host();
    auto p = plan::make_plan(resolved({setting("net.ipv6.conf.*.forwarding", Value::of_integer(1))}), tree,
                             ports::Intent::read);
    CHECK(p.items.empty());
    CHECK(p.skipped == std::vector<std::string>{"net.ipv6.conf.*.forwarding (matches nothing here)"});
}

TEST_CASE("keys the profile no longer sets return to their baseline")
{
    auto tree = host();
    tree.set("net.core.somaxconn", "65535");
    util::StringMap restore = {
        {"net.core.somaxconn", "4096"},             // dropped by the profile: restore
        {"net.ipv4.ip_forward", "1"},               // still set by the profile: the profile wins
        {"net.ipv4.conf.eth0/100.rp_filter", "1"},  // covered by the profile's glob
        {"net.ipv4.conf.gone0.rp_filter", "1"},     // interface gone: nothing to restore
    };
    auto p = plan::make_plan(resolved({setting("net.ipv4.ip_forward", Value::of_integer(0)),
                                       setting("net.ipv4.conf.*.rp_filter", Value::of_integer(0))}),
                             tree, ports::Intent::read, restore);
    const auto& r = item(p, "net.core.somaxconn");
    CHECK(r.restore);
    CHECK(r.desired == "4096");
    CHECK(r.status == Status::change);
    CHECK_FALSE(item(p, "net.ipv4.ip_forward").restore);
    CHECK(item(p, "net.ipv4.ip_forward").desired == "0");
    CHECK(item(p, "net.ipv4.conf.eth0/100.rp_filter").desired == "0");
    CHECK_FALSE(item(p, "net.ipv4.conf.eth0/100.rp_filter").restore);
    CHECK(p.items.size() == 6);
}

TEST_CASE("a restored key already at its baseline is in sync")
{
    auto tree = host();
    auto p = plan::make_plan(resolved({}), tree, ports::Intent::read, {{"net.ipv4.tcp_rmem", "4096 131072 6291456"}});
    REQUIRE(p.items.size() == 1);
    CHECK(p.items[0].status == Status::same);
    CHECK(p.in_sync());
}

TEST_CASE("the plan writes ip_forward first, then globs, then keys in name order")
{
    auto tree = host();
    tree.set("net.ipv4.conf.all.forwarding", "0");
    auto p = plan::make_plan(resolved({setting("net.ipv4.tcp_rmem", Value::of_vector({1, 2, 3})),
                                       setting("net.ipv4.conf.lo.rp_filter", Value::of_integer(2)),
                                       setting("net.core.somaxconn", Value::of_integer(1)),
                                       setting("net.ipv4.conf.*.rp_filter", Value::of_integer(1)),
                                       setting("net.ipv4.conf.all.forwarding", Value::of_integer(1)),
                                       setting("net.ipv4.ip_forward", Value::of_integer(1))}),
                             tree, ports::Intent::read, {{"net.core.rmem_max", "1"}});
    CHECK(keys(p) == std::vector<std::string>{"net.ipv4.conf.all.forwarding", "net.ipv4.ip_forward",
                                              // glob items, sorted; lo is explicit and comes later
                                              "net.ipv4.conf.all.rp_filter", "net.ipv4.conf.default.rp_filter",
                                              "net.ipv4.conf.eth0/100.rp_filter",
                                              // concrete keys, sorted, restores included
                                              "net.core.rmem_max", "net.core.somaxconn", "net.ipv4.conf.lo.rp_filter",
                                              "net.ipv4.tcp_rmem"});
}

TEST_CASE("write order holds for many globs, explicit keys out of order and restores together")
{
    // make_plan merges its sorted runs instead of sorting; any number of
    // runs, of any length, must come out in (rank, key) order.
    std::map<std::string, std::string> live{{"net.ipv4.ip_forward", "0"}};
    for (int i = 0; i < 37; ++i)
        for (const char* leaf : {"rp_filter", "log_martians", "accept_redirects"})
            live["net.ipv4.conf.if" + std::to_string((i * 7) % 37) + "." + leaf] = "0";
    for (int i = 0; i < 9; ++i)
        live["net.core.k" + std::to_string(i)] = "0";
    FakeSysctlTree tree({});
    for (const auto& [k, v] : live)
        tree.set(k, v);
    std::vector<model::Setting> settings;
    for (int i : {5, 1, 8, 0, 3})
        settings.push_back(setting("net.core.k" + std::to_string(i), Value::of_integer(1)));
    settings.push_back(setting("net.ipv4.conf.*.rp_filter", Value::of_integer(1)));
    settings.push_back(setting("net.ipv4.conf.if3.log_martians", Value::of_integer(1)));
    settings.push_back(setting("net.ipv4.conf.*.log_martians", Value::of_integer(1)));
    settings.push_back(setting("net.ipv4.ip_forward", Value::of_integer(1)));
    settings.push_back(setting("net.ipv4.conf.*.accept_redirects", Value::of_integer(1)));
    auto p = plan::make_plan(resolved(settings), tree, ports::Intent::read,
                             {{"net.core.k2", "1"}, {"net.core.k7", "1"}, {"net.core.k1", "9"}});
    REQUIRE(p.items.size() == 1 + 37 * 3 + 5 + 2);
    auto rank = [](const plan::Item& i) {
        return i.key == "net.ipv4.ip_forward" ? 0 : i.pattern.find('*') != std::string::npos ? 1 : 2;
    };
    for (size_t i = 1; i < p.items.size(); ++i) {
        CAPTURE(p.items[i].key);
        const auto &a = p.items[i - 1], &b = p.items[i];
        CHECK((rank(a) < rank(b) || (rank(a) == rank(b) && a.key < b.key)));
    }
    CHECK(item(p, "net.ipv4.conf.if3.log_martians").pattern == "net.ipv4.conf.if3.log_martians");
    CHECK(item(p, "net.core.k1").desired == "1");  // the profile's value, not the restore's
    CHECK(item(p, "net.core.k7").restore);
}
