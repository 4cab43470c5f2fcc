#pragma once
// Machine-aware lint rules: values compared with what this machine has or
// already uses (memory, open files, pids). The facts are in the target
// (read from /proc live, or passed with --mem-total offline); a rule whose
// fact is unknown says so (SK3019) instead of guessing. Pure.
#include "kernel/target.hpp"
#include "model/diagnostic.hpp"
#include "model/profile.hpp"

namespace sysknob::profile {

void machine_rules(const model::ResolvedProfile& profile, const kernel::Target& target, model::Diagnostics& out);

}  // namespace sysknob::profile
