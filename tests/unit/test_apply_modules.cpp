// The module half of a change (apply/modules) over the fake port: what is
// loaded, in which order, what is undone on failure, and what is unloaded.
#include <doctest/doctest.h>

#include "apply/modules.hpp"
#include "kernel/conntrack.hpp"
#include "snapshot/snapshot.hpp"
#include "support/fake_module_loader.hpp"

using namespace sysknob;
using ports::ModuleState;

TEST_CASE("load_modules: dependencies first, options passed at load, already-loaded ones left out")
{
    test::FakeModuleLoader m;
    m.add("nf_defrag_ipv4");
    m.add("nf_conntrack").deps = {"nf_defrag_ipv4"};
    m.add("br_netfilter", ModuleState::loaded);
    auto r = apply::load_modules({{"nf_conntrack", "hashsize=262144"}, {"br_netfilter", ""}}, m);
    REQUIRE(r);
    CHECK(*r == std::vector<std::string>{"nf_defrag_ipv4", "nf_conntrack"});
    CHECK(m.modules["nf_conntrack"].params["hashsize"] == "262144");
    CHECK(m.events == std::vector<std::string>{"load nf_conntrack hashsize=262144", "load br_netfilter"});
}

TEST_CASE("load_modules: a refused load unloads what was loaded before it and names the module")
{
    test::FakeModuleLoader m;
    m.add("nf_conntrack");
    m.add("br_netfilter");
    m.fail_load["br_netfilter"] = EPERM;
    auto r = apply::load_modules({{"nf_conntrack", ""}, {"br_netfilter", ""}}, m);
    REQUIRE_FALSE(r);
    CHECK(r.error().message.find("br_netfilter") != std::string::npos);
    CHECK(r.error().message.find("were unloaded") != std::string::npos);
    CHECK_FALSE(m.is_loaded("nf_conntrack"));
    CHECK(m.events.back() == "unload nf_conntrack");
}

TEST_CASE("load_modules: a module that does not exist is an error naming the kernel release")
{
    test::FakeModuleLoader m;
    auto r = apply::load_modules({{"no_such_module", ""}}, m);
    REQUIRE_FALSE(r);
    CHECK(r.error().message.find("no_such_module") != std::string::npos);
    CHECK(r.error().message.find("6.1.0-test") != std::string::npos);
}

TEST_CASE("unload_unused: only at use count 0, last loaded first; in-use ones are kept with a reason")
{
    test::FakeModuleLoader m;
    m.add("nf_defrag_ipv4", ModuleState::loaded);
    m.add("nf_conntrack", ModuleState::loaded).refcount = 2;
    m.add("br_netfilter", ModuleState::loaded);
    m.add("gone");  // unloaded meanwhile: skipped silently
    std::vector<std::string> kept;
    auto removed = apply::unload_unused({"nf_defrag_ipv4", "nf_conntrack", "br_netfilter", "gone"}, m, kept);
    CHECK(removed == std::vector<std::string>{"br_netfilter", "nf_defrag_ipv4"});
    REQUIRE(kept.size() == 1);
    CHECK(kept[0].find("nf_conntrack") != std::string::npos);
    CHECK(kept[0].find("use count 2") != std::string::npos);
    CHECK(m.is_loaded("nf_conntrack"));
    // refcount is asked before any removal: nf_conntrack never saw an unload call.
    CHECK(std::find(m.events.begin(), m.events.end(), "unload nf_conntrack") == m.events.end());
}

TEST_CASE("write_params: the value the kernel kept is recorded; a refusal puts back the earlier ones")
{
    test::FakeModuleLoader m;
    auto& ct = m.add("nf_conntrack", ModuleState::loaded);
    ct.params = {{"hashsize", "65536"}, {"acct", "0"}};
    m.round_param["nf_conntrack.hashsize"] = "262656";
    std::vector<apply::ParamChange> ok{{"nf_conntrack", "hashsize", "65536", "262500", ""}};
    REQUIRE(apply::write_params(ok, m));
    CHECK(ok[0].kept == "262656");

    m.round_param.clear();
    m.fail_param["nf_conntrack.acct"] = EINVAL;
    std::vector<apply::ParamChange> two{{"nf_conntrack", "hashsize", "262656", "131072", ""},
                                        {"nf_conntrack", "acct", "0", "1", ""}};
    auto r = apply::write_params(two, m);
    REQUIRE_FALSE(r);
    CHECK(r.error().message.find("nf_conntrack.acct") != std::string::npos);
    CHECK(ct.params["hashsize"] == "262656");  // put back
    CHECK(ct.params["acct"] == "0");
}

TEST_CASE("hashsize auto: buckets = max from Linux 5.15, max / 4 before")
{
    CHECK(kernel::conntrack_buckets_for(1048576, "6.1.0-27-amd64") == 1048576);
    CHECK(kernel::conntrack_buckets_for(1048576, "6.12.9") == 1048576);
    CHECK(kernel::conntrack_buckets_for(1048576, "5.15.0") == 1048576);
    CHECK(kernel::conntrack_buckets_for(1048576, "5.14.21") == 262144);
    CHECK(kernel::conntrack_buckets_for(1048576, "4.19.0-26-amd64") == 262144);
    CHECK(kernel::conntrack_buckets_for(2, "4.19") == 1);
    CHECK(kernel::conntrack_max_factor("5.10.0") == 4);
    CHECK(kernel::conntrack_max_factor("6.1") == 1);
}

TEST_CASE("snapshot: modules and live parameters round-trip; a snapshot without them still reads")
{
    snapshot::Snapshot s;
    s.id = 7;
    s.status = snapshot::Status::committed;
    s.modules = {{"nf_defrag_ipv4", "load"}, {"nf_conntrack", "load"}};
    s.params = {{"nf_conntrack", "hashsize", "65536", "262144"}};
    auto back = snapshot::parse(snapshot::serialize(s), "t");
    REQUIRE(back);
    CHECK(back->modules == s.modules);
    CHECK(back->params == s.params);

    // Written by sysknob before module loading: no "modules", no "module_params".
    const std::string old = R"({"format": 1, "id": 3, "kind": "apply", "status": "committed", "reason": "",
        "created": "2026-01-01T00:00:00Z", "user": "uid 0", "host": "h", "kernel": "6.1.0",
        "profiles": ["base"], "profile_content": [], "keys": [{"key": "net.core.somaxconn", "value": "4096"}],
        "files": [], "undone": false, "undoes": 0})";
    auto o = snapshot::parse(old, "old");
    REQUIRE(o);
    CHECK(o->modules.empty());
    CHECK(o->params.empty());
    CHECK(o->keys.size() == 1);

    auto bad = snapshot::serialize(s);
    bad.replace(bad.find("\"load\""), 6, "\"zap\"");
    CHECK_FALSE(snapshot::parse(bad, "t"));
    snapshot::Snapshot evil = s;
    evil.modules = {{"../../x", "load"}};
    CHECK_FALSE(snapshot::parse(snapshot::serialize(evil), "t"));
}
