#include "change/take_over.hpp"

#include <cerrno>

#include "change/apply.hpp"
#include "change/execute.hpp"
#include "change/snapshot_store.hpp"
#include "persist/paths.hpp"

namespace sysknob::change {

namespace {

using snapshot::EntryKind;

constexpr std::string_view k_profiles_dir = "/etc/sysknob/profiles";

std::string list(const std::vector<std::string>& lines)
{
    std::string out;
    for (const auto& l : lines)
        out += "\n  " + l;
    return out;
}

tl::unexpected<Error> refused(const std::vector<std::string>& why)
{
    return tl::unexpected(Error{EPERM, "refusing to take over; nothing was changed:" + list(why)});
}

// The profile in the profile directory may be the one an earlier
// `import --output` wrote and the operator reviewed (and edited): it is
// applied as it is when it was imported from the same files with the same
// bytes, which its header's stamps say. Anything else is refused.
std::vector<std::string> stamp_problems(const std::string& shown, const std::string& existing, const std::string& fresh)
{
    auto then = import::stamps_in(existing), now = import::stamps_in(fresh);
    if (then.empty())
        return {"'" + shown + "' exists and was not written by `sysknob import` (its header names no source " +
                "stamps); take over under another --name, or move it away"};
    std::vector<std::string> out;
    for (const auto& [file, stamp] : then) {
        auto it = now.find(file);
        if (it == now.end())
            out.push_back("'" + file + "' was imported into '" + shown + "' but is not among the files read now");
        else if (it->second != stamp)
            out.push_back("'" + file + "' changed since it was imported into '" + shown +
                          "'; import it again and review the profile");
    }
    for (const auto& [file, stamp] : now)
        if (then.count(file) == 0)
            out.push_back("'" + file + "' is read now but was not imported into '" + shown + "'; import again");
    return out;
}

}  // namespace

Result<void> take_over(Env& env, const TakeOverRequest& request, const ProfileLoader& load, TakeOverOutcome& out)
{
    if (!request.dry_run) TRY_VOID(lock(env));
    TRY_VOID(refuse_if_pending(env, /*changing=*/!request.dry_run));

    import::TakeOverInput in;
    std::vector<std::string> refusals = request.refusals;
    in.files = request.files;
    in.fingerprints = request.fingerprints;
    in.findings = request.findings;
    TRY(in.tree, env.boot.sysctl_d({}));
    for (const auto& path : import::take_over_paths(in.files)) {
        auto e = env.files.read_entry(path);
        if (!e) return fail(e.error().message + "; nothing was changed", e.error().code);
        in.observed[path] = std::move(*e);
    }
    in.is_managed = [](const std::string& p) { return persist::is_managed_path(p); };
    in.uid = request.uid;
    in.gid = request.gid;

    // The profile: the reviewed one in the profile directory, or this import.
    out.profile_path = std::string(k_profiles_dir) + "/" + request.name + ".toml";
    in.profile_path = out.profile_path;
    const std::string shown = env.files.display(out.profile_path);
    TRY(auto existing, env.files.read_entry(out.profile_path));
    if (existing.kind == EntryKind::symlink)
        refusals.push_back("'" + shown + "' is a symbolic link; take over under another --name");
    else if (existing.kind == EntryKind::file)
        for (auto& p : stamp_problems(shown, existing.content, request.text))
            refusals.push_back(std::move(p));
    else
        in.profile_text = request.text;
    if (!refusals.empty()) return refused(refusals);
    out.profile_written = in.profile_text.has_value();

    PrepareOptions po;
    po.intent = ports::Intent::write;
    po.priority = request.priority;
    TRY(auto prepared, prepare(env, load(in.profile_text), po));
    out.prepared = std::move(prepared);
    Prepared& p = *out.prepared;
    if (!p.loaded.ok) return fail("the imported profile has errors; nothing was changed", EINVAL);
    if (auto why = apply_refusal(p, po); !why.empty()) return fail(why, EINVAL);

    // Only read (the next id, the time): the backup directory's name.
    TRY(out.snap, new_snapshot(env, snapshot::Kind::apply));
    std::string stamp;
    for (char c : out.snap.created)
        if (c != ':') stamp += c;
    out.backup_dir = std::string(snapshot::k_takeover_dir) + "/" + stamp + "-" + std::to_string(out.snap.id);
    in.backup_dir = out.backup_dir;
    out.plan = import::plan_take_over(in);
    if (!out.plan.refusals.empty()) return refused(out.plan.refusals);
    for (const auto& step : out.plan.steps) {
        // A backup path is new (its directory is dated and numbered): one
        // that exists was not made by this take-over.
        if (step.action == "backup") {
            TRY(auto b, env.files.read_entry(step.path));
            if (b.kind != EntryKind::absent)
                return refused({"backup '" + env.files.display(step.path) + "' exists already"});
        }
        p.change.entries.push_back(EntryChange{step.path, step.to, step.action});
    }
    if (request.dry_run) return {};

    const auto& r = p.loaded.load.resolved;
    out.snap.profiles = r.names;
    out.snap.profile_content.emplace_back(env.files.display(out.profile_path),
                                          in.profile_text ? *in.profile_text : existing.content);
    if (auto done = execute_change(env, p.change, out.snap, r.display_name()); !done) {
        Error e = done.error();
        if (out.snap.status == snapshot::Status::failed) e.message += " (snapshot " + std::to_string(out.snap.id) + " marked failed)";
        return tl::unexpected(e);
    }
    if (auto pr = SnapshotStore(env.files).prune(request.keep, out.snap.id); !pr)
        env.events.warn(pr.error().message + ", ignoring");
    return {};
}

}  // namespace sysknob::change
