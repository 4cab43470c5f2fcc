#pragma once
// What `sysknob status` reports: the active profile, the keys that drifted
// from what the last apply set, the keys a later sysctl.d file or a kernel
// side effect changes at boot, the unfinished changes. `status` renders it;
// `doctor --format prometheus` exports it. Reads the state, the snapshots
// and the live keys through the ports.
#include <optional>
#include <string>
#include <vector>

#include "boot/boot_model.hpp"
#include "change/env.hpp"
#include "snapshot/snapshot.hpp"
#include "snapshot/state.hpp"

namespace sysknob::change {

struct StatusReport {
    snapshot::State state;
    bool present = false;  // a profile has been applied
    std::string active;    // "base+nat-gateway"
    struct Drift {
        std::string key, expected;
        std::optional<std::string> live;  // nullopt: the key is missing
    };
    std::vector<Drift> drift;
    std::vector<boot::Shadow> shadowed;
    std::vector<std::string> modules_not_listed;  // needed at boot, in no modules-load.d file
    std::vector<snapshot::Snapshot> snapshots;    // oldest first
    std::vector<int> pending;
    bool in_sync() const { return drift.empty() && pending.empty() && shadowed.empty(); }
    // Unix time of the newest committed change, nullopt when none.
    std::optional<double> last_change_time() const;
};

Result<StatusReport> compute_status(Env& env);

}  // namespace sysknob::change
