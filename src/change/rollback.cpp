#include "change/rollback.hpp"

#include <algorithm>
#include <cerrno>

#include "apply/coupled.hpp"
#include "change/apply.hpp"
#include "change/bookkeeping.hpp"
#include "change/entries.hpp"
#include "change/execute.hpp"
#include "change/snapshot_store.hpp"
#include "kernel/catalogue.hpp"
#include "model/value.hpp"
#include "persist/paths.hpp"
#include "util/strings.hpp"

namespace sysknob::change {

Result<ChangeSet> plan_restore(Env& env, const snapshot::Snapshot& target, std::vector<std::string>* notes)
{
    ChangeSet change;
    const int id = target.id;
    std::vector<std::string> target_loaded;
    for (const auto& m : target.modules) {
        if (m.action == "load") {
            // Only what that change loaded, and only when unused (refcount 0,
            // checked when it is removed, last): a module that was loaded
            // before it is never in this list.
            target_loaded.push_back(m.name);
            change.unload.push_back(m.name);
        } else if (auto st = env.modules.state(m.name); st && *st == ports::ModuleState::available) {
            change.load.push_back({m.name, ""});  // rolling back a rollback that unloaded it
        }
    }
    for (const auto& prm : target.params) {
        auto cur = env.modules.read_param(prm.module, prm.param);
        if (!cur) continue;  // the module is gone, and its parameter with it
        if (util::trim(cur->text) == util::trim(prm.before)) continue;
        if (!cur->writable)
            return fail("cannot roll back: module parameter '" + prm.module + "." + prm.param + "' is read-only here",
                        EACCES);
        change.params.push_back({prm.module, prm.param, cur->text, prm.before, ""});
    }
    for (const auto& k : target.keys) {
        auto live = env.tree.read(k.key, ports::Intent::write);
        if (!live && live.error().code == ENOENT) {
            // A key that a module this change loaded brought goes with it.
            const auto* prm = kernel::find_param(k.key);
            if (prm && std::find(target_loaded.begin(), target_loaded.end(), std::string(prm->module)) !=
                           target_loaded.end())
                continue;
            // An interface that is gone took its keys with it: nothing to
            // put back (one of the same name later is a new device).
            if (interface_gone(env.tree, k.key)) {
                if (notes)
                    notes->push_back("'" + k.key + "' not restored: its interface is gone");
                continue;
            }
        }
        if (!live)
            return fail("cannot roll back snapshot " + std::to_string(id) + ": " + live.error().message,
                        live.error().code);
        std::string now = live->text;
        if (!now.empty() && now.back() == '\n') now.pop_back();
        if (model::live_in_sync(now, k.value)) continue;
        if (!live->writable) return fail("cannot roll back: '" + k.key + "' is read-only here", EACCES);
        change.live.push_back({k.key, now, k.value});
    }
    for (const auto& f : target.files) {
        if (!persist::is_managed_path(f.path))
            return fail("damaged snapshot '" + env.files.snapshot_path(id) + "': '" + f.path +
                            "' is not a file sysknob manages",
                        EINVAL);
        TRY(auto st, read_managed(env, f.path));
        if (f.existed) {
            if (st.exists && st.content == f.content && st.mode == f.mode) continue;
            change.files.push_back({f.path, false, f.content, f.mode, st.exists ? "update" : "create"});
        } else if (st.exists) {
            change.files.push_back({f.path, true, "", 0, "remove"});
        }
    }
    TRY(change.entries, entries_to_restore(env, target));
    // Of a coupled pair (a write of one sets the other to 0), only the
    // member that goes back to a value other than 0 is written: the kernel
    // zeroes the other, and may refuse 0 for it (vm.dirty_background_bytes).
    apply::drop_implied_restores(change.live, apply::RestoreSide::to);
    // state.json last, so an interrupted rollback still shows as pending.
    std::stable_partition(change.files.begin(), change.files.end(),
                          [](const FileChange& f) { return f.path != persist::k_state_file; });
    return change;
}

namespace {

// The snapshot stack after a rollback `snap` of `target` finished.
void finish(Env& env, const SnapshotStore& store, snapshot::Snapshot& target, const snapshot::Snapshot& snap,
            const std::vector<int>& superseded, size_t keep)
{
    auto warn = [&](const Error& e) { env.events.warn(e.message + ", ignoring"); };
    for (const auto& f : target.files)
        env.files.remove_stale_temporary(f.path);
    for (const auto& e : target.entries)
        env.files.remove_stale_temporary(e.path);
    target.undone = true;
    if (target.status == snapshot::Status::pending) {
        target.status = snapshot::Status::failed;
        target.reason = "interrupted; rolled back by snapshot " + std::to_string(snap.id);
    }
    if (auto r = store.save(target); !r) warn(r.error());
    for (int sid : superseded) {
        if (auto old = store.load(sid)) {
            old->status = snapshot::Status::failed;
            old->reason = "interrupted; finished by snapshot " + std::to_string(snap.id);
            if (auto r = store.save(*old); !r) warn(r.error());
        }
    }
    if (target.kind == snapshot::Kind::rollback && target.undoes) {
        // Rolling back a rollback redoes the change it undid.
        if (auto redone = store.load(target.undoes)) {
            redone->undone = false;
            if (auto r = store.save(*redone); !r) warn(r.error());
        }
    }
    if (auto all = store.list()) {
        if (auto pr = store.prune(keep, rollback_target(*all)); !pr) warn(pr.error());
    }
}

}  // namespace

Result<RollbackOutcome> rollback(Env& env, const RollbackRequest& request)
{
    TRY_VOID(lock(env));
    SnapshotStore store(env.files);
    TRY(auto all, store.list());
    RollbackOutcome out;
    int id = request.id ? request.id : rollback_target(all);
    if (!id) return fail("nothing to roll back: no apply that is not undone already", ENOENT);
    out.restored = id;
    TRY(auto target, store.load(id));

    if (request.discard) {
        if (target.status != snapshot::Status::pending)
            return fail("snapshot " + std::to_string(id) + " is not pending; only an unfinished change can be discarded",
                        EINVAL);
        target.status = snapshot::Status::failed;
        target.reason = "discarded by the operator; the state it left was kept";
        TRY_VOID(store.save(target));
        out.discarded = true;
        return out;
    }
    // An interrupted earlier rollback of the same snapshot does not block
    // this one: running it again finishes its work (it is marked failed below).
    std::vector<int> superseded;
    for (const auto& s : all) {
        if (s.status != snapshot::Status::pending || s.id == id) continue;
        if (s.kind == snapshot::Kind::rollback && s.undoes == id) {
            superseded.push_back(s.id);
            continue;
        }
        return fail(pending_message({s}), EBUSY);
    }
    if (target.status == snapshot::Status::failed)
        return fail("snapshot " + std::to_string(id) +
                        " recorded a change that failed and was undone; nothing to roll back",
                    EINVAL);

    // Validate the whole snapshot before the first change.
    TRY(out.change, plan_restore(env, target, &out.notes));
    TRY(out.snap, new_snapshot(env, snapshot::Kind::rollback));
    out.snap.undoes = id;
    out.snap.profiles = {"rollback-of-" + std::to_string(id)};
    if (auto r = execute_change(env, out.change, out.snap, "rollback", &out.notes); !r) {
        Error e = r.error();
        if (out.snap.status == snapshot::Status::failed) e.message += " (snapshot " + std::to_string(out.snap.id) + " marked failed)";
        return tl::unexpected(e);
    }
    finish(env, store, target, out.snap, superseded, request.keep);
    return out;
}

}  // namespace sysknob::change
