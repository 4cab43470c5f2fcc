#include "change/entries.hpp"

#include <algorithm>
#include <cerrno>

namespace sysknob::change {

namespace {

// One crash-test step per kind of entry change, so a crash test can stop a
// take-over or its rollback after each.
const char* step_name(const std::string& action)
{
    if (action == "write-profile") return "entry-write-profile";
    if (action == "backup") return "entry-backup";
    if (action == "move-aside") return "entry-move-aside";
    if (action == "mask") return "entry-mask";
    return "entry-restore";
}

std::string describe(const EntryChange& c, const std::string& shown)
{
    using snapshot::EntryKind;
    if (c.action == "backup") return "backed up '" + shown + "'";
    if (c.action == "move-aside") return "moved '" + shown + "' aside";
    if (c.action == "mask") return "masked '" + shown + "' with a link to /dev/null";
    if (c.action == "write-profile") return "wrote profile '" + shown + "'";
    switch (c.to.kind) {
    case EntryKind::absent: return "removed '" + shown + "'";
    case EntryKind::symlink: return "restored link '" + shown + "' -> '" + c.to.content + "'";
    case EntryKind::file: return "restored '" + shown + "'";
    }
    return "restored '" + shown + "'";
}

}  // namespace

Result<void> record_entries(Env& env, const std::vector<EntryChange>& changes, snapshot::Snapshot& snap)
{
    for (const auto& c : changes) {
        if (!snapshot::is_entry_path(c.path))
            return fail("refusing to change '" + c.path + "': not a path a take-over changes", EPERM);
        TRY(auto now, env.files.read_entry(c.path));
        snap.entries.push_back(snapshot::EntryRecord{c.path, std::move(now)});
    }
    return {};
}

Result<void> run_entries(Env& env, const std::vector<EntryChange>& changes, const snapshot::Snapshot& snap,
                         const std::string& profile_name)
{
    const std::string sid = std::to_string(snap.id);
    auto put_back = [&](size_t done) {
        bool all = true;
        for (size_t i = done; i-- > 0;) {
            const auto& path = changes[i].path;
            auto rec = std::find_if(snap.entries.begin(), snap.entries.end(),
                                    [&](const snapshot::EntryRecord& r) { return r.path == path; });
            if (rec == snap.entries.end()) continue;
            if (auto r = env.files.set_entry(path, rec->before); !r) {
                env.events.error("could not put back '" + env.files.display(path) + "': " + r.error().message);
                all = false;
            }
        }
        return all;
    };
    for (size_t i = 0; i < changes.size(); ++i) {
        const auto& c = changes[i];
        if (auto r = env.files.set_entry(c.path, c.to); !r) {
            Error e = r.error();
            e.message +=
                put_back(i) ? "; the files it had moved were put back" : "; could not put back every file it had moved";
            return tl::unexpected(e);
        }
        const std::string shown = env.files.display(c.path);
        env.events.journal(
            {describe(c, shown) + " (" + std::string(snapshot::kind_name(snap.kind)) + ", snapshot " + sid + ")", "", "", shown, profile_name, sid});
        env.events.step(step_name(c.action));
    }
    return {};
}

Result<std::vector<EntryChange>> entries_to_restore(Env& env, const snapshot::Snapshot& target)
{
    // The first record of a path is its state before the change.
    std::vector<const snapshot::EntryRecord*> first;
    for (const auto& r : target.entries) {
        if (!snapshot::is_entry_path(r.path))
            return fail("damaged snapshot '" + env.files.snapshot_path(target.id) + "': '" + r.path +
                            "' is not a path a take-over changes",
                        EINVAL);
        if (std::none_of(first.begin(), first.end(), [&](const auto* f) { return f->path == r.path; }))
            first.push_back(&r);
    }
    std::vector<EntryChange> out;
    for (auto it = first.rbegin(); it != first.rend(); ++it) {
        TRY(auto now, env.files.read_entry((*it)->path));
        if (now == (*it)->before) continue;
        out.push_back(EntryChange{(*it)->path, (*it)->before, "restore"});
    }
    return out;
}

}  // namespace sysknob::change
