// The writeback pairs: a write of vm.dirty_background_bytes sets
// vm.dirty_background_ratio to 0 and back (every write), vm.dirty_bytes
// and vm.dirty_ratio likewise (when the value changes), and the kernel
// refuses 0 for the _bytes keys (mm/page-writeback.c v6.12,
// dirty_*_handler(), vm_page_writeback_sysctls). A fake tree with that
// handler: apply, rollback, redo and the undo of a failed change all come
// back to the exact values before, writing only the member that is not 0.
#include <doctest/doctest.h>

#include "apply/coupled.hpp"
#include "support/change_world.hpp"

using namespace sysknob;
using test::ChangeWorld;

namespace {

// The kernel's handlers, written out from mm/page-writeback.c (v6.12).
int page_writeback(test::FakeSysctlTree& t, const std::string& key, const std::string& value)
{
    auto& v = t.values;
    if (key == "vm.dirty_background_bytes") {
        if (value == "0") return EINVAL;  // extra1 = SYSCTL_LONG_ONE
        v["vm.dirty_background_ratio"] = "0";
    } else if (key == "vm.dirty_background_ratio") {
        v["vm.dirty_background_bytes"] = "0";
    } else if (key == "vm.dirty_bytes") {
        if (std::stoll(value) < 8192) return EINVAL;  // dirty_bytes_min = 2 pages
        if (v[key] != value) v["vm.dirty_ratio"] = "0";
    } else if (key == "vm.dirty_ratio") {
        if (v[key] != value) v["vm.dirty_bytes"] = "0";
    }
    return 0;
}

void writeback_keys(ChangeWorld& w)
{
    w.tree.set("vm.dirty_background_ratio", "10")
        .set("vm.dirty_background_bytes", "0")
        .set("vm.dirty_ratio", "20")
        .set("vm.dirty_bytes", "0");
    w.tree.handler = page_writeback;
}

}  // namespace

TEST_CASE("rollback of dirty_background_bytes restores the ratio, never writing bytes = 0")
{
    ChangeWorld w;
    writeback_keys(w);
    const auto before = w.world();
    auto s = w.apply(w.profile("bg", "vm.dirty_background_bytes = 67108864\n"));
    REQUIRE(s);
    CHECK(w.tree.values["vm.dirty_background_bytes"] == "67108864");
    CHECK(w.tree.values["vm.dirty_background_ratio"] == "0");
    // The snapshot records the ratio the write zeroed.
    bool recorded = false;
    for (const auto& k : s->keys)
        recorded = recorded || (k.key == "vm.dirty_background_ratio" && k.value == "10");
    CHECK(recorded);

    w.tree.writes.clear();
    auto r = w.rollback();
    REQUIRE(r);
    CHECK(w.world() == before);
    // Only the ratio was written; its write put bytes back to 0.
    CHECK(w.tree.writes == std::vector<test::FakeSysctlTree::Write>{{"vm.dirty_background_ratio", "10", true}});

    // The rollback of the rollback writes bytes again (the ratio follows).
    auto redo = w.rollback(r->snap.id);
    REQUIRE(redo);
    CHECK(w.tree.values["vm.dirty_background_bytes"] == "67108864");
    CHECK(w.tree.values["vm.dirty_background_ratio"] == "0");
}

TEST_CASE("rollback of dirty_background_ratio over bytes in effect writes bytes back")
{
    ChangeWorld w;
    writeback_keys(w);
    w.tree.values["vm.dirty_background_bytes"] = "33554432";
    w.tree.values["vm.dirty_background_ratio"] = "0";
    const auto before = w.world();
    change::PrepareOptions o;
    o.intent = ports::Intent::write;
    auto p = change::prepare(w.env, w.load(w.profile("bgr", "vm.dirty_background_ratio = 5\n")), o);
    REQUIRE(p);
    // diff and apply say that the other member of the pair moves.
    REQUIRE(p->warnings.size() == 1);
    CHECK(p->warnings[0] ==
          "writing 'vm.dirty_background_ratio' sets 'vm.dirty_background_bytes' (now 33554432) to 0: the kernel keeps "
          "one of the pair in effect; rollback restores it");
    REQUIRE(w.apply(w.profile("bgr", "vm.dirty_background_ratio = 5\n")));
    CHECK(w.tree.values["vm.dirty_background_bytes"] == "0");
    REQUIRE(w.rollback());
    CHECK(w.world() == before);
}

TEST_CASE("rollback of dirty_bytes restores dirty_ratio")
{
    ChangeWorld w;
    writeback_keys(w);
    const auto before = w.world();
    REQUIRE(w.apply(w.profile("db", "vm.dirty_bytes = 268435456\n")));
    CHECK(w.tree.values["vm.dirty_ratio"] == "0");
    REQUIRE(w.rollback());
    CHECK(w.world() == before);
}

TEST_CASE("a failed change undoes a coupled write exactly")
{
    ChangeWorld w;
    writeback_keys(w);
    const auto before = w.world();
    w.files.fail_write[std::string(persist::k_state_file)] = ENOSPC;
    auto r = w.apply(w.profile("bg", "vm.dirty_background_bytes = 67108864\nnet.core.somaxconn = 1234\n"));
    REQUIRE_FALSE(r);
    CHECK(r.error().message.find("live values and files were put back") != std::string::npos);
    CHECK(w.world() == before);
}

TEST_CASE("drop_implied_restores keeps the member that is not 0, or the one that takes 0")
{
    using apply::LiveChange;
    std::vector<LiveChange> r = {{"vm.dirty_background_bytes", "x", "0"}, {"vm.dirty_background_ratio", "x", "10"}};
    apply::drop_implied_restores(r, apply::RestoreSide::to);
    REQUIRE(r.size() == 1);
    CHECK(r[0].key == "vm.dirty_background_ratio");

    r = {{"vm.dirty_background_bytes", "0", "x"}, {"vm.dirty_background_ratio", "0", "x"}};
    apply::drop_implied_restores(r, apply::RestoreSide::from);
    REQUIRE(r.size() == 1);
    CHECK(r[0].key == "vm.dirty_background_ratio");  // bytes refuses 0; writing the ratio 0 zeroes it

    r = {{"vm.dirty_ratio", "x", "0"}, {"net.core.somaxconn", "x", "0"}};
    apply::drop_implied_restores(r, apply::RestoreSide::to);
    CHECK(r.size() == 2);  // nothing couples these
}

namespace {

bool baseline_has(ChangeWorld& w, const std::string& key, const std::string& value)
{
    auto st = change::read_state(w.env);
    REQUIRE(st);
    auto it = st->first.baseline.find(key);
    return it != st->first.baseline.end() && it->second == value;
}

}  // namespace

TEST_CASE("a profile that stops setting dirty_background_bytes puts the ratio back from the baseline, never bytes = 0")
{
    ChangeWorld w;
    writeback_keys(w);
    w.tree.set("vm.swappiness", "60");
    const auto before = w.tree.values;  // the live values (files differ: a fragment stays)
    REQUIRE(w.apply(w.profile("bg", "vm.dirty_background_bytes = 67108864\nvm.swappiness = 60\n")));
    // The baseline keeps the ratio the write zeroed, though the profile does not set it.
    CHECK(baseline_has(w, "vm.dirty_background_bytes", "0"));
    CHECK(baseline_has(w, "vm.dirty_background_ratio", "10"));
    // A second apply changes nothing (the ratio is not "restored" while
    // bytes is set) and keeps it.
    w.tree.writes.clear();
    REQUIRE(w.apply(w.profile("bg", "vm.dirty_background_bytes = 67108864\nvm.swappiness = 60\n")));
    CHECK(w.tree.writes.empty());
    CHECK(w.tree.values["vm.dirty_background_bytes"] == "67108864");
    CHECK(baseline_has(w, "vm.dirty_background_ratio", "10"));

    w.tree.writes.clear();
    REQUIRE(w.apply(w.profile("plain", "vm.swappiness = 60\n")));
    CHECK(w.tree.values == before);
    // Only the ratio was written; its write put bytes back to 0.
    CHECK(w.tree.writes == std::vector<test::FakeSysctlTree::Write>{{"vm.dirty_background_ratio", "10", true}});
    CHECK_FALSE(baseline_has(w, "vm.dirty_background_ratio", "10"));
    CHECK_FALSE(baseline_has(w, "vm.dirty_background_bytes", "0"));
}

TEST_CASE("a profile that moves from dirty_background_bytes to the ratio writes the ratio only, and keeps the ratio's baseline")
{
    ChangeWorld w;
    writeback_keys(w);
    REQUIRE(w.apply(w.profile("bg", "vm.dirty_background_bytes = 67108864\n")));
    w.tree.writes.clear();
    REQUIRE(w.apply(w.profile("bgr", "vm.dirty_background_ratio = 5\n")));
    CHECK(w.tree.writes == std::vector<test::FakeSysctlTree::Write>{{"vm.dirty_background_ratio", "5", true}});
    CHECK(w.tree.values["vm.dirty_background_bytes"] == "0");
    CHECK(w.tree.values["vm.dirty_background_ratio"] == "5");
    // The value before sysknob is still the one the first apply found.
    CHECK(baseline_has(w, "vm.dirty_background_ratio", "10"));
    w.tree.writes.clear();
    REQUIRE(w.apply(w.profile("none", "")));
    CHECK(w.tree.values["vm.dirty_background_ratio"] == "10");
    CHECK(w.tree.values["vm.dirty_background_bytes"] == "0");
}

TEST_CASE("a profile that stops setting dirty_bytes puts dirty_ratio back from the baseline")
{
    ChangeWorld w;
    writeback_keys(w);
    const auto before = w.tree.values;  // the live values (files differ: a fragment stays)
    REQUIRE(w.apply(w.profile("db", "vm.dirty_bytes = 268435456\n")));
    CHECK(w.tree.values["vm.dirty_ratio"] == "0");
    w.tree.writes.clear();
    REQUIRE(w.apply(w.profile("none", "")));
    CHECK(w.tree.writes == std::vector<test::FakeSysctlTree::Write>{{"vm.dirty_ratio", "20", true}});
    CHECK(w.tree.values == before);
}

TEST_CASE("bytes in effect before sysknob: a restore writes bytes back, the ratio follows")
{
    ChangeWorld w;
    writeback_keys(w);
    w.tree.values["vm.dirty_background_bytes"] = "33554432";
    w.tree.values["vm.dirty_background_ratio"] = "0";
    const auto before = w.tree.values;  // the live values (files differ: a fragment stays)
    REQUIRE(w.apply(w.profile("bgr", "vm.dirty_background_ratio = 5\n")));
    CHECK(baseline_has(w, "vm.dirty_background_bytes", "33554432"));
    w.tree.writes.clear();
    REQUIRE(w.apply(w.profile("none", "")));
    CHECK(w.tree.writes == std::vector<test::FakeSysctlTree::Write>{{"vm.dirty_background_bytes", "33554432", true}});
    CHECK(w.tree.values == before);
}

TEST_CASE("a state written before the other member was recorded: bytes cannot go back to 0, so it stays, and is said")
{
    ChangeWorld w;
    writeback_keys(w);
    REQUIRE(w.apply(w.profile("bg", "vm.dirty_background_bytes = 67108864\n")));
    auto st = change::read_state(w.env);
    REQUIRE(st);
    snapshot::State old = st->first;
    util::StringMap kept;
    for (const auto& [k, v] : old.baseline)
        if (k != "vm.dirty_background_ratio") kept.emplace(k, v);
    old.baseline = kept;
    REQUIRE(w.files.files.count(std::string(persist::k_state_file)) == 1);
    w.files.files[std::string(persist::k_state_file)].content = snapshot::serialize_state(old);

    change::PrepareOptions o;
    o.intent = ports::Intent::write;
    auto p = change::prepare(w.env, w.load(w.profile("none", "")), o);
    REQUIRE(p);
    for (const auto& c : p->change.live)
        CHECK(c.key != "vm.dirty_background_bytes");
    REQUIRE(p->warnings.size() == 1);
    CHECK(p->warnings[0].find("'vm.dirty_background_bytes' stays 67108864") == 0);
    REQUIRE(w.apply(w.profile("none", "")));
    CHECK(w.tree.values["vm.dirty_background_bytes"] == "67108864");
}
