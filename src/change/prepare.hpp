#pragma once
// Everything apply and diff decide before the first change: the plan of
// live values, the modules to load, the files to write and the state to
// record, for a profile already loaded and linted (change/load). Reads the
// system through the ports; changes nothing.
#include <map>
#include <string>
#include <vector>

#include "boot/boot_model.hpp"
#include "change/change_set.hpp"
#include "change/env.hpp"
#include "change/load.hpp"
#include "plan/plan.hpp"
#include "snapshot/state.hpp"
#include "util/string_map.hpp"

namespace sysknob::change {

struct PrepareOptions {
    ports::Intent intent = ports::Intent::read;  // write: apply (keys opened for writing)
    bool runtime_only = false;
    bool persist_only = false;
    int priority = 90;
};

struct Prepared {
    Loaded loaded;
    plan::Plan plan;
    snapshot::State old_state;
    bool had_state = false;
    snapshot::State new_state;
    ChangeSet change;
    // The state file's change (in change.files) is glob-expansion
    // bookkeeping only (change/bookkeeping.hpp): interfaces came or went.
    bool state_bookkeeping = false;
    std::vector<std::string> warnings;
    std::vector<boot::Shadow> shadows;          // other sysctl.d files that win over ours at boot
    std::vector<std::string> boot_modules;      // modules the profile needs (loaded now, listed for boot)
    std::vector<std::string> module_errors;     // a needed module that does not exist here: refuse
    std::vector<std::string> unlisted_modules;  // of those, not in any modules-load.d file
};

// The previous state file, and whether there was one; errors name a
// damaged or foreign file.
Result<std::pair<snapshot::State, bool>> read_state(Env& env);

// What boot would make of our keys (key -> value, in a fragment at
// `priority`): later sysctl.d files that set them otherwise or exclude
// them, and keys a kernel side effect of another write moves.
std::vector<boot::Shadow> shadows_of(Env& env, const util::StringMap& ours, int priority);

// Plans the change for `loaded` (which must be ok). Returns an error only
// for failures of the system (a damaged state file); what the profile
// cannot do here is in module_errors and the plan's refusals.
Result<Prepared> prepare(Env& env, Loaded loaded, const PrepareOptions& o);

// Why apply must not go ahead with `p` ("" when it may): a profile error,
// a missing module, a key that cannot be set here.
std::string apply_refusal(const Prepared& p, const PrepareOptions& o);

}  // namespace sysknob::change
