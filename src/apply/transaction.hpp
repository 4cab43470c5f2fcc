#pragma once
// The live half of a change: write values in order through the SysctlTree
// port and, if the kernel refuses one, put back every value already written
// so the kernel is exactly as before. Effects only through the port.
#include <functional>
#include <string>
#include <vector>

#include "ports/sysctl_tree.hpp"

namespace sysknob::apply {

struct LiveChange {
    std::string key;
    std::string from;  // the value to restore on failure (kernel text)
    std::string to;
};

// Called after each successful write (journal, fault injection).
using WrittenHook = std::function<void(const LiveChange&)>;

// Writes all changes in order. On failure: undoes the written ones in
// reverse order and returns an error naming the key, value and the kernel's
// reason (plus any key that could not be put back). `coupled` are the keys
// the writes set to 0 as a side effect, with their values before
// (apply/coupled.hpp): the undo puts them back too.
Result<void> write_live(const std::vector<LiveChange>& changes, ports::SysctlTree& tree, const WrittenHook& hook = {},
                        const std::vector<LiveChange>& coupled = {});

// Writes each change's `from` value, last first, with the coupled keys a
// written one had zeroed, leaving out what another write restores already
// (apply/coupled.hpp); keeps going on errors and returns the first one.
Result<void> undo_live(const std::vector<LiveChange>& written, ports::SysctlTree& tree,
                       const std::vector<LiveChange>& coupled = {});

}  // namespace sysknob::apply
