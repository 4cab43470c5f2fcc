#include <doctest/doctest.h>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

#include "os/file_entry.hpp"
#include "support/scratch_dir.hpp"

using namespace sysknob;
using snapshot::Entry;
using snapshot::EntryKind;

TEST_CASE("an entry read and set again is the same: file bytes, mode, owner; a link's target; nothing")
{
    test::ScratchDir d;
    const std::string base = d.path.string();
    d.write("a.conf", std::string("x = 1\n\0binary\n", 15));
    ::chmod((base + "/a.conf").c_str(), 0640);
    d.link("../sysctl.conf", "l.conf");

    auto a = os::read_entry(base + "/a.conf");
    REQUIRE(a);
    CHECK(a->kind == EntryKind::file);
    CHECK(a->content.size() == 15);
    CHECK(a->mode == 0640);
    CHECK(a->uid == ::geteuid());
    auto l = os::read_entry(base + "/l.conf");
    REQUIRE(l);
    CHECK(*l == Entry{EntryKind::symlink, "../sysctl.conf", 0644, ::geteuid(), ::getegid()});
    auto none = os::read_entry(base + "/none.conf");
    REQUIRE(none);
    CHECK(*none == Entry{});

    // Copy both elsewhere, then compare.
    REQUIRE(os::set_entry(base + "/copy/sub/a.conf", *a));
    REQUIRE(os::set_entry(base + "/copy/l.conf", *l));
    CHECK(*os::read_entry(base + "/copy/sub/a.conf") == *a);
    CHECK(*os::read_entry(base + "/copy/l.conf") == *l);
    // A file replaced by a link and back, atomically in place.
    REQUIRE(os::set_entry(base + "/a.conf", Entry{EntryKind::symlink, "/dev/null", 0644, ::geteuid(), ::getegid()}));
    CHECK(os::read_entry(base + "/a.conf")->content == "/dev/null");
    REQUIRE(os::set_entry(base + "/a.conf", *a));
    CHECK(*os::read_entry(base + "/a.conf") == *a);
    CHECK(::access((base + "/.a.conf.sysknob-tmp").c_str(), F_OK) != 0);
}

TEST_CASE("directories below the private one are made 0700 and removed with their last entry")
{
    test::ScratchDir d;
    const std::string priv = d.path.string() + "/takeover";
    Entry f{EntryKind::file, "x\n", 0644, ::geteuid(), ::getegid()};
    REQUIRE(os::set_entry(priv + "/2026-1/etc/sysctl.d/a.conf", f, priv));
    REQUIRE(os::set_entry(priv + "/2026-1/etc/sysctl.conf", f, priv));
    struct stat st {};
    REQUIRE(::stat((priv + "/2026-1/etc").c_str(), &st) == 0);
    CHECK((st.st_mode & 07777) == 0700);
    REQUIRE(os::set_entry(priv + "/2026-1/etc/sysctl.d/a.conf", Entry{}, priv));
    CHECK(::access((priv + "/2026-1/etc/sysctl.d").c_str(), F_OK) != 0);
    CHECK(::access((priv + "/2026-1/etc").c_str(), F_OK) == 0);  // sysctl.conf is still there
    REQUIRE(os::set_entry(priv + "/2026-1/etc/sysctl.conf", Entry{}, priv));
    CHECK(::access(priv.c_str(), F_OK) != 0);
    CHECK(::access(d.path.c_str(), F_OK) == 0);                // never above it
    CHECK(os::set_entry(priv + "/gone.conf", Entry{}, priv));  // absent already: nothing to do
}

TEST_CASE("entries a take-over never touches are refused")
{
    test::ScratchDir d;
    auto r = os::read_entry(d.path.string());
    REQUIRE(!r);
    CHECK(r.error().message.find("not a regular file or a symbolic link") != std::string::npos);
}
