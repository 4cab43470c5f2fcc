#include <doctest/doctest.h>
#include <string>
#include <vector>

#include "model/profile.hpp"

using namespace sysknob::model;

namespace {

Setting setting(std::string key, int64_t v, std::string comment = "")
{
    Setting s;
    s.key = std::move(key);
    s.value = Value::of_integer(v);
    s.comment = std::move(comment);
    return s;
}

std::vector<std::string> keys(const ResolvedProfile& r)
{
    std::vector<std::string> out;
    for (const auto& s : r.settings)
        out.push_back(s.key);
    return out;
}

}  // namespace

TEST_CASE("a later profile wins for a key but the key keeps its first position")
{
    Profile base;
    base.name = "base";
    base.path = "/p/base.toml";
    base.settings = {setting("net.a", 1), setting("net.b", 2, "from base"), setting("net.c", 3)};
    Profile child;
    child.name = "child";
    child.path = "/p/child.toml";
    child.description = "the child";
    child.settings = {setting("net.d", 4), setting("net.b", 20, "from child")};
    ResolvedProfile r;
    compose_into(r, base);
    compose_into(r, child);
    CHECK(keys(r) == std::vector<std::string>{"net.a", "net.b", "net.c", "net.d"});
    const Setting* b = r.find("net.b");
    REQUIRE(b != nullptr);
    CHECK(b->value == Value::of_integer(20));
    CHECK(b->comment == "from child");
    CHECK(b->profile == "child");
    CHECK(r.find("net.a")->profile == "base");
    CHECK(r.files == std::vector<std::string>{"/p/base.toml", "/p/child.toml"});
    CHECK(r.description == "the child");
    CHECK(r.find("net.zzz") == nullptr);
}

TEST_CASE("module sections merge: later parameters win, load stays on once asked for")
{
    Profile a;
    a.path = "/p/a.toml";
    a.modules = {ModuleConfig{"nf_conntrack", true, {{"hashsize", "auto", {}}, {"expect_hashsize", "64", {}}}, {}}};
    Profile b;
    b.path = "/p/b.toml";
    b.modules = {ModuleConfig{"nf_conntrack", false, {{"hashsize", "16384", {}}}, {}},
                 ModuleConfig{"br_netfilter", true, {}, {}}};
    ResolvedProfile r;
    compose_into(r, a);
    compose_into(r, b);
    REQUIRE(r.modules.size() == 2);
    CHECK(r.modules[0].name == "nf_conntrack");
    CHECK(r.modules[0].load);
    REQUIRE(r.modules[0].params.size() == 2);
    CHECK(r.modules[0].params[0].name == "hashsize");
    CHECK(r.modules[0].params[0].value == "16384");
    CHECK(r.modules[0].params[1].value == "64");
    CHECK(r.modules[1].name == "br_netfilter");
}

TEST_CASE("ignore lists are kept per profile file")
{
    Profile a;
    a.path = "/p/a.toml";
    a.ignore = {"SK3006"};
    Profile b;
    b.path = "/p/b.toml";
    ResolvedProfile r;
    compose_into(r, a);
    compose_into(r, b);
    CHECK(r.ignore_by_file.at("/p/a.toml") == std::vector<std::string>{"SK3006"});
    CHECK(r.ignore_by_file.at("/p/b.toml").empty());
}

TEST_CASE("the display name joins the command-line profiles with plus signs")
{
    ResolvedProfile r;
    r.names = {"base", "nat-gateway"};
    CHECK(r.display_name() == "base+nat-gateway");
}
