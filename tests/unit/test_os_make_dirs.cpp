// os::make_dirs, the one directory creator of the writers (atomic files,
// take-over entries), and util/path.hpp's lexical helpers.
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "os/atomic_file.hpp"
#include "support/scratch_dir.hpp"
#include "util/path.hpp"

using namespace sysknob;

namespace {

mode_t mode_of(const std::filesystem::path& p)
{
    struct stat st {};
    REQUIRE(::lstat(p.c_str(), &st) == 0);
    return st.st_mode & 07777;
}

}  // namespace

TEST_CASE("dir_of, base_name and is_below are lexical")
{
    CHECK(util::dir_of("/etc/sysctl.d/10-x.conf") == "/etc/sysctl.d");
    CHECK(util::dir_of("/x") == "/");
    CHECK(util::dir_of("x") == ".");
    CHECK(util::base_name("/etc/sysctl.d/10-x.conf") == "10-x.conf");
    CHECK(util::base_name("x") == "x");
    CHECK(util::is_below("/var/lib/sysknob/takeover", "/var/lib/sysknob"));
    CHECK_FALSE(util::is_below("/var/lib/sysknob", "/var/lib/sysknob"));
    CHECK_FALSE(util::is_below("/var/lib/sysknobx", "/var/lib/sysknob"));
    CHECK_FALSE(util::is_below("/a", ""));
}

TEST_CASE("make_dirs creates missing parents at the mode, private ones at the private mode")
{
    ::umask(022);
    test::ScratchDir d;
    const std::string state = (d.path / "var/lib/sysknob").string();
    os::MakeDirs how;
    how.private_below = state;
    REQUIRE(os::make_dirs(state + "/takeover/2026-1/etc/sysctl.d", how));
    CHECK(mode_of(d.path / "var") == 0755);
    CHECK(mode_of(d.path / "var/lib") == 0755);
    CHECK(mode_of(state) == 0700);
    CHECK(mode_of(state + "/takeover/2026-1/etc") == 0700);
    REQUIRE(os::make_dirs((d.path / "etc/sysctl.d").string()));
    CHECK(mode_of(d.path / "etc/sysctl.d") == 0755);
    CHECK(os::make_dirs((d.path / "etc/sysctl.d").string()));  // existing: fine
}

TEST_CASE("make_dirs follows a link to a directory, or refuses it when told to")
{
    test::ScratchDir d;
    std::filesystem::create_directories(d.path / "real");
    std::filesystem::create_directory_symlink(d.path / "real", d.path / "link");
    CHECK(os::make_dirs((d.path / "link/sub").string()));
    CHECK(std::filesystem::is_directory(d.path / "real/sub"));

    os::MakeDirs strict;
    strict.follow_links = false;
    auto r = os::make_dirs((d.path / "link/other").string(), strict);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == ENOTDIR);
    CHECK(r.error().message.find("exists and is not a directory") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(d.path / "real/other"));

    d.write("file", "x");
    auto f = os::make_dirs((d.path / "file/sub").string());
    REQUIRE_FALSE(f);
    CHECK(f.error().code == ENOTDIR);
}

TEST_CASE("temporary_for names the hidden temporary next to the file")
{
    CHECK(os::temporary_for("/etc/sysctl.d/90-sysknob.conf") == "/etc/sysctl.d/.90-sysknob.conf.sysknob-tmp");
}
