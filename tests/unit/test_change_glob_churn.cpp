// Interfaces that come and go under a "*" glob: prepare() marks a state
// change that is only the glob's expansion as bookkeeping (interfaces that
// appeared with the value already, interfaces that vanished), apply then
// writes the state file outside any snapshot and changes nothing else; an
// interface with another value, another value in the profile, or a new
// explicit key are real changes. Rollbacks after such bookkeeping restore
// exactly what their snapshots saw.
#include <doctest/doctest.h>

#include "change/bookkeeping.hpp"
#include "persist/paths.hpp"
#include "support/change_world.hpp"

using namespace sysknob;
using test::ChangeWorld;

namespace {

const std::string k_state(persist::k_state_file);

struct Churn : ChangeWorld {
    Churn()
    {
        for (const char* i : {"all", "default", "lo", "eth0"})
            tree.set(std::string("net.ipv4.conf.") + i + ".rp_filter", "0");
    }
    void add(const std::string& iface, const std::string& value)
    {
        tree.set("net.ipv4.conf." + iface + ".rp_filter", value);
    }
    void remove(const std::string& iface) { tree.values.erase("net.ipv4.conf." + iface + ".rp_filter"); }

    change::Prepared prepare(const std::string& path, bool runtime_only = false)
    {
        change::PrepareOptions o;
        o.intent = ports::Intent::write;
        o.runtime_only = runtime_only;
        auto p = change::prepare(env, load(path), o);
        REQUIRE(p);
        REQUIRE(change::apply_refusal(*p, o).empty());
        return std::move(*p);
    }

    // apply as cli/cmd_apply runs it: the snapshot id, 0 when nothing changed.
    int apply_cli(const std::string& path, bool runtime_only = false)
    {
        struct Unlock {
            test::FakeLock& l;
            ~Unlock() { l.release(); }
        } unlock{lock};
        REQUIRE(change::lock(env));
        change::PrepareOptions o;
        o.intent = ports::Intent::write;
        o.runtime_only = runtime_only;
        auto p = change::prepare(env, load(path), o);
        REQUIRE(p);
        if (auto state = change::take_bookkeeping(*p)) REQUIRE(change::write_bookkeeping(env, *state));
        if (p->change.empty()) return 0;
        std::vector<std::string> notes;
        auto s = change::apply_prepared(env, *p, 50, notes);
        REQUIRE(s);
        return s->id;
    }

    snapshot::State state()
    {
        auto st = snapshot::parse_state(files.files.at(k_state).content, k_state);
        REQUIRE(st);
        return *st;
    }
};

}  // namespace

TEST_CASE("glob churn: interfaces that appear in sync or vanish are bookkeeping, not a change")
{
    Churn w;
    const auto glob = w.profile("churn", "net.ipv4.tcp_fin_timeout = 23\nnet.ipv4.conf.\"*\".rp_filter = 2\n");
    REQUIRE(w.apply_cli(glob) == 1);
    CHECK(w.state().keys.contains("net.ipv4.conf.eth0.rp_filter"));

    SUBCASE("no churn: no change at all")
    {
        auto p = w.prepare(glob);
        CHECK(p.change.empty());
        CHECK_FALSE(p.state_bookkeeping);
    }
    SUBCASE("an interface appears with the value already")
    {
        w.add("eth1", "2");
        auto p = w.prepare(glob);
        CHECK(p.state_bookkeeping);
        CHECK(p.change.live.empty());
        REQUIRE(p.change.files.size() == 1);
        auto taken = change::take_bookkeeping(p);
        REQUIRE(taken);
        CHECK(taken->path == k_state);
        CHECK(p.change.empty());
        // Through apply: the state records eth1, no snapshot, nothing written live.
        w.tree.writes.clear();
        CHECK(w.apply_cli(glob) == 0);
        CHECK(w.tree.writes.empty());
        CHECK(w.snapshots().size() == 1);
        CHECK(w.state().keys.at("net.ipv4.conf.eth1.rp_filter") == "2");
        CHECK(w.files.files.at(k_state).mode == 0600);
        // And after it, nothing at all.
        auto again = w.prepare(glob);
        CHECK(again.change.empty());
    }
    SUBCASE("an interface the first apply changed vanishes")
    {
        w.remove("eth0");
        auto p = w.prepare(glob);
        CHECK(p.state_bookkeeping);
        CHECK(p.change.live.empty());
        CHECK(w.apply_cli(glob) == 0);
        CHECK(w.snapshots().size() == 1);
        auto st = w.state();
        CHECK_FALSE(st.keys.contains("net.ipv4.conf.eth0.rp_filter"));
        // Its baseline entry went with it; the others stay.
        CHECK_FALSE(st.baseline.contains("net.ipv4.conf.eth0.rp_filter"));
        CHECK(st.baseline.at("net.ipv4.conf.lo.rp_filter") == "0");
        CHECK(st.baseline.at("net.ipv4.tcp_fin_timeout") == "60");
    }
    SUBCASE("an interface appears with another value: a real change")
    {
        w.add("eth1", "1");
        auto p = w.prepare(glob);
        CHECK_FALSE(p.state_bookkeeping);
        REQUIRE(p.change.live.size() == 1);
        CHECK(p.change.live[0].key == "net.ipv4.conf.eth1.rp_filter");
        CHECK_FALSE(change::take_bookkeeping(p));
        CHECK(p.change.files.size() == 1);
        CHECK(w.apply_cli(glob) == 2);
    }
    SUBCASE("one appears in sync while another needs a write: one real change, the state in its snapshot")
    {
        w.add("eth1", "2");
        w.add("eth2", "0");
        CHECK(w.apply_cli(glob) == 2);
        auto snaps = w.snapshots();
        REQUIRE(snaps.size() == 2);
        REQUIRE(snaps[1].keys.size() == 1);
        CHECK(snaps[1].keys[0].key == "net.ipv4.conf.eth2.rp_filter");
        CHECK(w.state().keys.contains("net.ipv4.conf.eth1.rp_filter"));
    }
    SUBCASE("another value in the profile, in place already (--runtime-only): not bookkeeping")
    {
        for (const char* i : {"all", "default", "lo", "eth0"})
            w.tree.values[std::string("net.ipv4.conf.") + i + ".rp_filter"] = "1";
        auto other = w.profile("churn", "net.ipv4.tcp_fin_timeout = 23\nnet.ipv4.conf.\"*\".rp_filter = 1\n");
        auto p = w.prepare(other, /*runtime_only=*/true);
        CHECK(p.change.live.empty());
        CHECK_FALSE(p.state_bookkeeping);
        CHECK(w.apply_cli(other, true) == 2);
    }
    SUBCASE("a new explicit key in place already (--runtime-only): not bookkeeping")
    {
        auto more = w.profile("churn", "net.ipv4.tcp_fin_timeout = 23\nnet.ipv4.tcp_tw_reuse = 2\n"
                                       "net.ipv4.conf.\"*\".rp_filter = 2\n");
        w.add("eth1", "2");
        auto p = w.prepare(more, /*runtime_only=*/true);
        CHECK(p.change.live.empty());
        CHECK_FALSE(p.state_bookkeeping);
    }
}

TEST_CASE("glob churn: rollbacks after bookkeeping restore exactly what their snapshots saw")
{
    Churn w;
    const auto before_first = w.world();
    const auto glob = w.profile("churn", "net.ipv4.tcp_fin_timeout = 23\nnet.ipv4.conf.\"*\".rp_filter = 2\n");
    REQUIRE(w.apply_cli(glob) == 1);
    w.add("eth1", "2");
    REQUIRE(w.apply_cli(glob) == 0);  // bookkeeping
    w.add("eth2", "0");
    const auto before_second = w.world();
    REQUIRE(w.apply_cli(glob) == 2);
    CHECK(w.tree.values.at("net.ipv4.conf.eth2.rp_filter") == "2");

    auto r = w.rollback();
    REQUIRE(r);
    CHECK(r->restored == 2);
    CHECK(w.world() == before_second);  // the state file as the bookkeeping left it

    auto r1 = w.rollback();
    REQUIRE(r1);
    CHECK(r1->restored == 1);
    // The interfaces added since keep their values; the rest is as at the start.
    auto now = w.world();
    now.erase("live net.ipv4.conf.eth1.rp_filter");
    now.erase("live net.ipv4.conf.eth2.rp_filter");
    CHECK(now == before_first);
    CHECK(w.story() == "1:apply:committed:undone 2:apply:committed:undone 3:rollback:committed:- "
                       "4:rollback:committed:-");
}

TEST_CASE("glob churn: an interface the snapshot changed that is gone is no drift and no rollback error")
{
    Churn w;
    const auto glob = w.profile("churn", "net.ipv4.tcp_fin_timeout = 23\nnet.ipv4.conf.\"*\".rp_filter = 2\n");
    REQUIRE(w.apply_cli(glob) == 1);
    w.remove("eth0");

    // Before the next apply records it: status names no drift for eth0.
    auto st = change::compute_status(w.env);
    REQUIRE(st);
    CHECK(st->drift.empty());
    // A key of an existing interface that is absent is still drift (a
    // kernel that lost it, not churn): lo's directory is still there.
    w.tree.values.erase("net.ipv4.conf.lo.rp_filter");
    w.tree.set("net.ipv4.conf.lo.forwarding", "0");
    st = change::compute_status(w.env);
    REQUIRE(st);
    REQUIRE(st->drift.size() == 1);
    CHECK(st->drift[0].key == "net.ipv4.conf.lo.rp_filter");
    w.tree.values.erase("net.ipv4.conf.lo.forwarding");
    w.tree.set("net.ipv4.conf.lo.rp_filter", "2");

    // The rollback puts back what is still there and says what it skipped.
    auto r = w.rollback();
    REQUIRE(r);
    CHECK(r->restored == 1);
    CHECK(w.tree.values.at("net.ipv4.conf.lo.rp_filter") == "0");
    CHECK(w.tree.values.at("net.ipv4.tcp_fin_timeout") == "60");
    CHECK_FALSE(w.tree.values.contains("net.ipv4.conf.eth0.rp_filter"));
    REQUIRE(r->notes.size() == 1);
    CHECK(r->notes[0] == "'net.ipv4.conf.eth0.rp_filter' not restored: its interface is gone");
    CHECK_FALSE(w.files.files.contains(k_state));
}

TEST_CASE("glob churn: interface_gone needs the interface's directory absent")
{
    test::FakeSysctlTree t;
    t.set("net.ipv4.conf.eth0.rp_filter", "1").set("net.ipv4.conf.all.rp_filter", "1");
    const std::string pat = "net.ipv4.conf.*.rp_filter";
    CHECK_FALSE(change::interface_gone(t, "net.ipv4.conf.eth0.rp_filter", pat));
    CHECK(change::interface_gone(t, "net.ipv4.conf.eth9.rp_filter", pat));
    CHECK_FALSE(change::interface_gone(t, "net.ipv4.conf.default.rp_filter", pat));
    // Catalogue form: a per-interface family; any other key is never "gone".
    CHECK(change::interface_gone(t, "net.ipv4.conf.eth9.rp_filter"));
    CHECK_FALSE(change::interface_gone(t, "net.ipv4.tcp_fin_timeout"));
}
