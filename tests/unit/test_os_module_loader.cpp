// The scratch-directory ModuleLoader (os/dir_module_loader) that the netns
// tests use, and the /sys/module reading it shares with the libkmod one.
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#include "os/dir_module_loader.hpp"
#include "os/module_sysfs.hpp"
#include "support/scratch_dir.hpp"

using namespace sysknob;
using ports::ModuleState;

namespace {
std::string release()
{
    struct utsname u {};
    ::uname(&u);
    return u.release;
}
}  // namespace

TEST_CASE("module sysfs: initstate means loaded, a bare directory built in, nothing says nothing")
{
    test::ScratchDir d;
    d.write("nf_conntrack/initstate", "live\n");
    d.write("nf_conntrack/refcnt", "3\n");
    d.write("tcp_cubic/parameters/x", "1\n");
    os::ModuleSysfs sys(d.path.string());
    CHECK(sys.state("nf_conntrack") == ModuleState::loaded);
    CHECK(sys.state("nf-conntrack") == ModuleState::loaded);
    CHECK(sys.state("tcp_cubic") == ModuleState::builtin);
    CHECK_FALSE(sys.state("br_netfilter").has_value());
    CHECK(sys.refcount("nf_conntrack").value() == 3);
}

TEST_CASE("module sysfs: parameter writability comes from the mode bits; write reads back")
{
    test::ScratchDir d;
    d.write("nf_conntrack/parameters/hashsize", "65536\n");
    d.write("nf_conntrack/parameters/expect_hashsize", "1024\n");
    ::chmod((d.path / "nf_conntrack/parameters/hashsize").c_str(), 0600);
    ::chmod((d.path / "nf_conntrack/parameters/expect_hashsize").c_str(), 0400);
    os::ModuleSysfs sys(d.path.string());
    auto h = sys.read_param("nf_conntrack", "hashsize");
    REQUIRE(h);
    CHECK(h->text == "65536");
    CHECK(h->writable);
    CHECK_FALSE(sys.read_param("nf_conntrack", "expect_hashsize")->writable);
    auto missing = sys.read_param("nf_conntrack", "nope");
    REQUIRE_FALSE(missing);
    CHECK(missing.error().code == ENOENT);
    auto kept = sys.write_param("nf_conntrack", "hashsize", "131072");
    REQUIRE(kept);
    CHECK(*kept == "131072");
}

TEST_CASE("dir module loader: states from modules.dep, modules.builtin and sys/module")
{
    test::ScratchDir d;
    std::string lib = "lib/modules/" + release() + "/";
    d.write(lib + "modules.dep",
            "kernel/net/netfilter/nf_conntrack.ko.xz: kernel/net/ipv4/netfilter/nf_defrag_ipv4.ko.xz\n"
            "kernel/net/ipv4/netfilter/nf_defrag_ipv4.ko.xz:\n"
            "kernel/net/bridge/br_netfilter.ko.xz:\n");
    d.write(lib + "modules.builtin", "kernel/net/ipv4/tcp_cubic.ko\n");
    d.write("defaults/nf_conntrack/hashsize", "16384\n");
    ::chmod((d.path / "defaults/nf_conntrack/hashsize").c_str(), 0600);
    d.write("defaults/nf_conntrack/expect_hashsize", "256\n");
    ::chmod((d.path / "defaults/nf_conntrack/expect_hashsize").c_str(), 0400);
    os::DirModuleLoader m(d.path.string());
    CHECK(m.state("nf_conntrack").value() == ModuleState::available);
    CHECK(m.state("tcp_cubic").value() == ModuleState::builtin);
    CHECK(m.state("no_such_module").value() == ModuleState::absent);

    auto inserted = m.load("nf_conntrack", "hashsize=262144");
    REQUIRE(inserted);
    CHECK(*inserted == std::vector<std::string>{"nf_defrag_ipv4", "nf_conntrack"});
    CHECK(m.state("nf_conntrack").value() == ModuleState::loaded);
    CHECK(m.read_param("nf_conntrack", "hashsize")->text == "262144");
    CHECK_FALSE(m.read_param("nf_conntrack", "expect_hashsize")->writable);
    CHECK_FALSE(m.write_param("nf_conntrack", "expect_hashsize", "512"));
    CHECK(m.load("nf_conntrack", "")->empty());  // loaded already: inserts nothing

    d.write("sys/module/nf_conntrack/refcnt", "1\n");
    CHECK_FALSE(m.unload("nf_conntrack"));
    d.write("sys/module/nf_conntrack/refcnt", "0\n");
    CHECK(m.unload("nf_conntrack"));
    CHECK(m.state("nf_conntrack").value() == ModuleState::available);

    auto absent = m.load("no_such_module", "");
    REQUIRE_FALSE(absent);
    CHECK(absent.error().message.find(release()) != std::string::npos);
    d.write("refuse-load", "br_netfilter\n");
    CHECK_FALSE(m.load("br_netfilter", ""));
    CHECK(m.state("br_netfilter").value() == ModuleState::available);
}
