// os::read_sysctl_d_tree() on scratch trees: what it gathers for the boot model.
#include <algorithm>
#include <cstdlib>
#include <doctest/doctest.h>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>
#include <vector>

#include "os/sysctl_d_tree.hpp"
#include "support/scratch_dir.hpp"

using namespace sysknob;
namespace fs = std::filesystem;

namespace {

using ScratchRoot = test::ScratchDir;

const boot::ConfigFile* find(const std::vector<boot::ConfigFile>& files, const std::string& dir,
                             const std::string& name)
{
    for (const auto& f : files) {
        if (f.directory == dir && f.name == name) return &f;
    }
    return nullptr;
}

}  // namespace

TEST_CASE("the tree reader gathers *.conf files, /dev/null links and /etc/sysctl.conf")
{
    ScratchRoot root;
    root.write("etc/sysctl.conf", "vm.swappiness = 10\n");
    root.link("../sysctl.conf", "etc/sysctl.d/99-sysctl.conf");
    root.write("etc/sysctl.d/10-a.conf", "net.x = 1\n");
    root.write("etc/sysctl.d/README", "net.x = 2\n");
    root.write("etc/sysctl.d/.hidden.conf", "net.x = 3\n");
    root.link("/dev/null", "etc/sysctl.d/50-default.conf");
    root.write("usr/lib/sysctl.d/50-default.conf", "net.ipv4.conf.*.rp_filter = 2\n");
    // An absolute link resolves inside the root, not on the host.
    root.write("opt/vendor.conf", "net.y = inside\n");
    root.link("/opt/vendor.conf", "run/sysctl.d/20-vendor.conf");
    root.link("/nonexistent.conf", "run/sysctl.d/30-dangling.conf");
    // Merged /usr: /lib/sysctl.d is /usr/lib/sysctl.d and is read once.
    root.link("usr/lib", "lib");

    std::vector<boot::ParseIssue> issues;
    auto files = os::read_sysctl_d_tree(root.path.string(), issues);
    REQUIRE(files);
    CHECK(files->size() == 7);  // 99-sysctl, 10-a, 50-default x2, 20-vendor, 30-dangling, sysctl.conf

    const auto* a = find(*files, "/etc/sysctl.d", "10-a.conf");
    REQUIRE(a != nullptr);
    CHECK(a->content == "net.x = 1\n");
    CHECK(find(*files, "/etc/sysctl.d", "README") == nullptr);
    CHECK(find(*files, "/etc/sysctl.d", ".hidden.conf") == nullptr);

    const auto* masked = find(*files, "/etc/sysctl.d", "50-default.conf");
    REQUIRE(masked != nullptr);
    CHECK(masked->masked_to_devnull);
    CHECK(masked->content.empty());

    const auto* via_link = find(*files, "/etc/sysctl.d", "99-sysctl.conf");
    REQUIRE(via_link != nullptr);
    CHECK(via_link->content == "vm.swappiness = 10\n");
    const auto* conf = find(*files, "/etc", "sysctl.conf");
    REQUIRE(conf != nullptr);

    const auto* vendor = find(*files, "/run/sysctl.d", "20-vendor.conf");
    REQUIRE(vendor != nullptr);
    CHECK(vendor->content == "net.y = inside\n");

    // A dangling link still masks its name, so it is kept, empty.
    const auto* dangling = find(*files, "/run/sysctl.d", "30-dangling.conf");
    REQUIRE(dangling != nullptr);
    CHECK(dangling->content.empty());
    CHECK_FALSE(issues.empty());

    CHECK(find(*files, "/lib/sysctl.d", "50-default.conf") == nullptr);

    auto result = boot::build_boot_model(*files);
    CHECK(result.table.size() == 3);  // net.x, net.y, vm.swappiness (glob file masked)
}

TEST_CASE("a file larger than the limit is kept empty with an issue")
{
    ScratchRoot root;
    root.write("etc/sysctl.d/big.conf", "");
    fs::resize_file(root.path / "etc/sysctl.d/big.conf", os::k_max_config_size + 1);
    std::vector<boot::ParseIssue> issues;
    auto files = os::read_sysctl_d_tree(root.path.string(), issues);
    REQUIRE(files);
    REQUIRE(files->size() == 1);
    CHECK((*files)[0].content.empty());
    REQUIRE(issues.size() == 1);
    CHECK(issues[0].file == "/etc/sysctl.d/big.conf");
}

TEST_CASE("a missing root is an error")
{
    std::vector<boot::ParseIssue> issues;
    auto files = os::read_sysctl_d_tree("/nonexistent/sysknob-root", issues);
    REQUIRE_FALSE(files);
    CHECK(files.error().message.find("cannot open root directory") == 0);
}

TEST_CASE("names_after gathers only the names read after a given one, and /etc/sysctl.conf")
{
    ScratchRoot root;
    root.write("etc/sysctl.conf", "net.z = 1\n");
    root.write("etc/sysctl.d/10-a.conf", "net.x = 1\n");
    root.write("etc/sysctl.d/90-sysknob.conf", "net.x = 2\n");
    root.write("run/sysctl.d/90-sysknob.conf", "net.x = 3\n");
    root.write("usr/lib/sysctl.d/90-sysknob.conf.d.conf", "net.x = 4\n");  // sorts after "90-sysknob.conf"
    root.write("usr/lib/sysctl.d/99-z.conf", "net.x = 5\n");
    root.write("usr/local/lib/sysctl.d/50-b.conf", "net.x = 6\n");
    std::vector<boot::ParseIssue> issues;
    auto files = os::read_sysctl_d_tree(root.path.string(), issues, "90-sysknob.conf");
    REQUIRE(files);
    std::vector<std::string> got;
    for (const auto& f : *files)
        got.push_back(f.directory + "/" + f.name);
    CHECK(got == std::vector<std::string>{"/usr/lib/sysctl.d/90-sysknob.conf.d.conf", "/usr/lib/sysctl.d/99-z.conf",
                                          "/etc/sysctl.conf"});
    auto all = os::read_sysctl_d_tree(root.path.string(), issues);
    REQUIRE(all);
    CHECK(all->size() == 7);
}

TEST_CASE("names come out in byte order within each directory, whatever order the file system lists them in")
{
    // tmpfs lists the newest entry first, ext4 in hash order: created in a
    // scrambled order (neither sorted nor reversed), 42 names come out
    // sorted only if the reader sorts them.
    ScratchRoot root;
    std::vector<std::string> names;
    for (int i = 0; i < 40; ++i)
        names.push_back(std::to_string(i) + "-x.conf");  // "10-x" < "2-x" in byte order
    names.push_back("Z.conf");                          // 'Z' (0x5a) < 'a' (0x61)
    names.push_back("a.conf");
    std::vector<std::string> sorted = names;
    std::sort(sorted.begin(), sorted.end());
    for (size_t i = 0; i < sorted.size(); ++i) {
        const std::string& n = sorted[(i * 17) % sorted.size()];  // 17 is prime to 42: a permutation
        root.write("etc/sysctl.d/" + n, "net.x = 1\n");
        root.write("usr/lib/sysctl.d/" + n, "net.x = 2\n");
    }
    std::vector<boot::ParseIssue> issues;
    auto files = os::read_sysctl_d_tree(root.path.string(), issues);
    REQUIRE(files);
    std::vector<std::string> expected;
    for (const auto& dir : {"/etc/sysctl.d/", "/usr/lib/sysctl.d/"})
        for (const auto& n : sorted)
            expected.push_back(dir + n);
    std::vector<std::string> got;
    for (const auto& f : *files)
        got.push_back(f.directory + "/" + f.name);
    CHECK(got == expected);
    CHECK(issues.empty());
}
