#include <algorithm>
#include <cerrno>
#include <iostream>
#include <unistd.h>

#include "cli/change.hpp"
#include "cli/commands.hpp"
#include "cli/prepare.hpp"
#include "os/atomic_file.hpp"
#include "os/lock.hpp"
#include "os/log.hpp"
#include "os/snapshot_store.hpp"
#include "kernel/catalogue.hpp"
#include "util/strings.hpp"

namespace sysknob::cli {

CLI::App* register_rollback(CLI::App& app, RollbackOptions& o, bool full)
{
    auto* c = app.add_subcommand("rollback", "return live values and files to the state a snapshot recorded");
    if (!full) return c;  // named only, for --help and errors (run.cpp)
    c->add_option("ID", o.id, "snapshot id (default: the newest apply not yet undone)")->check(CLI::PositiveNumber);
    c->add_flag("--discard", o.discard, "mark the unfinished snapshot ID as failed and keep the current state");
    c->add_option("--keep", o.keep, "snapshots to keep (newest committed ones)")
        ->check(CLI::Range(1, 100000))
        ->type_name("N");
    return c;
}

namespace {

int refuse(Context& ctx, const std::string& message)
{
    std::cerr << "sysknob: " << message << "\n";
    if (ctx.globals.json()) Context::print_json({{"changed", false}, {"error", message}});
    return k_exit_error;
}

}  // namespace

int run_rollback(const RollbackOptions& o, Context& ctx)
{
    if (::geteuid() != 0) return refuse(ctx, "rollback changes kernel parameters and needs root; run it with sudo");
    auto lock = os::Lock::acquire(ctx.paths.lock_file(), 60000);
    if (!lock) return refuse(ctx, lock.error().message);
    os::SnapshotStore store(ctx.paths);
    auto all = store.list();
    if (!all) return refuse(ctx, all.error().message);
    int id = o.id ? o.id : rollback_target(*all);
    if (!id) return refuse(ctx, "nothing to roll back: no apply that is not undone already");
    auto target = store.load(id);
    if (!target) return refuse(ctx, target.error().message);

    if (o.discard) {
        if (target->status != "pending")
            return refuse(ctx, "snapshot " + std::to_string(id) +
                                   " is not pending; only an unfinished change can be discarded");
        target->status = "failed";
        target->reason = "discarded by the operator; the state it left was kept";
        if (auto r = store.save(*target); !r) return refuse(ctx, r.error().message);
        if (ctx.globals.json())
            Context::print_json({{"changed", false}, {"discarded", std::to_string(id)}});
        else if (!ctx.globals.quiet)
            std::cout << "discarded snapshot " << id << "\n";
        return k_exit_ok;
    }
    // An interrupted earlier rollback of the same snapshot does not block
    // this one: running it again finishes its work (it is marked failed below).
    std::vector<int> superseded;
    for (const auto& s : *all) {
        if (s.status != "pending" || s.id == id) continue;
        if (s.kind == "rollback" && s.undoes == id) {
            superseded.push_back(s.id);
            continue;
        }
        return refuse(ctx, pending_message({s}));
    }
    if (target->status == "failed")
        return refuse(ctx, "snapshot " + std::to_string(id) +
                               " recorded a change that failed and was undone; nothing to roll back");

    // Validate the whole snapshot before the first change.
    ChangeSet change;
    std::vector<std::string> target_loaded;
    for (const auto& m : target->modules) {
        if (m.action == "load") {
            // Only what that change loaded, and only when unused (refcount 0,
            // checked when it is removed, last): a module that was loaded
            // before it is never in this list.
            target_loaded.push_back(m.name);
            change.unload.push_back(m.name);
        } else if (auto st = ctx.modules().state(m.name); st && *st == ports::ModuleState::available) {
            change.load.push_back({m.name, ""});  // rolling back a rollback that unloaded it
        }
    }
    for (const auto& prm : target->params) {
        auto cur = ctx.modules().read_param(prm.module, prm.param);
        if (!cur) continue;  // the module is gone, and its parameter with it
        if (util::trim(cur->text) == util::trim(prm.before)) continue;
        if (!cur->writable)
            return refuse(ctx, "cannot roll back: module parameter '" + prm.module + "." + prm.param +
                                   "' is read-only here");
        change.params.push_back({prm.module, prm.param, cur->text, prm.before, ""});
    }
    for (const auto& k : target->keys) {
        auto live = ctx.tree.read(k.key, ports::Intent::write);
        if (!live && live.error().code == ENOENT) {
            // A key that a module this change loaded brought goes with it.
            const auto* prm = kernel::find_param(k.key);
            if (prm && std::find(target_loaded.begin(), target_loaded.end(), std::string(prm->module)) !=
                           target_loaded.end())
                continue;
        }
        if (!live) return refuse(ctx, "cannot roll back snapshot " + std::to_string(id) + ": " + live.error().message);
        std::string now = live->text;
        if (!now.empty() && now.back() == '\n') now.pop_back();
        if (model::normalize_live(now) == model::normalize_live(k.value)) continue;
        if (!live->writable) return refuse(ctx, "cannot roll back: '" + k.key + "' is read-only here");
        change.live.push_back({k.key, now, k.value});
    }
    for (const auto& f : target->files) {
        if (!is_managed_path(f.path))
            return refuse(ctx, "damaged snapshot '" + store.path_of(id) + "': '" + f.path +
                                   "' is not a file sysknob manages");
        auto st = os::read_file_state(ctx.paths.root + f.path);
        if (!st) return refuse(ctx, st.error().message);
        if (f.existed) {
            if (st->exists && st->content == f.content && st->mode == f.mode) continue;
            change.files.push_back({f.path, false, f.content, f.mode, st->exists ? "update" : "create"});
        } else if (st->exists) {
            change.files.push_back({f.path, true, "", 0, "remove"});
        }
    }
    // state.json last, so an interrupted rollback still shows as pending.
    std::stable_partition(change.files.begin(), change.files.end(),
                          [](const FileChange& f) { return f.path != "/var/lib/sysknob/state.json"; });
    auto snap = new_snapshot(ctx, "rollback");
    if (!snap) return refuse(ctx, snap.error().message);
    snap->undoes = id;
    snap->profiles = {"rollback-of-" + std::to_string(id)};
    std::vector<std::string> notes;
    if (auto r = execute_change(ctx, change, *snap, "rollback", &notes); !r)
        return refuse(ctx, r.error().message + (snap->status == "failed"
                                                    ? " (snapshot " + std::to_string(snap->id) + " marked failed)"
                                                    : ""));
    for (const auto& f : target->files)
        os::remove_stale_temporary(ctx.paths.root + f.path);
    for (const auto& n : notes)
        spdlog::warn("{}", n);
    target->undone = true;
    if (target->status == "pending") {
        target->status = "failed";
        target->reason = "interrupted; rolled back by snapshot " + std::to_string(snap->id);
    }
    if (auto r = store.save(*target); !r) spdlog::warn("{}, ignoring", r.error().message);
    for (int sid : superseded) {
        if (auto old = store.load(sid)) {
            old->status = "failed";
            old->reason = "interrupted; finished by snapshot " + std::to_string(snap->id);
            if (auto r = store.save(*old); !r) spdlog::warn("{}, ignoring", r.error().message);
        }
    }
    if (target->kind == "rollback" && target->undoes) {
        // Rolling back a rollback redoes the change it undid.
        if (auto redone = store.load(target->undoes)) {
            redone->undone = false;
            if (auto r = store.save(*redone); !r) spdlog::warn("{}, ignoring", r.error().message);
        }
    }
    if (auto all2 = store.list()) {
        if (auto pr = store.prune(o.keep, rollback_target(*all2)); !pr)
            spdlog::warn("{}, ignoring", pr.error().message);
    }
    if (ctx.globals.json()) {
        nlohmann::json changes = nlohmann::json::array();
        for (const auto& c : change.live)
            changes.push_back(
                {{"key", c.key}, {"from", model::normalize_live(c.from)}, {"to", model::normalize_live(c.to)}});
        nlohmann::json files = nlohmann::json::array();
        for (const auto& f : change.files)
            files.push_back({{"path", f.path}, {"action", f.action}});
        nlohmann::json modules = nlohmann::json::array();
        for (const auto& m : snap->modules)
            modules.push_back({{"name", m.name}, {"action", m.action}, {"host_wide", true}});
        nlohmann::json params = nlohmann::json::array();
        for (const auto& c : change.params)
            params.push_back({{"module", c.module}, {"param", c.param}, {"from", c.from}, {"to", c.kept}});
        Context::print_json({{"changed", !change.empty()},
                             {"modules", modules},
                             {"module_params", params},
                             {"restored", std::to_string(id)},
                             {"snapshot", std::to_string(snap->id)},
                             {"changes", changes},
                             {"files", files}});
    } else if (!ctx.globals.quiet) {
        for (const auto& c : change.params)
            std::cout << "  module parameter " << c.module << "." << c.param << ": " << c.from << " -> " << c.kept
                      << " (host-wide)\n";
        for (const auto& c : change.live)
            std::cout << "  " << c.key << ": " << model::normalize_live(c.from) << " -> " << model::normalize_live(c.to)
                      << "\n";
        for (const auto& f : change.files)
            std::cout << "  " << f.action << " " << f.path << "\n";
        for (const auto& m : snap->modules)
            std::cout << "  " << (m.action == "unload" ? "unloaded" : "loaded") << " module " << m.name
                      << " (host-wide)\n";
        std::cout << "rolled back snapshot " << id << ": " << change.live.size() << " keys, " << change.files.size()
                  << " files restored (snapshot " << snap->id << " records the replaced state; `sysknob rollback "
                  << snap->id << "` redoes it)\n";
    }
    return k_exit_ok;
}

}  // namespace sysknob::cli
