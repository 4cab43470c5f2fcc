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

Result<void> execute_change(Context& ctx, const ChangeSet& change, snapshot::Snapshot& snap,
                            const std::string& profile_name)
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
    auto hook = [&](const apply::LiveChange& c) {
        os::journal_change(
            {"set '" + c.key + "' from '" + c.from + "' to '" + c.to + "' (" + snap.kind + ", snapshot " + sid + ")",
             c.key, c.from, c.to, profile_name, sid});
        os::fault_point("live-write");
    };
    if (auto r = apply::write_live(change.live, ctx.tree, hook); !r) return mark_failed(r.error());

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
            return mark_failed(e);
        }
        os::journal_change({(f.remove ? "removed '" : "wrote '") + real + "' (" + snap.kind + ", snapshot " + sid + ")",
                            "", "", real, profile_name, sid});
    }
    snap.status = "committed";
    std::string committed_text = snapshot::restatus(std::move(pending_text), snap.status);
    TRY_VOID(committed_text.empty() ? store.save(snap) : store.save_text(snap.id, committed_text));
    return {};
}

}  // namespace sysknob::cli
