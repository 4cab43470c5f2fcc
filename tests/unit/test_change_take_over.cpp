// import --take-over in process, over the fake ports: the files it moves
// and masks come back exactly (bytes, mode, owner, links) with rollback,
// also when the take-over or its rollback is "killed" at any step.
#include <algorithm>
#include <doctest/doctest.h>

#include "change/take_over.hpp"
#include "support/change_world.hpp"

using namespace sysknob;
using test::ChangeWorld;
using test::Crash;

namespace {

const char* const k_profile = "# Imported by `sysknob import` from:\n"
                              "[profile]\nname = \"host\"\n[sysctl]\n"
                              "net.ipv4.tcp_fin_timeout = 21\nnet.ipv4.tcp_keepalive_time = 111\n"
                              "net.core.somaxconn = 1234\n";

struct TakeOverWorld : ChangeWorld {
    change::TakeOverRequest request;

    TakeOverWorld()
    {
        put("/etc/sysctl.d/10-a.conf", "net.ipv4.tcp_fin_timeout = 21\n", 0640, 1, 2);
        put("/usr/lib/sysctl.d/50-pkg.conf", "net.ipv4.tcp_keepalive_time = 111\n", 0644, 0, 0);
        put("/etc/sysctl.conf", "net.core.somaxconn = 1234\n", 0600, 0, 0);
        files.files["/etc/sysctl.d/99-sysctl.conf"] = ports::FileState{true, "", 0777, "../sysctl.conf"};
        boot.files = {{"/etc/sysctl.d", "10-a.conf", "net.ipv4.tcp_fin_timeout = 21\n", false},
                      {"/etc/sysctl.d", "99-sysctl.conf", "net.core.somaxconn = 1234\n", false},
                      {"/usr/lib/sysctl.d", "50-pkg.conf", "net.ipv4.tcp_keepalive_time = 111\n", false}};
        request.name = "host";
        request.text = k_profile;
        request.files = {"/etc/sysctl.d/10-a.conf", "/usr/lib/sysctl.d/50-pkg.conf", "/etc/sysctl.d/99-sysctl.conf"};
        for (const auto& f : boot.files)
            request.fingerprints[f.directory + "/" + f.name] = import::fingerprint(f.content);
    }
    void put(const std::string& path, const std::string& content, unsigned mode, unsigned uid, unsigned gid)
    {
        files.files[path] = ports::FileState{true, content, mode, {}};
        files.owners[path] = {uid, gid};
    }
    // Every live value and file with mode, owner and link target.
    std::map<std::string, std::string> everything() const
    {
        auto w = world();
        for (const auto& [path, st] : files.files) {
            auto o = files.owners.count(path) ? files.owners.at(path) : std::pair<unsigned, unsigned>{0, 0};
            w["owner " + path] = std::to_string(o.first) + ":" + std::to_string(o.second);
        }
        return w;
    }
    Result<change::TakeOverOutcome> take_over()
    {
        struct Unlock {
            test::FakeLock& l;
            ~Unlock() { l.release(); }
        } unlock{lock};
        change::ProfileLoader loader = [&](const std::optional<std::string>& text) {
            dir.write("host.toml", text ? *text : files.files.at("/etc/sysknob/profiles/host.toml").content);
            return load((dir.path / "host.toml").string());
        };
        change::TakeOverOutcome out;
        TRY_VOID(change::take_over(env, request, loader, out));
        return out;
    }
};

}  // namespace

TEST_CASE("take-over moves /etc files aside, masks the package file, and one rollback puts all back")
{
    TakeOverWorld w;
    const auto before = w.everything();
    auto out = w.take_over();
    REQUIRE(out);
    CHECK(out->profile_written);
    CHECK(w.tree.values.at("net.ipv4.tcp_fin_timeout") == "21");
    CHECK(w.files.files.count("/etc/sysctl.d/10-a.conf") == 0);
    CHECK(w.files.files.count("/etc/sysctl.conf") == 0);
    CHECK(w.files.files.at("/etc/sysctl.d/50-pkg.conf").link_target == "/dev/null");
    CHECK(w.files.files.at("/usr/lib/sysctl.d/50-pkg.conf").content == "net.ipv4.tcp_keepalive_time = 111\n");
    const std::string backup = out->backup_dir + "/etc/sysctl.d/10-a.conf";
    REQUIRE(w.files.files.count(backup));
    CHECK(w.files.files.at(backup).mode == 0640);
    CHECK(w.files.owners.at(backup) == std::pair<unsigned, unsigned>{1, 2});
    CHECK(w.files.files.at("/etc/sysknob/profiles/host.toml").content == k_profile);

    auto rb = w.rollback();
    REQUIRE(rb);
    const auto after = w.everything();
    for (const auto& [k, v] : before)
        CHECK_MESSAGE((after.count(k) ? after.at(k) : std::string("<none>")) == v, k);
    for (const auto& [k, v] : after)
        CHECK_MESSAGE(before.count(k) == 1, k);
}

TEST_CASE("a take-over killed at any step, or its rollback, is undone exactly by rollback")
{
    std::vector<std::string> steps_seen;
    for (const bool kill_rollback : {false, true}) {
        for (int at = 1;; ++at) {
            REQUIRE(at < 200);
            TakeOverWorld w;
            const auto before = w.everything();
            if (kill_rollback) REQUIRE(w.take_over());
            w.steps.reset(at);
            std::string step;
            bool ok = false;
            try {  // not inside REQUIRE: doctest would catch the crash itself
                ok = kill_rollback ? w.rollback().has_value() : w.take_over().has_value();
            } catch (const Crash& c) {
                step = c.step;
            }
            if (step.empty()) CHECK(ok);
            steps_seen.insert(steps_seen.end(), w.steps.seen.begin(), w.steps.seen.end());
            w.steps.reset(0);
            w.lock.release();
            if (step.empty()) break;
            CAPTURE(kill_rollback);
            CAPTURE(at);
            CAPTURE(step);
            auto rb = w.rollback();
            if (!rb) CHECK(rb.error().message.find("nothing to roll back") != std::string::npos);
            CHECK(w.everything() == before);
            auto pending = change::SnapshotStore(w.files).pending();
            REQUIRE(pending);
            CHECK_FALSE(pending->has_value());
        }
    }
    for (const char* s : {"entry-write-profile", "entry-backup", "entry-move-aside", "entry-mask", "entry-restore"})
        CHECK_MESSAGE(std::count(steps_seen.begin(), steps_seen.end(), std::string(s)) > 0, s);
}

TEST_CASE("take-over refusals change nothing and say so")
{
    SUBCASE("a reviewed profile whose source changed since")
    {
        TakeOverWorld w;
        auto reviewed = std::string(k_profile);
        reviewed.replace(reviewed.find(":\n") + 2, 0,
                         "#   /etc/sysctl.d/10-a.conf (" + import::fingerprint("old\n") + ")\n");
        w.put("/etc/sysknob/profiles/host.toml", reviewed, 0644, 0, 0);
        w.request.text = std::string(k_profile).replace(
            std::string(k_profile).find(":\n") + 2, 0,
            "#   /etc/sysctl.d/10-a.conf (" + w.request.fingerprints.at("/etc/sysctl.d/10-a.conf") + ")\n");
        const auto before = w.everything();
        auto r = w.take_over();
        REQUIRE_FALSE(r);
        CHECK(r.error().message.find("changed since it was imported") != std::string::npos);
        CHECK(r.error().message.find("nothing was changed") != std::string::npos);
        CHECK(w.everything() == before);
        CHECK(w.snapshots().empty());
    }
    SUBCASE("a mask where a real file of that name is")
    {
        TakeOverWorld w;
        w.put("/etc/sysctl.d/50-pkg.conf", "mine\n", 0644, 0, 0);
        const auto before = w.everything();
        auto r = w.take_over();
        REQUIRE_FALSE(r);
        CHECK(r.error().message.find("'/etc/sysctl.d/50-pkg.conf' exists as a file") != std::string::npos);
        CHECK(w.everything() == before);
    }
}
