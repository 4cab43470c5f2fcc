#include <algorithm>
#include <doctest/doctest.h>
#include <string>

#include "import/take_over.hpp"
#include "import/toml_writer.hpp"

using namespace sysknob;
using import::TakeOverInput;
using import::TakeOverPlan;
using snapshot::Entry;
using snapshot::EntryKind;

namespace {

Entry file(std::string content, unsigned mode = 0644, unsigned uid = 0, unsigned gid = 0)
{
    return Entry{EntryKind::file, std::move(content), mode, uid, gid};
}

Entry link(std::string target)
{
    return Entry{EntryKind::symlink, std::move(target), 0644, 0, 0};
}

const Entry k_devnull{EntryKind::symlink, "/dev/null", 0644, 0, 0};

// A host: the files in `tree` (path -> entry), of which `imported` were read.
TakeOverInput host(const std::vector<std::pair<std::string, Entry>>& tree, const std::vector<std::string>& imported)
{
    TakeOverInput in;
    in.files = imported;
    for (const auto& [path, e] : tree) {
        in.observed[path] = e;
        auto slash = path.rfind('/');
        if (path != "/etc/sysctl.conf")
            in.tree.push_back(boot::ConfigFile{path.substr(0, slash), path.substr(slash + 1),
                                               e.kind == EntryKind::file ? e.content : "",
                                               e.kind == EntryKind::symlink && e.content == "/dev/null"});
    }
    for (const auto& p : import::take_over_paths(imported))
        in.observed.emplace(p, Entry{});
    for (const auto& p : imported)
        if (auto it = in.observed.find(p); it != in.observed.end() && it->second.kind == EntryKind::file)
            in.fingerprints[p] = import::fingerprint(it->second.content);
    in.is_managed = [](const std::string& p) { return p == "/etc/sysctl.d/90-sysknob.conf"; };
    in.backup_dir = "/var/lib/sysknob/takeover/2026-01-01T000000Z-3";
    in.profile_path = "/etc/sysknob/profiles/host.toml";
    return in;
}

std::vector<std::string> actions(const TakeOverPlan& p)
{
    std::vector<std::string> out;
    for (const auto& s : p.steps)
        out.push_back(s.action + " " + s.path);
    return out;
}

bool has_refusal(const TakeOverPlan& p, const std::string& part)
{
    return std::any_of(p.refusals.begin(), p.refusals.end(),
                       [&](const std::string& r) { return r.find(part) != std::string::npos; });
}

}  // namespace

TEST_CASE("an /etc file is backed up with its mode and owner, then moved aside")
{
    auto in = host({{"/etc/sysctl.d/10-a.conf", file("a = 1\n", 0640, 12, 34)}}, {"/etc/sysctl.d/10-a.conf"});
    auto plan = import::plan_take_over(in);
    REQUIRE(plan.refusals.empty());
    CHECK(actions(plan) ==
          std::vector<std::string>{"backup /var/lib/sysknob/takeover/2026-01-01T000000Z-3/etc/sysctl.d/10-a.conf",
                                   "move-aside /etc/sysctl.d/10-a.conf"});
    CHECK(plan.steps[0].to == file("a = 1\n", 0640, 12, 34));
    CHECK(plan.steps[1].to.kind == EntryKind::absent);
    CHECK(plan.moved == std::vector<std::string>{"/etc/sysctl.d/10-a.conf"});
    CHECK(plan.masked.empty());
}

TEST_CASE("a package file is masked by an /etc/sysctl.d link to /dev/null and never changed")
{
    auto in = host({{"/usr/lib/sysctl.d/50-pkg.conf", file("b = 2\n")}}, {"/usr/lib/sysctl.d/50-pkg.conf"});
    in.uid = 0;
    auto plan = import::plan_take_over(in);
    REQUIRE(plan.refusals.empty());
    CHECK(actions(plan) == std::vector<std::string>{"mask /etc/sysctl.d/50-pkg.conf"});
    CHECK(plan.steps[0].to == k_devnull);
    CHECK(plan.masked == std::vector<std::string>{"/usr/lib/sysctl.d/50-pkg.conf"});
    for (const char* dir : {"/run/sysctl.d", "/usr/local/lib/sysctl.d", "/lib/sysctl.d"}) {
        std::string p = std::string(dir) + "/60-x.conf";
        auto plan2 = import::plan_take_over(host({{p, file("c = 3\n")}}, {p}));
        CHECK_MESSAGE(actions(plan2) == std::vector<std::string>{"mask /etc/sysctl.d/60-x.conf"}, dir);
    }
}

TEST_CASE("an /etc file that hides a package file of the same name becomes the mask")
{
    // Removing it would bring /usr/lib/sysctl.d/60-s.conf into force at boot.
    auto in = host({{"/etc/sysctl.d/60-s.conf", file("k = 2\n")}, {"/usr/lib/sysctl.d/60-s.conf", file("k = 1\n")}},
                   {"/etc/sysctl.d/60-s.conf"});
    auto plan = import::plan_take_over(in);
    REQUIRE(plan.refusals.empty());
    CHECK(actions(plan) ==
          std::vector<std::string>{"backup /var/lib/sysknob/takeover/2026-01-01T000000Z-3/etc/sysctl.d/60-s.conf",
                                   "mask /etc/sysctl.d/60-s.conf"});
    CHECK(plan.steps[1].to == k_devnull);
    CHECK(plan.masked == std::vector<std::string>{"/usr/lib/sysctl.d/60-s.conf"});

    // One already masked by /dev/null in /run needs nothing.
    auto in2 = host({{"/etc/sysctl.d/60-s.conf", file("k = 2\n")}, {"/run/sysctl.d/60-s.conf", k_devnull}},
                    {"/etc/sysctl.d/60-s.conf"});
    CHECK(actions(import::plan_take_over(in2)).back() == "move-aside /etc/sysctl.d/60-s.conf");
}

TEST_CASE("the 99-sysctl.conf link takes /etc/sysctl.conf along, the link itself kept as a link")
{
    for (const char* target : {"../sysctl.conf", "/etc/sysctl.conf", "./../sysctl.conf"}) {
        auto in = host({{"/etc/sysctl.d/99-sysctl.conf", link(target)}, {"/etc/sysctl.conf", file("s = 1\n")}},
                       {"/etc/sysctl.d/99-sysctl.conf"});
        in.fingerprints["/etc/sysctl.d/99-sysctl.conf"] = import::fingerprint("s = 1\n");
        auto plan = import::plan_take_over(in);
        REQUIRE_MESSAGE(plan.refusals.empty(), target);
        CHECK(plan.moved == std::vector<std::string>{"/etc/sysctl.d/99-sysctl.conf", "/etc/sysctl.conf"});
        CHECK(plan.steps[0].to == link(target));
        CHECK(plan.steps[1].to == file("s = 1\n"));
    }
    auto in = host({{"/etc/sysctl.d/99-sysctl.conf", link("../sysctl.conf")}, {"/etc/sysctl.conf", file("s = 2\n")}},
                   {"/etc/sysctl.d/99-sysctl.conf"});
    in.fingerprints["/etc/sysctl.d/99-sysctl.conf"] = import::fingerprint("s = 1\n");
    CHECK(has_refusal(import::plan_take_over(in), "'/etc/sysctl.conf' (read through"));
}

TEST_CASE("backups come before any removal or mask, the profile first of all")
{
    auto in = host({{"/etc/sysctl.d/10-a.conf", file("a\n")},
                    {"/usr/lib/sysctl.d/20-b.conf", file("b\n")},
                    {"/etc/sysctl.d/30-c.conf", file("c\n")}},
                   {"/etc/sysctl.d/10-a.conf", "/usr/lib/sysctl.d/20-b.conf", "/etc/sysctl.d/30-c.conf"});
    in.profile_text = "[profile]\nname = \"host\"\n";
    auto plan = import::plan_take_over(in);
    REQUIRE(plan.refusals.empty());
    auto a = actions(plan);
    REQUIRE(a.size() == 6);
    CHECK(a[0] == "write-profile /etc/sysknob/profiles/host.toml");
    CHECK(a[1].starts_with("backup "));
    CHECK(a[2].starts_with("backup "));
    CHECK(a[3] == "move-aside /etc/sysctl.d/10-a.conf");
    CHECK(a[4] == "mask /etc/sysctl.d/20-b.conf");
    CHECK(a[5] == "move-aside /etc/sysctl.d/30-c.conf");
}

TEST_CASE("refusals: a real file where the mask goes, a changed file, own files, files boot does not read")
{
    SUBCASE("the /etc/sysctl.d name exists as a file that is not taken over")
    {
        auto in = host({{"/usr/lib/sysctl.d/50-p.conf", file("p\n")}, {"/etc/sysctl.d/50-p.conf", file("mine\n")}},
                       {"/usr/lib/sysctl.d/50-p.conf"});
        auto plan = import::plan_take_over(in);
        CHECK(has_refusal(plan, "'/etc/sysctl.d/50-p.conf' exists as a file"));
        CHECK(plan.steps.empty());
    }
    SUBCASE("or as a link elsewhere")
    {
        auto in = host({{"/usr/lib/sysctl.d/50-p.conf", file("p\n")}, {"/etc/sysctl.d/50-p.conf", link("/opt/x")}},
                       {"/usr/lib/sysctl.d/50-p.conf"});
        CHECK(has_refusal(import::plan_take_over(in), "exists as a link to '/opt/x'"));
    }
    SUBCASE("an existing /dev/null link is the mask already")
    {
        auto in = host({{"/usr/lib/sysctl.d/50-p.conf", file("p\n")}, {"/etc/sysctl.d/50-p.conf", k_devnull}},
                       {"/usr/lib/sysctl.d/50-p.conf"});
        auto plan = import::plan_take_over(in);
        CHECK(plan.refusals.empty());
        CHECK(plan.steps.empty());
    }
    SUBCASE("a file changed since it was read")
    {
        auto in = host({{"/etc/sysctl.d/10-a.conf", file("a = 1\n")}}, {"/etc/sysctl.d/10-a.conf"});
        in.fingerprints["/etc/sysctl.d/10-a.conf"] = import::fingerprint("a = 0\n");
        CHECK(has_refusal(import::plan_take_over(in), "changed since it was read"));
        in.observed["/etc/sysctl.d/10-a.conf"] = Entry{};
        CHECK(has_refusal(import::plan_take_over(in), "is gone since it was read"));
    }
    SUBCASE("sysknob's own fragment")
    {
        auto in = host({{"/etc/sysctl.d/90-sysknob.conf", file("x\n")}}, {"/etc/sysctl.d/90-sysknob.conf"});
        CHECK(has_refusal(import::plan_take_over(in), "sysknob's own file"));
    }
    SUBCASE("a file outside the directories boot reads")
    {
        auto in = host({}, {"/tmp/my.conf", "/etc/sysctl.d/notes.txt"});
        auto plan = import::plan_take_over(in);
        CHECK(plan.refusals.size() == 2);
        CHECK(has_refusal(plan, "'/tmp/my.conf' is not a file systemd-sysctl reads"));
    }
    SUBCASE("a line the profile could not hold, in a file taken over")
    {
        auto in = host({{"/etc/sysctl.d/10-a.conf", file("-net.x\n")}}, {"/etc/sysctl.d/10-a.conf"});
        in.findings.push_back(import::Finding{import::FindingKind::not_imported, "net.x", "/etc/sysctl.d/10-a.conf", 1,
                                              "'-net.x' excludes the key"});
        in.findings.push_back(
            import::Finding{import::FindingKind::conflict, "net.y", "/etc/sysctl.d/10-a.conf", 2, "overridden"});
        auto plan = import::plan_take_over(in);
        REQUIRE(plan.refusals.size() == 1);
        CHECK(has_refusal(plan, "/etc/sysctl.d/10-a.conf:1: '-net.x' excludes the key; the take-over would drop it"));
        CHECK(plan.steps.empty());
    }
}

TEST_CASE("a file imported twice is taken over once")
{
    auto in = host({{"/etc/sysctl.d/10-a.conf", file("a\n")}}, {"/etc/sysctl.d/10-a.conf", "/etc/sysctl.d/10-a.conf"});
    CHECK(import::plan_take_over(in).steps.size() == 2);
}

TEST_CASE("the profile's header stamps each sysctl file with its fingerprint, and stamps_in reads them back")
{
    import::Imported imp;
    imp.files = {"/etc/sysctl.d/10-a b.conf", "/usr/lib/tuned/x/tuned.conf"};
    imp.fingerprints["/etc/sysctl.d/10-a b.conf"] = import::fingerprint("a = 1\n");
    std::string text = import::write_profile(imp, "host", "d");
    auto stamps = import::stamps_in(text);
    REQUIRE(stamps.size() == 1);
    CHECK(stamps.at("/etc/sysctl.d/10-a b.conf") == import::fingerprint("a = 1\n"));
    CHECK(import::fingerprint("") == "fnv1a64:cbf29ce484222325");   // FNV-1a offset basis
    CHECK(import::fingerprint("a") == "fnv1a64:af63dc4c8601ec8c");  // the published test vector
}
