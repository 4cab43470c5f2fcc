#include <cstdlib>
#include <doctest/doctest.h>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "profile/loader.hpp"

using namespace sysknob;

namespace {

struct Dirs {
    std::string root, admin, shipped;
    Dirs()
    {
        std::string t = (std::filesystem::temp_directory_path() / "sysknob-loader-XXXXXX").string();
        REQUIRE(::mkdtemp(t.data()) != nullptr);
        root = t;
        admin = root + "/etc";
        shipped = root + "/usr";
        std::filesystem::create_directories(admin);
        std::filesystem::create_directories(shipped);
    }
    ~Dirs() { std::filesystem::remove_all(root); }
    Dirs(const Dirs&) = delete;
    Dirs& operator=(const Dirs&) = delete;
    std::vector<std::string> both() const { return {admin, shipped}; }
};

void write(const std::string& path, const std::string& text)
{
    std::ofstream(path, std::ios::binary) << text;
}

std::string value(const profile::LoadResult& r, const std::string& key)
{
    const auto* s = r.resolved.find(key);
    return s ? s->value.render() + " (" + s->profile + ")" : "<unset>";
}

}  // namespace

TEST_CASE("an argument with a slash or ending in .toml is a path, otherwise a name")
{
    CHECK(profile::is_path_argument("./web"));
    CHECK(profile::is_path_argument("web.toml"));
    CHECK(profile::is_path_argument("/etc/x/web"));
    CHECK_FALSE(profile::is_path_argument("web"));
}

TEST_CASE("an admin profile overrides a shipped profile of the same name")
{
    Dirs d;
    write(d.shipped + "/web.toml", "[sysctl]\nnet.core.somaxconn = 1\n");
    write(d.admin + "/web.toml", "[sysctl]\nnet.core.somaxconn = 2\n");
    auto r = profile::load_profiles({"web"}, d.both());
    CHECK(r.diagnostics.empty());
    CHECK(value(r, "net.core.somaxconn") == "2 (web)");
    CHECK(r.resolved.files == std::vector<std::string>{d.admin + "/web.toml"});
    auto list = profile::list_profiles(d.both());
    REQUIRE(list.size() == 1);
    CHECK(list[0].path == d.admin + "/web.toml");
    CHECK(list[0].overrides_shipped);
}

TEST_CASE("a profile that does not exist is reported by name")
{
    Dirs d;
    auto r = profile::load_profiles({"nope"}, d.both());
    REQUIRE(r.diagnostics.size() == 1);
    CHECK(r.diagnostics[0].id == "SK0002");
    CHECK(r.diagnostics[0].message == "profile 'nope' not found");
    auto p = profile::load_profiles({d.root + "/missing.toml"}, d.both());
    REQUIRE(p.diagnostics.size() == 1);
    CHECK(p.diagnostics[0].id == "SK0002");
    CHECK(p.diagnostics[0].where.file == d.root + "/missing.toml");
}

TEST_CASE("several profiles compose left to right, later wins")
{
    Dirs d;
    write(d.shipped + "/a.toml", "[sysctl]\nnet.core.somaxconn = 1\nnet.ipv4.tcp_sack = 1\n");
    write(d.shipped + "/b.toml", "[sysctl]\nnet.core.somaxconn = 2\n");
    auto r = profile::load_profiles({"a", "b"}, d.both());
    CHECK(r.diagnostics.empty());
    CHECK(value(r, "net.core.somaxconn") == "2 (b)");
    CHECK(value(r, "net.ipv4.tcp_sack") == "1 (a)");
    CHECK(r.resolved.display_name() == "a+b");
    CHECK(r.resolved.settings.front().key == "net.core.somaxconn");
}

TEST_CASE("a parent shared by two branches is read once and the child still wins")
{
    Dirs d;
    write(d.shipped + "/base.toml", "[sysctl]\nnet.core.somaxconn = 1\n");
    write(d.shipped + "/left.toml", "[profile]\nextends = [\"base\"]\n[sysctl]\nnet.core.somaxconn = 2\n");
    write(d.shipped + "/right.toml", "[profile]\nextends = [\"base\"]\n");
    write(d.shipped + "/top.toml", "[profile]\nextends = [\"left\", \"right\"]\n");
    auto r = profile::load_profiles({"top"}, d.both());
    CHECK(r.diagnostics.empty());
    // right's parent base is not composed again, so left's value stands.
    CHECK(value(r, "net.core.somaxconn") == "2 (left)");
    CHECK(r.resolved.files.size() == 4);
}

TEST_CASE("extends takes names, never paths")
{
    Dirs d;
    write(d.shipped + "/top.toml", "[profile]\nextends = [\"../etc/top\"]\n");
    auto r = profile::load_profiles({"top"}, d.both());
    REQUIRE(r.diagnostics.size() == 1);
    CHECK(r.diagnostics[0].id == "SK0008");
    CHECK(r.diagnostics[0].message == "extends '../etc/top' is not a profile name");
}

TEST_CASE("a declared name that is not the file name is an error (SK0011) on the name line")
{
    Dirs d;
    write(d.admin + "/web.toml", "# web servers\n[profile]\nname = \"acc-boot\"\n[sysctl]\nnet.core.somaxconn = 4096\n");
    auto r = profile::load_profiles({"web"}, d.both());
    REQUIRE(r.diagnostics.size() == 1);
    const auto& diag = r.diagnostics[0];
    CHECK(diag.id == "SK0011");
    CHECK(diag.severity == model::Severity::error);
    CHECK(diag.where.file == d.admin + "/web.toml");
    CHECK(diag.where.line == 3);
    CHECK(diag.message == "profile name 'acc-boot' does not match its file name 'web.toml'");
    CHECK(diag.hint == "a profile is known by its file name: write name = \"web\", or rename the file to acc-boot.toml");
    CHECK(r.resolved.names == std::vector<std::string>{"web"});  // the file name counts

    // The same by path, and through extends.
    CHECK(profile::load_profiles({d.admin + "/web.toml"}, d.both()).diagnostics.at(0).id == "SK0011");
    write(d.admin + "/child.toml", "[profile]\nextends = \"web\"\n[sysctl]\nnet.core.somaxconn = 1\n");
    auto c = profile::load_profiles({"child"}, d.both());
    REQUIRE_FALSE(c.diagnostics.empty());
    CHECK(c.diagnostics[0].id == "SK0011");

    // The file's own name, or none, is fine.
    write(d.admin + "/web.toml", "[profile]\nname = \"web\"\n[sysctl]\nnet.core.somaxconn = 4096\n");
    CHECK(profile::load_profiles({"web"}, d.both()).diagnostics.empty());
    write(d.admin + "/web.toml", "[sysctl]\nnet.core.somaxconn = 4096\n");
    CHECK(profile::load_profiles({"web"}, d.both()).diagnostics.empty());
}

TEST_CASE("a given text is loaded under its path without touching the disk, and extends still works")
{
    Dirs d;
    write(d.admin + "/base.toml", "[sysctl]\nnet.core.somaxconn = 1\nnet.ipv4.tcp_fin_timeout = 30\n");
    const std::string path = d.admin + "/host.toml";
    profile::GivenTexts given{{path, "[profile]\nextends = [\"base\"]\n[sysctl]\nnet.core.somaxconn = 7\n"}};
    auto r = profile::load_profiles({path}, d.both(), given);
    CHECK(r.diagnostics.empty());
    CHECK(value(r, "net.core.somaxconn") == "7 (host)");
    CHECK(value(r, "net.ipv4.tcp_fin_timeout") == "30 (base)");
    CHECK(r.resolved.names == std::vector<std::string>{"host"});
    CHECK_FALSE(std::filesystem::exists(path));
    // Findings name the path it was given under.
    profile::GivenTexts broken{{path, "[sysctl]\nnet.core.somaxconn = \n"}};
    auto b = profile::load_profiles({path}, d.both(), broken);
    REQUIRE_FALSE(b.diagnostics.empty());
    CHECK(b.diagnostics[0].where.file == path);
    // A file on disk at that path is not read when a text is given.
    write(path, "[sysctl]\nnet.core.somaxconn = 9\n");
    CHECK(value(profile::load_profiles({path}, d.both(), given), "net.core.somaxconn") == "7 (host)");
    CHECK(value(profile::load_profiles({path}, d.both()), "net.core.somaxconn") == "9 (host)");
}
