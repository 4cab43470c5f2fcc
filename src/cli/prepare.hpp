#pragma once
// Everything apply (and diff) decide before the first change: the loaded
// and linted profile, the plan of live values, the files to write and the
// state to record. Reads the system; changes nothing.
#include <map>
#include <string>
#include <vector>

#include "boot/boot_model.hpp"
#include "cli/change.hpp"
#include "cli/context.hpp"
#include "plan/plan.hpp"
#include "snapshot/state.hpp"

namespace sysknob::cli {

struct PrepareOptions {
    ports::Intent intent = ports::Intent::read;
    bool runtime_only = false;
    bool persist_only = false;
    int priority = 90;
};

struct Prepared {
    Context::Loaded loaded;
    plan::Plan plan;
    snapshot::State old_state;
    bool had_state = false;
    snapshot::State new_state;
    ChangeSet change;
    std::vector<std::string> warnings;
    std::vector<boot::Shadow> shadows;          // other sysctl.d files that win over ours at boot
    std::vector<std::string> boot_modules;      // modules the profile needs (loaded now, listed for boot)
    std::vector<std::string> module_errors;     // a needed module that does not exist here: refuse
    std::vector<std::string> unlisted_modules;  // of those, not in any modules-load.d file
};

// Reads the previous state file (if any); errors name a damaged file.
Result<std::pair<snapshot::State, bool>> read_state(Context& ctx);

// Loads, lints and plans. Returns an error only for failures of the system
// (damaged state); profile problems are in loaded.diagnostics.
// What boot would make of our keys (key -> value, in a fragment at
// `priority`): later sysctl.d files that set them otherwise or exclude them.
std::vector<boot::Shadow> shadows_of(Context& ctx, const std::map<std::string, std::string>& ours, int priority);

// What to do about a shadow that a kernel side effect causes, in words.
std::string shadow_fix(const boot::Shadow& shadow);
// The one JSON form of shadowed keys, for diff, apply and status:
// [{"key", "file", "line", "value" (null for an exclusion), "mechanism" (null for a plain later line)}].
nlohmann::json shadows_json(const std::vector<boot::Shadow>& shadows);

// Modules listed in modules-load.d directories under the root.
std::vector<std::string> modules_listed_for_boot(const Context& ctx);

Result<Prepared> prepare(Context& ctx, const std::vector<std::string>& profiles, const PrepareOptions& o);

}  // namespace sysknob::cli
