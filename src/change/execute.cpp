#include "change/execute.hpp"

#include <algorithm>
#include <cerrno>

#include "apply/coupled.hpp"
#include "change/entries.hpp"
#include "change/snapshot_store.hpp"
#include "model/value.hpp"
#include "persist/paths.hpp"

namespace sysknob::change {

Result<ports::FileState> read_managed(Env& env, const std::string& path)
{
    TRY(auto st, env.files.read(path));
    if (!st.link_target.empty()) return fail("refusing '" + env.files.display(path) + "': not a regular file", EINVAL);
    return st;
}

Result<snapshot::Snapshot> new_snapshot(Env& env, snapshot::Kind kind)
{
    SnapshotStore store(env.files);
    snapshot::Snapshot s;
    TRY(s.id, store.next_id());
    s.kind = kind;
    s.created = env.host.now_utc();
    s.host = env.host.hostname();
    s.user = env.host.user();
    s.kernel = env.host.kernel_release();
    return s;
}

int rollback_target(const std::vector<snapshot::Snapshot>& all)
{
    for (auto it = all.rbegin(); it != all.rend(); ++it)
        if (it->kind == snapshot::Kind::apply && !it->undone && it->status != snapshot::Status::failed) return it->id;
    return 0;
}

std::string pending_message(const std::vector<snapshot::Snapshot>& all)
{
    for (const auto& s : all)
        if (s.status == snapshot::Status::pending)
            return "snapshot " + std::to_string(s.id) + " (" + snapshot::kind_name(s.kind) + " of " +
                   (s.profiles.empty() ? std::string("?") : s.profiles.front()) + " at " + s.created +
                   ") did not finish: the system may be half-changed; run `sysknob rollback " + std::to_string(s.id) +
                   "` to restore the state before it, or `sysknob rollback --discard " + std::to_string(s.id) +
                   "` to keep the current state";
    return {};
}

namespace {

// Puts files back from the snapshot's records, for every path in `done`.
void restore_files(Env& env, const snapshot::Snapshot& snap, const std::vector<std::string>& done)
{
    for (const auto& f : snap.files) {
        if (std::find(done.begin(), done.end(), f.path) == done.end()) continue;
        auto r = f.existed ? env.files.write(f.path, f.content, f.mode) : env.files.remove(f.path);
        if (!r) env.events.error("could not put back '" + env.files.display(f.path) + "': " + r.error().message);
    }
}

}  // namespace

Result<void> execute_change(Env& env, ChangeSet& change, snapshot::Snapshot& snap, const std::string& profile_name,
                            std::vector<std::string>* notes)
{
    SnapshotStore store(env.files);
    for (const auto& c : change.live)
        snap.keys.push_back(snapshot::KeyState{c.key, c.from});
    // Keys our writes set to 0 through the kernel (the writeback pairs):
    // recorded too, so that a rollback or an undo can put them back.
    const auto coupled = apply::coupled_before(change.live, env.tree);
    for (const auto& c : coupled)
        snap.keys.push_back(snapshot::KeyState{c.key, c.from});
    for (const auto& f : change.files) {
        if (!persist::is_managed_path(f.path))
            return fail("refusing to write '" + f.path + "': not a file sysknob manages", EPERM);
        TRY(auto st, read_managed(env, f.path));
        if (st.exists) TRY_VOID(env.files.check_owned(f.path));
        snap.files.push_back(snapshot::FileRecord{f.path, st.exists, st.content, st.mode});
    }
    TRY_VOID(record_entries(env, change.entries, snap));
    // The intent to load goes into the pending snapshot before the first
    // load: after a crash, rollback unloads what is listed (when unused).
    for (const auto& l : change.load)
        snap.modules.push_back(snapshot::ModuleRecord{l.name, "load"});
    for (const auto& p : change.params)
        snap.params.push_back(snapshot::ParamRecord{p.module, p.param, p.from, ""});
    // The one durable write before the first change: N.pending.json, with
    // the text the commit gives it (ARCHITECTURE.md, "Commit protocol").
    snap.status = snapshot::Status::pending;
    std::string pending_text = SnapshotStore::pending_text(snap);
    if (auto r = store.save_pending_text(snap.id, pending_text); !r) {
        // No snapshot, no change: the caller must not claim one was marked failed.
        Error e = r.error();
        e.message += "; nothing was changed";
        return tl::unexpected(e);
    }
    env.events.step("snapshot-written");

    auto mark_failed = [&](const Error& e) -> Result<void> {
        snap.status = snapshot::Status::failed;
        snap.reason = e.message;
        if (auto r = store.save(snap); !r) env.events.error(r.error().message);
        return tl::unexpected(e);
    };
    const std::string sid = std::to_string(snap.id);
    const std::string kind = snapshot::kind_name(snap.kind);
    bool resave = false;  // the pending text no longer describes the snapshot

    // 1. Modules, before the first write: the keys they bring exist only then.
    std::vector<std::string> loaded;
    if (!change.load.empty()) {
        auto r = apply::load_modules(change.load, env.modules);
        if (!r) return mark_failed(r.error());
        loaded = std::move(*r);
        // What was really inserted (dependencies included) replaces the intent.
        std::erase_if(snap.modules, [](const snapshot::ModuleRecord& m) { return m.action == "load"; });
        for (const auto& m : loaded) {
            snap.modules.push_back(snapshot::ModuleRecord{m, "load"});
            env.events.journal({"loaded module '" + m + "' (" + kind + ", snapshot " + sid + "; host-wide)", "",
                                "", m, profile_name, sid});
        }
        // Recorded before anything else changes: a crash from here on
        // leaves a pending snapshot that names every module to unload.
        if (auto saved = store.save(snap); !saved) {
            std::vector<std::string> kept;
            apply::unload_unused(loaded, env.modules, kept);
            return mark_failed(saved.error());
        }
        pending_text.clear();
        env.events.step("module-load");
    }
    auto undo_modules = [&](Error e, std::string_view done) -> Result<void> {
        std::vector<std::string> kept;
        apply::unload_unused(loaded, env.modules, kept);
        e.message += std::string(done);
        if (!loaded.empty())
            e.message += kept.empty() ? "; the modules it loaded were unloaded" : "; " + kept.front();
        return mark_failed(e);
    };
    // 2. The keys a loaded module brought: their values before are the
    // module's defaults, known only now, recorded before they change.
    if (!change.after_load.empty()) {
        for (auto& c : change.after_load) {
            auto live = env.tree.read(c.key, ports::Intent::write);
            if (!live)
                return undo_modules(Error{live.error().code, "'" + c.key + "' is missing after loading its module: " +
                                                                 live.error().message},
                                    "; nothing else was changed");
            std::string now = live->text;
            if (!now.empty() && now.back() == '\n') now.pop_back();
            if (model::live_in_sync(now, c.to)) continue;
            c.from = now;
            change.live.push_back(c);
            snap.keys.push_back(snapshot::KeyState{c.key, c.from});
        }
        resave = true;
    }
    if (resave) {
        if (auto r = store.save(snap); !r) return undo_modules(r.error(), "; nothing else was changed");
        pending_text.clear();
    }
    // 3. Live module parameters, read back: the kernel may round or refuse.
    if (!change.params.empty()) {
        if (auto r = apply::write_params(change.params, env.modules); !r)
            return undo_modules(r.error(), "; no key or file was changed");
        snap.params.clear();
        for (const auto& p : change.params) {
            snap.params.push_back(snapshot::ParamRecord{p.module, p.param, p.from, p.kept});
            env.events.journal({"set module parameter '" + p.module + "." + p.param + "' from '" + p.from + "' to '" +
                                    p.kept + "' (" + kind + ", snapshot " + sid + "; host-wide)",
                                "", p.from, p.kept, profile_name, sid});
        }
        pending_text.clear();
    }
    auto undo_params_and_modules = [&](Error e) -> Result<void> {
        if (auto u = apply::undo_params(change.params, env.modules); !u)
            e.message += "; could not put back every module parameter (" + u.error().message + ")";
        return undo_modules(e, "");
    };

    auto hook = [&](const apply::LiveChange& c) {
        env.events.journal(
            {"set '" + c.key + "' from '" + c.from + "' to '" + c.to + "' (" + kind + ", snapshot " + sid + ")",
             c.key, c.from, c.to, profile_name, sid});
        env.events.step("live-write");
    };
    if (auto r = apply::write_live(change.live, env.tree, hook, coupled); !r)
        return undo_params_and_modules(r.error());

    std::vector<std::string> done;
    for (const auto& f : change.files) {
        done.push_back(f.path);
        auto r = f.remove ? env.files.remove(f.path) : env.files.write(f.path, f.content, f.mode);
        if (!r) {
            Error e = r.error();
            auto undo = apply::undo_live(change.live, env.tree, coupled);
            restore_files(env, snap, done);
            e.message += undo ? "; live values and files were put back" : "; could not put back every live value";
            return undo_params_and_modules(e);
        }
        std::string real = env.files.display(f.path);
        env.events.journal({(f.remove ? "removed '" : "wrote '") + real + "' (" + kind + ", snapshot " + sid + ")",
                            "", "", real, profile_name, sid});
    }
    // Take-over's entries once the fragment that replaces them is written.
    if (auto r = run_entries(env, change.entries, snap, profile_name); !r) {
        Error e = r.error();
        auto undo = apply::undo_live(change.live, env.tree);
        restore_files(env, snap, done);
        e.message += undo ? "; live values and files were put back" : "; could not put back every live value";
        return undo_params_and_modules(e);
    }
    // 4. Unloads last (a rollback's): a module in use stays, with a note;
    // nothing else depends on it, so the change is still complete.
    if (!change.unload.empty()) {
        std::vector<std::string> kept;
        for (const auto& m : apply::unload_unused(change.unload, env.modules, kept)) {
            snap.modules.push_back(snapshot::ModuleRecord{m, "unload"});
            env.events.journal({"unloaded module '" + m + "' (" + kind + ", snapshot " + sid + "; host-wide)", "",
                                "", m, profile_name, sid});
        }
        if (notes) notes->insert(notes->end(), kept.begin(), kept.end());
        pending_text.clear();
    }
    // The commit. When the record changed since it was written pending
    // (modules loaded or unloaded, parameters kept), the new text is first
    // written pending, durably, like the first; then one rename, no fsync:
    // the fragment and state.json are durable already (their own fsyncs),
    // and a rename lost to a power cut leaves a pending snapshot whose
    // rollback restores exactly, as after a cut just before it.
    if (pending_text.empty()) TRY_VOID(store.save(snap));
    TRY_VOID(store.commit(snap.id));
    snap.status = snapshot::Status::committed;
    return {};
}

}  // namespace sysknob::change
