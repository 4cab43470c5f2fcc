#pragma once
// A small world for change-engine tests: a FakeEnv whose sysctl tree holds
// a few network keys, profiles written to a scratch directory, and the
// steps of apply and rollback as cli/ runs them (lock, pending check,
// load and lint, prepare, refusal, apply_prepared). world() is everything
// a rollback must put back exactly: every live value and every managed
// file with its mode (snapshots left out).
#include <doctest/doctest.h>
#include <map>
#include <string>

#include "change/apply.hpp"
#include "change/execute.hpp"
#include "change/load.hpp"
#include "change/prepare.hpp"
#include "change/rollback.hpp"
#include "change/snapshot_store.hpp"
#include "change/status.hpp"
#include "support/fake_env.hpp"
#include "support/scratch_dir.hpp"

namespace sysknob::test {

struct ChangeWorld : FakeEnv {
    ScratchDir dir{"sysknob-change"};
    kernel::Target target;

    ChangeWorld()
    {
        tree.set("net.core.somaxconn", "4096")
            .set("net.ipv4.tcp_fin_timeout", "60")
            .set("net.ipv4.tcp_keepalive_time", "7200")
            .set("net.ipv4.tcp_keepalive_intvl", "75")
            .set("net.ipv4.tcp_rmem", "4096\t131072\t6291456")
            .set("net.ipv4.ip_local_port_range", "32768\t60999")
            .set("net.ipv4.tcp_tw_reuse", "2")
            .set("net.ipv4.ip_unprivileged_port_start", "1024");
        target.release = "6.1.0-test";
        target.tree = &tree;
    }

    // Writes NAME.toml with `sysctl` lines under [sysctl]; returns its path.
    std::string profile(const std::string& name, const std::string& sysctl)
    {
        dir.write(name + ".toml", "[profile]\nname = \"" + name + "\"\n[sysctl]\n" + sysctl);
        return (dir.path / (name + ".toml")).string();
    }

    change::Loaded load(const std::string& path)
    {
        return change::load_and_lint({path}, {dir.path.string()}, target, machine, false);
    }

    // apply as cli/cmd_apply runs it, lock released at the end as at exit.
    Result<snapshot::Snapshot> apply(const std::string& path, size_t keep = 50, int priority = 90)
    {
        struct Unlock {
            FakeLock& l;
            ~Unlock() { l.release(); }
        } unlock{lock};
        TRY_VOID(change::lock(env));
        TRY_VOID(change::refuse_if_pending(env, true));
        change::PrepareOptions o;
        o.intent = ports::Intent::write;
        o.priority = priority;
        TRY(auto p, change::prepare(env, load(path), o));
        if (auto why = change::apply_refusal(p, o); !why.empty()) return fail(why, EINVAL);
        std::vector<std::string> notes;
        return change::apply_prepared(env, p, keep, notes);
    }

    Result<change::RollbackOutcome> rollback(int id = 0, bool discard = false, size_t keep = 50)
    {
        struct Unlock {
            FakeLock& l;
            ~Unlock() { l.release(); }
        } unlock{lock};
        return change::rollback(env, change::RollbackRequest{id, discard, keep});
    }

    std::map<std::string, std::string> world() const
    {
        std::map<std::string, std::string> w;
        for (const auto& [k, v] : tree.values)
            w["live " + k] = v;
        for (const auto& [path, st] : files.files)
            w["file " + path] = std::to_string(st.mode) + " " + st.content + st.link_target;
        return w;
    }

    std::vector<snapshot::Snapshot> snapshots()
    {
        auto all = change::SnapshotStore(files).list();
        REQUIRE(all);
        return *all;
    }

    // "id:kind:status:undone" for every snapshot, oldest first.
    std::string story()
    {
        std::string out;
        for (const auto& s : snapshots())
            out += (out.empty() ? "" : " ") + std::to_string(s.id) + ":" + snapshot::kind_name(s.kind) + ":" + snapshot::status_name(s.status) + ":" +
                   (s.undone ? "undone" : "-");
        return out;
    }
};

}  // namespace sysknob::test
