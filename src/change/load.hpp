#pragma once
// A command's first step: load and compose the profiles, then lint them
// for the target kernel. Prints nothing: the diagnostics are returned.
#include <string>
#include <vector>

#include "kernel/target.hpp"
#include "model/diagnostic.hpp"
#include "ports/machine_probe.hpp"
#include "profile/loader.hpp"

namespace sysknob::change {

struct Loaded {
    profile::LoadResult load;
    model::Diagnostics diagnostics;
    bool ok = true;  // no error among the diagnostics
};

// Loads `args` (names searched in `dirs`, or paths), composes them and,
// when that worked, lints the result for `target`, after reading the few
// live facts its rules need (add_facts_for). `strict` turns warnings into
// errors. A path in `given` is read from there (profile/loader.hpp).
Loaded load_and_lint(const std::vector<std::string>& args, const std::vector<std::string>& dirs,
                     kernel::Target& target, ports::MachineProbe& machine, bool strict,
                     const profile::GivenTexts& given = {});

// Reads into `target` the live facts that cross-key rules need, only when
// the profile has the keys they are about (keeps the common path lean).
// Offline (--kernel) the machine is not this one: nothing is read.
void add_facts_for(const model::ResolvedProfile& r, kernel::Target& target, ports::MachineProbe& machine);

}  // namespace sysknob::change
