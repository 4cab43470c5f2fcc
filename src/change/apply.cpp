#include "change/apply.hpp"

#include <cerrno>

#include "change/execute.hpp"
#include "change/snapshot_store.hpp"
#include "profile/loader.hpp"
#include "util/file.hpp"

namespace sysknob::change {

Result<void> lock(Env& env)
{
    return env.lock.acquire(k_lock_timeout_ms);
}

Result<void> refuse_if_pending(Env& env, bool changing)
{
    TRY(auto pending, SnapshotStore(env.files).pending());
    if (pending && changing) return fail(pending_message({*pending}), EBUSY);
    return {};
}

Result<snapshot::Snapshot> apply_prepared(Env& env, Prepared& p, size_t keep, std::vector<std::string>& notes)
{
    const auto& r = p.loaded.load.resolved;
    TRY(auto snap, new_snapshot(env, snapshot::Kind::apply));
    snap.profiles = r.names;
    for (const auto& f : r.files)
        if (auto text = util::read_file(f, profile::k_max_profile_bytes)) snap.profile_content.emplace_back(f, *text);
    if (auto done = execute_change(env, p.change, snap, r.display_name(), &notes); !done) {
        Error e = done.error();
        if (snap.status == snapshot::Status::failed) e.message += " (snapshot " + std::to_string(snap.id) + " marked failed)";
        return tl::unexpected(e);
    }
    if (auto pr = SnapshotStore(env.files).prune(keep, snap.id); !pr)
        env.events.warn(pr.error().message + ", ignoring");
    return snap;
}

}  // namespace sysknob::change
