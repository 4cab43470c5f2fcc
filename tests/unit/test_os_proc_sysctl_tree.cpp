// os::ProcSysctlTree on a scratch directory standing in for /proc/sys: the
// path mapping, the reused buffers, kept descriptors and the listing cache.
#include <algorithm>
#include <doctest/doctest.h>
#include <filesystem>
#include <fstream>
#include <string>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

#include "os/proc_sysctl_tree.hpp"
#include "support/scratch_dir.hpp"

using namespace sysknob;
namespace fs = std::filesystem;

namespace {

using ScratchProc = test::ScratchDir;

}  // namespace

TEST_CASE("keys map to paths, with a dot inside an interface name kept as a dot")
{
    ScratchProc proc;
    proc.write("net/ipv4/conf/eth0.100/rp_filter", "1\n");
    proc.write("net/core/somaxconn", "4096\n");
    os::ProcSysctlTree tree(proc.path.string());
    auto v = tree.read("net.ipv4.conf.eth0/100.rp_filter", ports::Intent::read);
    REQUIRE(v);
    CHECK(v->text == "1\n");
    auto s = tree.read("net.core.somaxconn", ports::Intent::write);
    REQUIRE(s);
    CHECK(s->text == "4096\n");
    CHECK(s->writable);
    auto missing = tree.read("net.core.nope", ports::Intent::read);
    REQUIRE_FALSE(missing);
    CHECK(missing.error().message == "'net.core.nope' does not exist");
    // The same key read again (kept descriptor) and another one in between
    // (reused path buffer) both give their own values.
    CHECK(tree.read("net.ipv4.conf.eth0/100.rp_filter", ports::Intent::read)->text == "1\n");
    CHECK(tree.read("net.core.somaxconn", ports::Intent::write)->text == "4096\n");
    REQUIRE(tree.write("net.core.somaxconn", "8192"));
    CHECK(proc.read("net/core/somaxconn") == "8192\n");
}

TEST_CASE("a directory is listed once per tree: later entries are not seen")
{
    ScratchProc proc;
    proc.write("net/ipv4/conf/all/rp_filter", "0\n");
    proc.write("net/ipv4/conf/eth0.100/rp_filter", "0\n");
    os::ProcSysctlTree tree(proc.path.string());
    auto first = tree.list("net.ipv4.conf");
    REQUIRE(first);
    std::vector<std::string> names = *first;
    std::sort(names.begin(), names.end());
    CHECK(names == std::vector<std::string>{"all", "eth0/100"});
    proc.write("net/ipv4/conf/lo/rp_filter", "0\n");
    auto second = tree.list("net.ipv4.conf");
    REQUIRE(second);
    CHECK(second->size() == 2);
    os::ProcSysctlTree fresh(proc.path.string());
    CHECK(fresh.list("net.ipv4.conf")->size() == 3);
    CHECK_FALSE(fresh.list("net.ipv9"));
}

TEST_CASE("a directory of keys is not a key: probe says absent, not read-only")
{
    // "net.ipv4 = 1" once passed lint as a read-only key (open O_RDWR of a
    // directory fails with EISDIR, and the directory exists).
    ScratchProc proc;
    proc.write("net/ipv4/conf/lo/rp_filter", "0\n");
    proc.write("net/ipv4/tcp_syncookies", "1\n");
    os::ProcSysctlTree tree(proc.path.string());
    CHECK(tree.probe("net.ipv4") == ports::Access::absent);
    CHECK(tree.probe("net.ipv4.conf.lo") == ports::Access::absent);
    CHECK(tree.probe("net.ipv4.tcp_syncookies") == ports::Access::writable);
    ::chmod((proc.path / "net/ipv4/tcp_syncookies").c_str(), 0444);
    os::ProcSysctlTree again(proc.path.string());
    CHECK(again.probe("net.ipv4.conf") == ports::Access::absent);
    if (::geteuid() != 0) CHECK(again.probe("net.ipv4.tcp_syncookies") == ports::Access::read_only);
}
