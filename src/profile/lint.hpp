#pragma once
// Lint: checks a resolved profile against the catalogue, the target kernel
// and cross-key and machine-aware rules. Reads the live tree only through
// the SysctlTree port (existence, writability); writes nothing.
#include "kernel/target.hpp"
#include "model/diagnostic.hpp"
#include "model/profile.hpp"

namespace sysknob::profile {

// Diagnostics for the profile; [lint] ignore of the file a diagnostic
// points at is honoured for suppressible rules.
model::Diagnostics lint(const model::ResolvedProfile& profile, const kernel::Target& target);

// Drops suppressed diagnostics (per file [lint] ignore).
model::Diagnostics apply_ignores(const model::ResolvedProfile& profile, model::Diagnostics diagnostics);

// Turns warnings into errors (--strict).
void make_strict(model::Diagnostics& diagnostics);

}  // namespace sysknob::profile
