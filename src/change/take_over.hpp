#pragma once
// `sysknob import --take-over` as one change: the imported profile applied
// as apply applies it, and in the same snapshot the files it came from
// moved aside and the package files masked (the plan: import/take_over.hpp),
// so that one rollback undoes all of it. Through the ports only; prints
// nothing.
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "change/env.hpp"
#include "change/load.hpp"
#include "change/prepare.hpp"
#include "import/imported.hpp"
#include "import/take_over.hpp"
#include "snapshot/snapshot.hpp"

namespace sysknob::change {

struct TakeOverRequest {
    std::string name;                                 // profile name: /etc/sysknob/profiles/NAME.toml
    std::string text;                                 // the profile this import gives now
    std::vector<std::string> files;                   // logical paths imported, in reading order
    std::map<std::string, std::string> fingerprints;  // logical path -> fingerprint of what was read
    std::vector<import::Finding> findings;            // with logical file paths
    std::vector<std::string> refusals;                // found by the caller (a file outside --root...)
    unsigned uid = 0, gid = 0;                        // owner of the masks and the profile it writes
    size_t keep = 50;                                 // snapshots to keep
    int priority = 90;                                // fragment /etc/sysctl.d/NN-sysknob.conf, as apply's
    bool dry_run = false;  // plan everything, change nothing (no lock, as apply --dry-run)
};

struct TakeOverOutcome {
    std::string profile_path;  // logical
    bool profile_written = false;
    std::optional<Prepared> prepared;  // set once the profile loaded (diagnostics, plan, shadows)
    import::TakeOverPlan plan;
    std::string backup_dir;  // logical
    snapshot::Snapshot snap;  // a dry run: the id and time the change would have, never written
};

// Loads and lints the profile to apply: its text when the take-over writes
// it (nullopt: the file at the profile path, the reviewed one).
using ProfileLoader = std::function<Loaded(const std::optional<std::string>& text)>;

// Takes the lock, refuses while a change is pending, checks the reviewed
// profile's stamps (import/take_over.hpp stamps_in) against the files read
// now, loads and prepares the profile, plans the take-over and carries
// both out as one snapshot. Every refusal comes before the first change
// and its message ends in "nothing was changed"; `out` keeps what was
// found so far, for the caller's report. A dry run stops where the change
// would start, with `out` complete: it writes nothing, takes no lock and,
// as apply --dry-run, does not refuse over a pending change.
Result<void> take_over(Env& env, const TakeOverRequest& request, const ProfileLoader& load, TakeOverOutcome& out);

}  // namespace sysknob::change
