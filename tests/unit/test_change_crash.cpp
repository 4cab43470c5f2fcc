// The crash matrix of tests/netns/crash_every_step.sh, in process: apply
// (and rollback) "killed" at every step a change passes, from a fresh
// system and from one where a first apply already wrote its files; after
// the kill, the pending rules hold and rollback restores every live value
// and file exactly.
#include <doctest/doctest.h>

#include "support/change_world.hpp"

using namespace sysknob;
using test::ChangeWorld;
using test::Crash;

namespace {

const char* const k_prev = "net.core.somaxconn = 1111\nnet.ipv4.tcp_fin_timeout = 11\n"
                           "net.ipv4.tcp_keepalive_time = 1100\nnet.ipv4.tcp_keepalive_intvl = 11\n"
                           "net.ipv4.tcp_rmem = [4096, 11111, 1111111]\n"
                           "net.ipv4.ip_local_port_range = [11000, 51000]\n";
const char* const k_six = "net.core.somaxconn = 2222\nnet.ipv4.tcp_fin_timeout = 22\n"
                          "net.ipv4.tcp_keepalive_time = 2200\nnet.ipv4.tcp_keepalive_intvl = 22\n"
                          "net.ipv4.tcp_rmem = [4096, 22222, 2222222]\n"
                          "net.ipv4.ip_local_port_range = [22000, 52000]\n";

int moved(const std::map<std::string, std::string>& a, const std::map<std::string, std::string>& b)
{
    int n = 0;
    for (const auto& [k, v] : a)
        if (k.starts_with("live ") && b.at(k) != v) ++n;
    return n;
}

// Runs the 6-key apply crashing at step `at`; returns false when it
// finished without reaching that step. Checks everything after the crash.
// With `power`, the crash is a power cut: the commit's rename, which no
// fsync made durable, is lost too (the live values stay: what a reboot
// makes of them is the kernel lab's power-cut scenario).
bool crash_apply_at(int at, bool prev, bool power = false)
{
    ChangeWorld w;
    auto six = w.profile("crash-six", k_six);
    auto other = w.profile("crash-other", "net.ipv4.tcp_tw_reuse = 0\n");
    if (prev) REQUIRE(w.apply(w.profile("crash-prev", k_prev)));
    // Time passed since: the file system's own periodic commit made the
    // previous commit's rename durable (a power cut right after it is the
    // case "a power cut loses the commit's rename" in test_change_commit).
    w.files.unsynced_commits.clear();
    const auto before = w.world();
    const size_t snaps_before = w.snapshots().size();

    w.steps.reset(at);
    std::string step;
    try {
        auto r = w.apply(six);
        REQUIRE(r);
    } catch (const Crash& c) {
        step = c.step;
    }
    const auto seen = w.steps.seen;
    w.steps.reset(0);
    w.lock.release();  // the process is gone, and its flock with it
    if (step.empty()) return false;
    if (power) w.files.lose_unsynced_commits();
    CAPTURE(at);
    CAPTURE(prev);
    CAPTURE(power);
    CAPTURE(step);
    CHECK_FALSE(w.lock.held);

    const auto mid = w.world();
    auto pending = change::SnapshotStore(w.files).pending();
    REQUIRE(pending);
    const int live_writes = static_cast<int>(std::count(seen.begin(), seen.end(), std::string("live-write")));
    CHECK(moved(before, mid) == live_writes);
    if (!*pending) {
        auto all = w.snapshots();
        if (all.size() == snaps_before) {
            // Killed before the pending snapshot reached its name: nothing changed.
            CHECK(at == 1);
            CHECK(mid == before);
            auto st = change::compute_status(w.env);
            REQUIRE(st);
            CHECK(st->in_sync());
            // The apply can simply be run again, and rolled back.
            REQUIRE(w.apply(six));
        } else {
            // Killed after the commit's rename (and it was not lost): the apply finished.
            CHECK_FALSE(power);
            REQUIRE(all.back().status == snapshot::Status::committed);
            auto st = change::compute_status(w.env);
            REQUIRE(st);
            CHECK(st->in_sync());
            CHECK(st->active == "crash-six");
        }
        auto rb = w.rollback();
        REQUIRE(rb);
        CHECK(w.world() == before);
        return true;
    }
    // A pending snapshot: it blocks another apply, which changes nothing.
    auto refused = w.apply(other);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().message.find("did not finish") != std::string::npos);
    CHECK(refused.error().message.find("sysknob rollback " + std::to_string((*pending)->id)) != std::string::npos);
    CHECK(w.world() == mid);
    // A read-only look (--check) is not refused.
    CHECK(change::refuse_if_pending(w.env, /*changing=*/false));
    auto st = change::compute_status(w.env);
    REQUIRE(st);
    CHECK_FALSE(st->in_sync());
    CHECK(st->pending == std::vector<int>{(*pending)->id});

    // rollback with no id restores every live value and file exactly.
    auto rb = w.rollback();
    REQUIRE(rb);
    CHECK(rb->restored == (*pending)->id);
    CHECK(w.world() == before);
    if (!prev) {
        CHECK(w.files.files.count(persist::fragment_path(90)) == 0);
        CHECK(w.files.files.count(std::string(persist::k_state_file)) == 0);
    }
    auto again = change::SnapshotStore(w.files).pending();
    REQUIRE(again);
    CHECK_FALSE(*again);
    auto interrupted = change::SnapshotStore(w.files).load((*pending)->id);
    REQUIRE(interrupted);
    CHECK(interrupted->status == snapshot::Status::failed);
    CHECK(interrupted->undone);
    auto st2 = change::compute_status(w.env);
    REQUIRE(st2);
    CHECK(st2->in_sync());
    CHECK(w.apply(other));
    return true;
}

}  // namespace

TEST_CASE("crash matrix: apply killed at every step, from a fresh system and over a previous apply")
{
    for (bool power : {false, true}) {
        for (bool prev : {false, true}) {
            int at = 1;
            while (crash_apply_at(at, prev, power))
                ++at;
            // 1+1 pending snapshot, 1 snapshot-written, 6 live writes, 2+2
            // files (fragment, state), 1+1 the commit's rename: 15 steps.
            CHECK(at == 16);
        }
    }
}

TEST_CASE("crash matrix: the steps of an apply, in order")
{
    ChangeWorld w;
    auto six = w.profile("crash-six", k_six);
    REQUIRE(w.apply(six));
    std::vector<std::string> expect = {"before-rename", "after-rename", "snapshot-written"};
    for (int i = 0; i < 6; ++i)
        expect.push_back("live-write");
    for (int i = 0; i < 3; ++i) {
        expect.push_back("before-rename");
        expect.push_back("after-rename");
    }
    CHECK(w.steps.seen == expect);
    // The pending record went to N.pending.json, the commit renamed it.
    CHECK(w.files.pending_snapshots.empty());
    CHECK(w.files.unsynced_commits == std::vector<int>{1});
}

TEST_CASE("crash matrix: rollback killed at every step; running it again finishes it exactly")
{
    int at = 1;
    for (;; ++at) {
        CAPTURE(at);
        ChangeWorld w;
        const auto start = w.world();
        REQUIRE(w.apply(w.profile("crash-six", k_six)));
        w.steps.reset(at);
        bool crashed = false;
        try {
            auto r = w.rollback();
            REQUIRE(r);
        } catch (const Crash&) {
            crashed = true;
        }
        w.steps.reset(0);
        w.lock.release();
        if (!crashed) break;
        // The interrupted rollback does not block a new one: it is superseded.
        auto again = w.rollback();
        if (!again) {
            // Only when the first one had finished its own work.
            CHECK(again.error().message.find("nothing to roll back") != std::string::npos);
        }
        CHECK(w.world() == start);
        for (const auto& s : w.snapshots())
            CHECK(s.status != snapshot::Status::pending);
        CHECK(w.story().starts_with("1:apply:"));
        CHECK(w.snapshots().front().undone);
    }
    CHECK(at > 10);
}

TEST_CASE("a refused live write leaves everything as before and the snapshot failed")
{
    ChangeWorld w;
    auto six = w.profile("crash-six", k_six);
    const auto before = w.world();
    w.tree.fail_write(3, EINVAL);
    auto r = w.apply(six);
    REQUIRE_FALSE(r);
    CHECK(r.error().message.find("marked failed") != std::string::npos);
    CHECK(w.world() == before);
    CHECK(w.story() == "1:apply:failed:-");
    // A failed change neither blocks the next one nor is a rollback target.
    auto rb = w.rollback();
    REQUIRE_FALSE(rb);
    CHECK(rb.error().message.find("nothing to roll back") != std::string::npos);
    CHECK(w.apply(six));
}

TEST_CASE("a file that cannot be written puts back the live values and the files written")
{
    ChangeWorld w;
    const auto before = w.world();
    w.files.fail_write[std::string(persist::k_state_file)] = ENOSPC;
    auto r = w.apply(w.profile("crash-six", k_six));
    REQUIRE_FALSE(r);
    CHECK(r.error().message.find("live values and files were put back") != std::string::npos);
    CHECK(w.world() == before);
}
