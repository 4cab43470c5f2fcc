#include "change/status.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>

#include "change/bookkeeping.hpp"
#include "change/prepare.hpp"
#include "change/snapshot_store.hpp"
#include "model/key.hpp"
#include "model/profile.hpp"
#include "model/value.hpp"

namespace sysknob::change {

std::optional<double> StatusReport::last_change_time() const
{
    for (auto it = snapshots.rbegin(); it != snapshots.rend(); ++it) {
        if (it->status != snapshot::Status::committed) continue;
        // "YYYY-MM-DDTHH:MM:SSZ", as ports::Host::now_utc() gives it.
        int y = 0;
        unsigned mo = 0, d = 0, h = 0, mi = 0, s = 0;
        if (std::sscanf(it->created.c_str(), "%d-%u-%uT%u:%u:%uZ", &y, &mo, &d, &h, &mi, &s) != 6) return std::nullopt;
        using namespace std::chrono;
        year_month_day date{year{y}, month{mo}, day{d}};
        if (!date.ok()) return std::nullopt;
        auto t = sys_days{date}.time_since_epoch() + hours{h} + minutes{mi} + seconds{s};
        return static_cast<double>(duration_cast<seconds>(t).count());
    }
    return std::nullopt;
}

Result<StatusReport> compute_status(Env& env)
{
    StatusReport r;
    TRY(auto state, read_state(env));
    std::tie(r.state, r.present) = std::move(state);
    TRY(r.snapshots, SnapshotStore(env.files).list());
    for (const auto& [key, expected] : r.state.keys) {
        auto live = env.tree.read(key, ports::Intent::read);
        if (live && model::live_in_sync(live->text, expected)) continue;
        // A glob's interface that is gone since the last apply is no drift:
        // the next apply drops it from the state (change/bookkeeping.hpp).
        if (!live && live.error().code == ENOENT &&
            std::any_of(r.state.globs.begin(), r.state.globs.end(), [&](const std::string& g) {
                return model::key_matches(g, key) && interface_gone(env.tree, key, g);
            }))
            continue;
        r.drift.push_back({key, expected, live ? std::optional<std::string>(model::normalize_live(live->text))
                                               : std::nullopt});
    }
    // What boot would give: later sysctl.d files that override our keys.
    if (r.present) {
        r.shadowed = shadows_of(env, r.state.keys, r.state.priority);
        auto listed = env.boot.modules_listed_for_boot();
        for (const auto& m : r.state.modules)
            if (std::find(listed.begin(), listed.end(), m) == listed.end()) r.modules_not_listed.push_back(m);
    }
    for (const auto& s : r.snapshots)
        if (s.status == snapshot::Status::pending) r.pending.push_back(s.id);
    r.active = model::join_names(r.state.profiles);
    return r;
}

}  // namespace sysknob::change
