#include "cli/change.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <unistd.h>

#include "os/atomic_file.hpp"
#include "os/fault.hpp"
#include "os/log.hpp"
#include "os/snapshot_store.hpp"
#include "model/value.hpp"

namespace sysknob::cli {

bool is_managed_path(const std::string& path)
{
    if (path == "/etc/modprobe.d/sysknob.conf" || path == "/etc/modules-load.d/sysknob.conf" ||
        path == "/var/lib/sysknob/state.json")
        return true;
    constexpr std::string_view dir = "/etc/sysctl.d/";
    constexpr std::string_view tail = "-sysknob.conf";
    return path.size() == dir.size() + 2 + tail.size() && path.starts_with(dir) && path.ends_with(tail) &&
           std::isdigit(static_cast<unsigned char>(path[dir.size()])) &&
           std::isdigit(static_cast<unsigned char>(path[dir.size() + 1]));
}

Result<snapshot::Snapshot> new_snapshot(Context& ctx, const std::string& kind)
{
    os::SnapshotStore store(ctx.paths);
    snapshot::Snapshot s;
    TRY(s.id, store.next_id());
    s.kind = kind;
    // UTC from the calendar arithmetic of <chrono>: gmtime() and strftime()
    // load the time zone (tzset reads /etc/localtime) on every apply for a
    // result that does not use it.
    using namespace std::chrono;
    auto now = floor<seconds>(system_clock::now());
    auto day = floor<days>(now);
    year_month_day date{day};
    hh_mm_ss time{now - day};
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02ld:%02ld:%02ldZ", static_cast<int>(date.year()),
                  static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                  static_cast<long>(time.hours().count()), static_cast<long>(time.minutes().count()),
                  static_cast<long>(time.seconds().count()));
    s.created = buf;
    char host[256] = {};
    ::gethostname(host, sizeof host - 1);
    s.host = host;
    // The uid, plus who asked through sudo; no NSS look-up (it may reach
    // nscd or LDAP) on the path of every apply.
    s.user = "uid " + std::to_string(::geteuid());
    if (const char* sudo = std::getenv("SUDO_USER"); sudo && *sudo) s.user += " (sudo by " + std::string(sudo) + ")";
    s.kernel = ctx.running_release();
    return s;
}

int rollback_target(const std::vector<snapshot::Snapshot>& all)
{
    for (auto it = all.rbegin(); it != all.rend(); ++it)
        if (it->kind == "apply" && !it->undone && it->status != "failed") return it->id;
    return 0;
}

std::string pending_message(const std::vector<snapshot::Snapshot>& all)
{
    for (const auto& s : all)
        if (s.status == "pending")
            return "snapshot " + std::to_string(s.id) + " (" + s.kind + " of " +
                   (s.profiles.empty() ? std::string("?") : s.profiles.front()) + " at " + s.created +
                   ") did not finish: the system may be half-changed; run `sysknob rollback " + std::to_string(s.id) +
                   "` to restore the state before it, or `sysknob rollback --discard " + std::to_string(s.id) +
                   "` to keep the current state";
    return {};
}

namespace {

// Puts files back from the snapshot's records, for every path in `done`.
void restore_files(Context& ctx, const snapshot::Snapshot& snap, const std::vector<std::string>& done)
{
    for (const auto& f : snap.files) {
        if (std::find(done.begin(), done.end(), f.path) == done.end()) continue;
        std::string real = ctx.paths.root + f.path;
        auto r = f.existed ? os::write_file_atomic(real, f.content, f.mode) : os::remove_file(real);
        if (!r) spdlog::error("could not put back '{}': {}", real, r.error().message);
    }
}

}  // namespace

Result<void> execute_change(Context& ctx, ChangeSet& change, snapshot::Snapshot& snap, const std::string& profile_name,
                            std::vector<std::string>* notes)
{
    os::SnapshotStore store(ctx.paths);
    for (const auto& c : change.live)
        snap.keys.push_back(snapshot::KeyState{c.key, c.from});
    for (const auto& f : change.files) {
        if (!is_managed_path(f.path))
            return fail("refusing to write '" + f.path + "': not a file sysknob manages", EPERM);
        std::string real = ctx.paths.root + f.path;
        TRY(auto st, os::read_file_state(real));
        if (st.exists) TRY_VOID(os::check_owned(real));
        snap.files.push_back(snapshot::FileRecord{f.path, st.exists, st.content, st.mode});
    }
    // The intent to load goes into the pending snapshot before the first
    // load: after a crash, rollback unloads what is listed (when unused).
    for (const auto& l : change.load)
        snap.modules.push_back(snapshot::ModuleRecord{l.name, "load"});
    for (const auto& p : change.params)
        snap.params.push_back(snapshot::ParamRecord{p.module, p.param, p.from, ""});
    snap.status = "pending";
    std::string pending_text = snapshot::serialize(snap);
    if (auto r = store.save_text(snap.id, pending_text); !r) {
        // No snapshot, no change: the caller must not claim one was marked failed.
        Error e = r.error();
        e.message += "; nothing was changed";
        return tl::unexpected(e);
    }
    os::fault_point("snapshot-written");

    auto mark_failed = [&](const Error& e) -> Result<void> {
        snap.status = "failed";
        snap.reason = e.message;
        if (auto r = store.save(snap); !r) spdlog::error("{}", r.error().message);
        return tl::unexpected(e);
    };
    std::string sid = std::to_string(snap.id);
    bool resave = false;  // the pending text no longer describes the snapshot

    // 1. Modules, before the first write: the keys they bring exist only then.
    std::vector<std::string> loaded;
    if (!change.load.empty()) {
        auto r = apply::load_modules(change.load, ctx.modules());
        if (!r) return mark_failed(r.error());
        loaded = std::move(*r);
        // What was really inserted (dependencies included) replaces the intent.
        std::erase_if(snap.modules, [](const snapshot::ModuleRecord& m) { return m.action == "load"; });
        for (const auto& m : loaded) {
            snap.modules.push_back(snapshot::ModuleRecord{m, "load"});
            os::journal_change({"loaded module '" + m + "' (" + snap.kind + ", snapshot " + sid + "; host-wide)", "",
                                "", m, profile_name, sid});
        }
        // Recorded before anything else changes: a crash from here on
        // leaves a pending snapshot that names every module to unload.
        if (auto saved = store.save(snap); !saved) {
            std::vector<std::string> kept;
            apply::unload_unused(loaded, ctx.modules(), kept);
            return mark_failed(saved.error());
        }
        pending_text.clear();
        os::fault_point("module-load");
    }
    auto undo_modules = [&](Error e, std::string_view done) -> Result<void> {
        std::vector<std::string> kept;
        auto removed = apply::unload_unused(loaded, ctx.modules(), kept);
        e.message += std::string(done);
        if (!loaded.empty())
            e.message += kept.empty() ? "; the modules it loaded were unloaded" : "; " + kept.front();
        return mark_failed(e);
    };
    // 2. The keys a loaded module brought: their values before are the
    // module's defaults, known only now, recorded before they change.
    if (!change.after_load.empty()) {
        for (auto& c : change.after_load) {
            auto live = ctx.tree.read(c.key, ports::Intent::write);
            if (!live)
                return undo_modules(Error{live.error().code, "'" + c.key + "' is missing after loading its module: " +
                                                                 live.error().message},
                                    "; nothing else was changed");
            std::string now = live->text;
            if (!now.empty() && now.back() == '\n') now.pop_back();
            if (model::normalize_live(now) == model::normalize_live(c.to)) continue;
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
        if (auto r = apply::write_params(change.params, ctx.modules()); !r)
            return undo_modules(r.error(), "; no key or file was changed");
        snap.params.clear();
        for (const auto& p : change.params) {
            snap.params.push_back(snapshot::ParamRecord{p.module, p.param, p.from, p.kept});
            os::journal_change({"set module parameter '" + p.module + "." + p.param + "' from '" + p.from + "' to '" +
                                    p.kept + "' (" + snap.kind + ", snapshot " + sid + "; host-wide)",
                                "", p.from, p.kept, profile_name, sid});
        }
        pending_text.clear();
    }
    auto undo_params_and_modules = [&](Error e) -> Result<void> {
        if (auto u = apply::undo_params(change.params, ctx.modules()); !u)
            e.message += "; could not put back every module parameter (" + u.error().message + ")";
        return undo_modules(e, "");
    };

    auto hook = [&](const apply::LiveChange& c) {
        os::journal_change(
            {"set '" + c.key + "' from '" + c.from + "' to '" + c.to + "' (" + snap.kind + ", snapshot " + sid + ")",
             c.key, c.from, c.to, profile_name, sid});
        os::fault_point("live-write");
    };
    if (auto r = apply::write_live(change.live, ctx.tree, hook); !r) return undo_params_and_modules(r.error());

    std::vector<std::string> done;
    for (const auto& f : change.files) {
        std::string real = ctx.paths.root + f.path;
        done.push_back(f.path);
        auto r = f.remove ? os::remove_file(real) : os::write_file_atomic(real, f.content, f.mode);
        if (!r) {
            Error e = r.error();
            auto undo = apply::undo_live(change.live, ctx.tree);
            restore_files(ctx, snap, done);
            e.message += undo ? "; live values and files were put back" : "; could not put back every live value";
            return undo_params_and_modules(e);
        }
        os::journal_change({(f.remove ? "removed '" : "wrote '") + real + "' (" + snap.kind + ", snapshot " + sid + ")",
                            "", "", real, profile_name, sid});
    }
    // 4. Unloads last (a rollback's): a module in use stays, with a note;
    // nothing else depends on it, so the change is still complete.
    if (!change.unload.empty()) {
        std::vector<std::string> kept;
        for (const auto& m : apply::unload_unused(change.unload, ctx.modules(), kept)) {
            snap.modules.push_back(snapshot::ModuleRecord{m, "unload"});
            os::journal_change({"unloaded module '" + m + "' (" + snap.kind + ", snapshot " + sid + "; host-wide)", "",
                                "", m, profile_name, sid});
        }
        if (notes) notes->insert(notes->end(), kept.begin(), kept.end());
        pending_text.clear();
    }
    snap.status = "committed";
    std::string committed_text =
        pending_text.empty() ? std::string() : snapshot::restatus(std::move(pending_text), snap.status);
    TRY_VOID(committed_text.empty() ? store.save(snap) : store.save_text(snap.id, committed_text));
    return {};
}

}  // namespace sysknob::cli
