#include <cerrno>
#include <cstring>
#include <doctest/doctest.h>
#include <string>
#include <vector>

#include "apply/transaction.hpp"
#include "support/fake_sysctl_tree.hpp"

using sysknob::apply::LiveChange;
using sysknob::apply::undo_live;
using sysknob::apply::write_live;
using sysknob::test::FakeSysctlTree;

namespace {

// Four keys with their live values, and a plan that changes each of them.
FakeSysctlTree four_keys()
{
    return FakeSysctlTree({{"net.core.somaxconn", "4096"},
                           {"net.ipv4.ip_forward", "0"},
                           {"net.ipv4.tcp_rmem", "4096\t131072\t6291456"},
                           {"net.ipv4.tcp_congestion_control", "cubic"}});
}

std::vector<LiveChange> four_changes()
{
    return {{"net.ipv4.ip_forward", "0", "1"},
            {"net.core.somaxconn", "4096", "65535"},
            {"net.ipv4.tcp_rmem", "4096\t131072\t6291456", "4096 131072 16777216"},
            {"net.ipv4.tcp_congestion_control", "cubic", "bbr"}};
}

}  // namespace

TEST_CASE("a successful apply writes every change once, in plan order")
{
    auto tree = four_keys();
    auto changes = four_changes();
    std::vector<std::string> hooked;
    auto r = write_live(changes, tree, [&](const LiveChange& c) { hooked.push_back(c.key); });
    REQUIRE(r.has_value());
    std::vector<std::pair<std::string, std::string>> expected;
    for (const auto& c : changes)
        expected.emplace_back(c.key, c.to);
    CHECK(tree.accepted() == expected);
    CHECK(tree.writes.size() == changes.size());
    CHECK(hooked == std::vector<std::string>{"net.ipv4.ip_forward", "net.core.somaxconn", "net.ipv4.tcp_rmem",
                                             "net.ipv4.tcp_congestion_control"});
    CHECK(tree.values.at("net.ipv4.tcp_congestion_control") == "bbr");
}

TEST_CASE("a refused write at any position leaves every value as it was before")
{
    const auto changes = four_changes();
    const int errnos[] = {EINVAL, EACCES, EPERM, EROFS, EIO};
    for (int err : errnos) {
        for (size_t k = 0; k < changes.size(); ++k) {
            CAPTURE(err);
            CAPTURE(k);
            auto tree = four_keys();
            const auto before = tree.values;
            tree.fail_write(k, err);
            auto r = write_live(changes, tree);
            REQUIRE_FALSE(r.has_value());
            CHECK(tree.values == before);
            CHECK(r.error().code == err);
            // The message names the refused key, the value and the kernel's reason.
            const auto& msg = r.error().message;
            CHECK(msg.find("'" + changes[k].key + "'") != std::string::npos);
            CHECK(msg.find("'" + changes[k].to + "'") != std::string::npos);
            CHECK(msg.find(std::strerror(err)) != std::string::npos);
            // Writes after the refused one are never attempted: k forward
            // writes, the refused one, then k undo writes.
            CHECK(tree.writes.size() == 2 * k + 1);
            if (k > 0) CHECK(msg.find("put back") != std::string::npos);
        }
    }
}

TEST_CASE("undo after a refused write restores the earlier keys in reverse order")
{
    auto tree = four_keys();
    const auto changes = four_changes();
    tree.fail_write(3, EINVAL);
    auto r = write_live(changes, tree);
    REQUIRE_FALSE(r.has_value());
    std::vector<FakeSysctlTree::Write> expected = {
        {"net.ipv4.ip_forward", "1", true},
        {"net.core.somaxconn", "65535", true},
        {"net.ipv4.tcp_rmem", "4096 131072 16777216", true},
        {"net.ipv4.tcp_congestion_control", "bbr", false},
        {"net.ipv4.tcp_rmem", "4096\t131072\t6291456", true},
        {"net.core.somaxconn", "4096", true},
        {"net.ipv4.ip_forward", "0", true},
    };
    CHECK(tree.writes == expected);
    CHECK(r.error().message.find("the 3 values already written were put back") != std::string::npos);
}

TEST_CASE("a key that refuses every write is reported by name, whatever its position")
{
    auto tree = four_keys();
    tree.read_only.insert("net.core.somaxconn");
    auto r = write_live(four_changes(), tree);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().message.rfind("cannot write '65535' to 'net.core.somaxconn': " + std::string(std::strerror(EACCES)),
                                  0) == 0);
    CHECK(r.error().message.find("the 1 value already written was put back") != std::string::npos);
    CHECK(tree.values.at("net.ipv4.ip_forward") == "0");
}

TEST_CASE("a failed undo is reported and the other keys are still put back")
{
    auto tree = four_keys();
    const auto changes = four_changes();
    // Forward: writes 0,1,2 succeed, 3 fails. Undo: write 4 (tcp_rmem) fails too.
    tree.fail_write(3, EINVAL);
    tree.fail_write(4, EBUSY);
    auto r = write_live(changes, tree);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == EINVAL);
    CHECK(r.error().message.find("could not put back every earlier value") != std::string::npos);
    CHECK(r.error().message.find("net.ipv4.tcp_rmem") != std::string::npos);
    CHECK(tree.values.at("net.core.somaxconn") == "4096");
    CHECK(tree.values.at("net.ipv4.ip_forward") == "0");
}

TEST_CASE("a refused first write changes nothing and mentions no undo")
{
    auto tree = four_keys();
    tree.fail_key("net.ipv4.ip_forward", EPERM);
    auto r = write_live(four_changes(), tree);
    REQUIRE_FALSE(r.has_value());
    CHECK(tree.writes.size() == 1);
    CHECK(r.error().message == "cannot write '1' to 'net.ipv4.ip_forward': " + std::string(std::strerror(EPERM)));
}

TEST_CASE("an empty plan writes nothing and succeeds")
{
    auto tree = four_keys();
    CHECK(write_live({}, tree).has_value());
    CHECK(tree.writes.empty());
}

TEST_CASE("undo_live writes the previous values last first and returns the first error")
{
    auto tree = four_keys();
    auto changes = four_changes();
    tree.fail_key("net.ipv4.tcp_rmem", EIO);
    auto r = undo_live(changes, tree);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().message.find("'net.ipv4.tcp_rmem'") != std::string::npos);
    REQUIRE(tree.writes.size() == 4);
    CHECK(tree.writes[0].key == "net.ipv4.tcp_congestion_control");
    CHECK(tree.writes[3].key == "net.ipv4.ip_forward");
    CHECK(tree.writes[3].ok);
}
