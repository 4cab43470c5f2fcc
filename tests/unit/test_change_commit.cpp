// The commit protocol (ARCHITECTURE.md, "Commit protocol"), in process:
// the pending record under its own name, the commit as one rename that a
// power cut can lose (FakeFileStore::lose_unsynced_commits), both names at
// once, and a state directory written before the pending name existed.
#include <doctest/doctest.h>

#include <fstream>
#include <iterator>

#include "support/change_world.hpp"

using namespace sysknob;
using test::ChangeWorld;
using test::Crash;

namespace {

const char* const k_two = "net.core.somaxconn = 2222\nnet.ipv4.tcp_fin_timeout = 22\n";

std::string fixture(const char* name)
{
    std::ifstream in(std::string(SYSKNOB_TEST_DATA) + "/state/" + name);
    REQUIRE(in.good());
    return std::string(std::istreambuf_iterator<char>(in), {});
}

// The pending rules after a change left snapshot `id` pending: status
// reports it, apply is refused, rollback with no id restores `before`
// exactly and marks it failed and undone under its final name only.
void pending_then_rollback(ChangeWorld& w, int id, const std::map<std::string, std::string>& before)
{
    auto pending = change::SnapshotStore(w.files).pending();
    REQUIRE(pending);
    REQUIRE(*pending);
    CHECK((*pending)->id == id);
    CHECK((*pending)->status == snapshot::Status::pending);
    auto st = change::compute_status(w.env);
    REQUIRE(st);
    CHECK_FALSE(st->in_sync());
    CHECK(st->pending == std::vector<int>{id});
    auto refused = w.apply(w.profile("other", "net.ipv4.tcp_tw_reuse = 0\n"));
    REQUIRE_FALSE(refused);
    CHECK(refused.error().message.find("sysknob rollback " + std::to_string(id)) != std::string::npos);

    auto rb = w.rollback();
    REQUIRE(rb);
    CHECK(rb->restored == id);
    CHECK(w.world() == before);
    CHECK(w.files.pending_snapshots.empty());
    auto undone = change::SnapshotStore(w.files).load(id);
    REQUIRE(undone);
    CHECK(undone->status == snapshot::Status::failed);
    CHECK(undone->undone);
    auto st2 = change::compute_status(w.env);
    REQUIRE(st2);
    CHECK(st2->in_sync());
}

}  // namespace

TEST_CASE("commit: the pending record has its own name and the text its commit gives it")
{
    ChangeWorld w;
    auto two = w.profile("two", k_two);
    w.steps.reset(3);  // snapshot-written: the pending record is in place, nothing else
    CHECK_THROWS_AS(w.apply(two), Crash);
    w.steps.reset(0);
    w.lock.release();
    REQUIRE(w.files.pending_snapshots.count(1) == 1);
    CHECK(w.files.snapshots.count(1) == 0);
    const std::string& text = w.files.pending_snapshots.at(1);
    CHECK(text.find("\"status\": \"committed\"") != std::string::npos);
    CHECK(text.find("\"status\": \"pending\"") == std::string::npos);
    // Read back, the name wins over the text.
    auto s = change::SnapshotStore(w.files).load(1);
    REQUIRE(s);
    CHECK(s->status == snapshot::Status::pending);
}

TEST_CASE("commit: a finished apply leaves only N.json, the pending text renamed unchanged")
{
    ChangeWorld w;
    REQUIRE(w.apply(w.profile("two", k_two)));
    CHECK(w.files.pending_snapshots.empty());
    REQUIRE(w.files.snapshots.count(1) == 1);
    CHECK(w.files.unsynced_commits == std::vector<int>{1});
    CHECK(w.story() == "1:apply:committed:-");
    // The next change's durable pending record makes the commit durable too.
    REQUIRE(w.apply(w.profile("three", "net.core.somaxconn = 3333\n")));
    CHECK(w.files.unsynced_commits == std::vector<int>{2});
}

TEST_CASE("commit: a power cut loses the commit's rename; the change is pending and rolls back exactly")
{
    ChangeWorld w;
    const auto before = w.world();
    REQUIRE(w.apply(w.profile("two", k_two)));
    const auto applied = w.world();
    w.files.lose_unsynced_commits();  // the power cut
    CHECK(w.files.snapshots.count(1) == 0);
    CHECK(w.files.pending_snapshots.count(1) == 1);
    CHECK(w.world() == applied);  // fragment and state.json were durable before the commit
    pending_then_rollback(w, 1, before);
}

TEST_CASE("commit: rename lost, then --discard keeps the state the change left")
{
    ChangeWorld w;
    REQUIRE(w.apply(w.profile("two", k_two)));
    const auto applied = w.world();
    w.files.lose_unsynced_commits();
    auto d = w.rollback(1, /*discard=*/true);
    REQUIRE(d);
    CHECK(d->discarded);
    CHECK(w.world() == applied);
    CHECK(w.files.pending_snapshots.empty());
    CHECK(w.story() == "1:apply:failed:-");
    CHECK(w.apply(w.profile("other", "net.ipv4.tcp_tw_reuse = 0\n")));
}

TEST_CASE("commit: crashed between N.json and the removal of N.pending.json, the pending name wins")
{
    ChangeWorld w;
    const auto before = w.world();
    auto two = w.profile("two", k_two);
    w.steps.reset(3);
    CHECK_THROWS_AS(w.apply(two), Crash);
    w.steps.reset(0);
    w.lock.release();
    // A rollback of it that dies just after writing 1.json undone: both names.
    w.steps.reset(0);
    int at = 0;
    for (int i = 1; i < 40 && at == 0; ++i) {
        ChangeWorld probe;
        auto p2 = probe.profile("two", k_two);
        probe.steps.reset(3);
        CHECK_THROWS_AS(probe.apply(p2), Crash);
        probe.steps.reset(i);
        probe.lock.release();
        try {
            auto r = probe.rollback();
            CHECK(r);
        } catch (const Crash&) {
            if (probe.files.snapshots.count(1) && probe.files.pending_snapshots.count(1)) at = i;
        }
    }
    REQUIRE(at > 0);
    w.steps.reset(at);
    CHECK_THROWS_AS(w.rollback(), Crash);
    w.steps.reset(0);
    w.lock.release();
    REQUIRE(w.files.snapshots.count(1) == 1);
    REQUIRE(w.files.pending_snapshots.count(1) == 1);
    auto ids = w.files.snapshot_ids();
    REQUIRE(ids);
    CHECK(std::count(ids->begin(), ids->end(), 1) == 1);  // one id for both names
    auto s = change::SnapshotStore(w.files).load(1);
    REQUIRE(s);
    CHECK(s->status == snapshot::Status::pending);
    CHECK_FALSE(s->undone);
    // Running the rollback again finishes it; the interrupted one is superseded.
    auto rb = w.rollback();
    REQUIRE(rb);
    CHECK(w.world() == before);
    CHECK(w.files.pending_snapshots.empty());
    for (const auto& snap : w.snapshots())
        CHECK(snap.status != snapshot::Status::pending);
}

TEST_CASE("commit: a failed change is written as N.json and its pending name goes")
{
    ChangeWorld w;
    const auto before = w.world();
    w.tree.fail_key("net.ipv4.tcp_fin_timeout", EINVAL);
    REQUIRE_FALSE(w.apply(w.profile("two", k_two)));
    CHECK(w.world() == before);
    CHECK(w.files.pending_snapshots.empty());
    CHECK(w.story() == "1:apply:failed:-");
}

TEST_CASE("commit: a pending snapshot written as N.json by an older sysknob is still pending")
{
    ChangeWorld w;
    const auto before = w.world();
    // tests/data/state/README.md: an apply of somaxconn 2222 and
    // tcp_fin_timeout 22 killed after its pending snapshot; the live values
    // it had written are there (a process kill, not a power cut).
    w.files.snapshots[1] = fixture("pending-before-pending-name.json");
    w.tree.values["net.core.somaxconn"] = "2222";
    w.tree.values["net.ipv4.tcp_fin_timeout"] = "22";
    auto s = change::SnapshotStore(w.files).load(1);
    REQUIRE(s);
    CHECK(s->status == snapshot::Status::pending);
    auto next = change::SnapshotStore(w.files).next_id();
    REQUIRE(next);
    CHECK(*next == 2);
    pending_then_rollback(w, 1, before);
    // The rollback's own snapshot used the new names: committed as 2.json.
    CHECK(w.files.snapshots.count(2) == 1);
}

TEST_CASE("commit: prune never removes a pending snapshot under either name")
{
    ChangeWorld w;
    for (int i = 0; i < 3; ++i)
        REQUIRE(w.apply(w.profile("p" + std::to_string(i), "net.core.somaxconn = " + std::to_string(1000 + i) + "\n")));
    w.files.lose_unsynced_commits();  // 3 is pending again
    REQUIRE(w.files.pending_snapshots.count(3) == 1);
    auto pruned = change::SnapshotStore(w.files).prune(1, 0);
    REQUIRE(pruned);
    CHECK(*pruned == 1);  // 1 goes; 2 is the newest committed one; 3 is pending
    CHECK(w.files.pending_snapshots.count(3) == 1);
    CHECK(w.files.snapshots.count(2) == 1);
    CHECK(w.files.snapshots.count(1) == 0);
}
