// The rollback stack, retention and the pending rules of change/, in
// process (tests/netns/rollback_stack.sh and snapshot_retention.sh are the
// end-to-end versions).
#include <doctest/doctest.h>

#include "support/change_world.hpp"

using namespace sysknob;
using test::ChangeWorld;

namespace {

const char* const k_a = "net.core.somaxconn = 2222\nnet.ipv4.tcp_fin_timeout = 22\n"
                        "net.ipv4.tcp_rmem = [4096, 65536, 4194304]\n";
const char* const k_b = "net.ipv4.tcp_fin_timeout = 33\nnet.ipv4.tcp_keepalive_time = 3333\n"
                        "net.ipv4.ip_local_port_range = [20000, 60000]\n";

}  // namespace

TEST_CASE("rollback stack: B undone, then A, then the rollback of a rollback redoes")
{
    ChangeWorld w;
    auto a = w.profile("stack-a", k_a), b = w.profile("stack-b", k_b);
    const auto w0 = w.world();
    auto s1 = w.apply(a);
    REQUIRE(s1);
    CHECK(s1->id == 1);
    const auto wa = w.world();
    CHECK(wa != w0);
    auto s2 = w.apply(b);
    REQUIRE(s2);
    CHECK(s2->id == 2);
    const auto wb = w.world();
    CHECK(w.story() == "1:apply:committed:- 2:apply:committed:-");

    auto r3 = w.rollback();
    INFO((r3 ? std::string() : r3.error().message));
    REQUIRE(r3);
    CHECK(r3->restored == 2);
    CHECK(r3->snap.id == 3);
    CHECK(r3->snap.undoes == 2);
    CHECK(w.world() == wa);
    CHECK(w.story() == "1:apply:committed:- 2:apply:committed:undone 3:rollback:committed:-");
    auto st = change::compute_status(w.env);
    REQUIRE(st);
    CHECK(st->in_sync());
    CHECK(st->active == "stack-a");

    auto r4 = w.rollback();
    REQUIRE(r4);
    CHECK(r4->restored == 1);
    CHECK(w.world() == w0);
    CHECK(w.files.files.count(persist::fragment_path(90)) == 0);
    CHECK(w.story() ==
          "1:apply:committed:undone 2:apply:committed:undone 3:rollback:committed:- 4:rollback:committed:-");
    auto none = w.rollback();
    REQUIRE_FALSE(none);
    CHECK(none.error().message == "nothing to roll back: no apply that is not undone already");

    // Rolling back rollback 4 redoes A; 1 is no longer undone.
    auto r5 = w.rollback(4);
    REQUIRE(r5);
    CHECK(w.world() == wa);
    CHECK(w.snapshots()[0].undone == false);
    // And rolling back rollback 3 redoes B.
    auto r6 = w.rollback(3);
    REQUIRE(r6);
    CHECK(w.world() == wb);
    CHECK(w.snapshots()[1].undone == false);
}

TEST_CASE("rollback of a key whose live value already matches writes nothing")
{
    ChangeWorld w;
    REQUIRE(w.apply(w.profile("one", "net.core.somaxconn = 2222\n")));
    w.tree.values["net.core.somaxconn"] = "4096";  // someone put it back by hand
    w.tree.writes.clear();
    auto r = w.rollback();
    REQUIRE(r);
    CHECK(r->change.live.empty());
    CHECK(w.tree.accepted().empty());
}

TEST_CASE("rollback refuses a damaged snapshot naming a file sysknob does not manage")
{
    ChangeWorld w;
    auto s = w.apply(w.profile("one", "net.core.somaxconn = 2222\n"));
    REQUIRE(s);
    auto snap = change::SnapshotStore(w.files).load(s->id);
    REQUIRE(snap);
    snap->files.push_back(snapshot::FileRecord{"/etc/passwd", true, "root::0:0::/:/bin/sh\n", 0644});
    REQUIRE(change::SnapshotStore(w.files).save(*snap));
    const auto before = w.world();
    auto r = w.rollback();
    REQUIRE_FALSE(r);
    CHECK(r.error().message.find("'/etc/passwd' is not a file sysknob manages") != std::string::npos);
    CHECK(w.world() == before);
}

TEST_CASE("retention keeps the newest committed snapshots, never a pending one or the rollback target")
{
    ChangeWorld w;
    for (int i = 0; i < 6; ++i)
        REQUIRE(w.apply(w.profile("p" + std::to_string(i), "net.core.somaxconn = " + std::to_string(1000 + i) + "\n"),
                        /*keep=*/3));
    auto all = w.snapshots();
    REQUIRE(all.size() == 3);
    CHECK(all[0].id == 4);
    CHECK(all[2].id == 6);

    // prune protects the snapshot rollback would use even when it is old,
    // and never counts or removes a pending one.
    ChangeWorld v;
    change::SnapshotStore store(v.files);
    for (int id = 1; id <= 5; ++id) {
        snapshot::Snapshot s;
        s.id = id;
        s.status = id == 2 ? snapshot::Status::pending : snapshot::Status::committed;
        REQUIRE(store.save(s));
    }
    auto removed = store.prune(2, /*protect=*/1);
    REQUIRE(removed);
    CHECK(*removed == 2);  // 3 and 4 go; 1 (protected), 2 (pending) and the newest stay
    std::vector<int> ids;
    for (const auto& s : v.snapshots())
        ids.push_back(s.id);
    CHECK(ids == std::vector<int>{1, 2, 5});
}

TEST_CASE("pending rules: what the next start does with an unfinished change")
{
    ChangeWorld w;
    auto a = w.profile("stack-a", k_a);
    REQUIRE(w.apply(a));
    // An apply killed after its pending snapshot and two live writes.
    w.steps.reset(5);
    CHECK_THROWS_AS(w.apply(w.profile("stack-b", k_b)), test::Crash);
    w.steps.reset(0);
    w.lock.release();
    const auto mid = w.world();

    SUBCASE("apply is refused, --check is not, status reports it")
    {
        auto r = w.apply(a);
        REQUIRE_FALSE(r);
        CHECK(r.error().message.find("snapshot 2 (apply of stack-b") != std::string::npos);
        CHECK(r.error().message.find("sysknob rollback --discard 2") != std::string::npos);
        CHECK(change::refuse_if_pending(w.env, false));
        auto st = change::compute_status(w.env);
        REQUIRE(st);
        CHECK(st->pending == std::vector<int>{2});
        CHECK(w.world() == mid);
    }
    SUBCASE("--discard keeps the current state and unblocks")
    {
        auto d = w.rollback(2, /*discard=*/true);
        REQUIRE(d);
        CHECK(d->discarded);
        CHECK(w.world() == mid);
        CHECK(w.story() == "1:apply:committed:- 2:apply:failed:-");
        CHECK(w.snapshots()[1].reason == "discarded by the operator; the state it left was kept");
        CHECK(w.apply(a));
    }
    SUBCASE("--discard of a snapshot that is not pending is refused")
    {
        auto d = w.rollback(1, /*discard=*/true);
        REQUIRE_FALSE(d);
        CHECK(d.error().message.find("is not pending") != std::string::npos);
        CHECK(w.world() == mid);
    }
    SUBCASE("rollback of another snapshot is refused while one is pending")
    {
        auto r = w.rollback(1);
        REQUIRE_FALSE(r);
        CHECK(r.error().message.find("did not finish") != std::string::npos);
        CHECK(w.world() == mid);
    }
    SUBCASE("rollback of the pending one restores A and marks it failed and undone")
    {
        auto r = w.rollback();
        REQUIRE(r);
        CHECK(r->restored == 2);
        auto s2 = w.snapshots()[1];
        CHECK(s2.status == snapshot::Status::failed);
        CHECK(s2.undone);
        CHECK(s2.reason == "interrupted; rolled back by snapshot 3");
        auto st = change::compute_status(w.env);
        REQUIRE(st);
        CHECK(st->in_sync());
        CHECK(st->active == "stack-a");
    }
    SUBCASE("the lock held by another process refuses, changing nothing")
    {
        w.lock.busy = true;
        auto r = w.rollback();
        REQUIRE_FALSE(r);
        CHECK(r.error().message.find("another sysknob holds") != std::string::npos);
        CHECK(w.world() == mid);
    }
}

TEST_CASE("new_snapshot takes time, host, user and kernel from the Host port")
{
    ChangeWorld w;
    w.host.now = "2030-05-06T07:08:09Z";
    auto s = w.apply(w.profile("one", "net.core.somaxconn = 2222\n"));
    REQUIRE(s);
    CHECK(s->created == "2030-05-06T07:08:09Z");
    CHECK(s->host == "testhost");
    CHECK(s->user == "uid 0");
    CHECK(s->kernel == "6.1.0-test");
    auto st = change::compute_status(w.env);
    REQUIRE(st);
    REQUIRE(st->last_change_time());
    CHECK(*st->last_change_time() == 1904281689.0);
}
