#pragma once
// Glob-expansion bookkeeping: the state file records the interfaces each
// "*" of the profile matched (snapshot/state.hpp). When interfaces come and
// go between two applies and nothing else differs, the state file is the
// only thing that would change: that is no change of the system, so it is
// written outside any snapshot and apply says nothing changed
// (ARCHITECTURE.md, "Glob expansion bookkeeping").
#include <optional>

#include "change/env.hpp"
#include "change/prepare.hpp"
#include "plan/plan.hpp"
#include "snapshot/state.hpp"

namespace sysknob::change {

// Whether `key`, whose segment at the "*" of `pattern` names an interface
// (net.ipv4.conf.*.rp_filter), belongs to an interface that is gone: that
// segment is not all or default and its directory is absent. Such a key
// has nothing to compare or put back: the kernel dropped it with the
// device, and a device of the same name later is a new one with its own
// values.
bool interface_gone(ports::SysctlTree& tree, std::string_view key, std::string_view pattern);

// The same for a key of the catalogue's per-interface families
// (kernel/catalogue.hpp; false for any other key).
bool interface_gone(ports::SysctlTree& tree, std::string_view key);

// Whether `next` differs from `prev` only in the glob expansion: same
// profiles, priority, modules, patterns and keys no pattern covers; a key
// only in `next` is a pattern's and already holds its value (its plan
// item is in sync); a key or baseline entry only in `prev` is a pattern's
// whose interface is gone (absent from `tree`); every other key and
// baseline entry holds the same value in both.
bool expansion_only(const snapshot::State& prev, const snapshot::State& next, const plan::Plan& plan,
                    ports::SysctlTree& tree);

// The state file's write when it is the whole change and only bookkeeping
// (Prepared::state_bookkeeping): taken out of p.change, which is then
// empty. nullopt (and `p` untouched) otherwise.
std::optional<FileChange> take_bookkeeping(Prepared& p);

// Writes that state file as apply's changes are written: atomically and
// durably (FileStore::write), refused when it is not ours. The caller
// holds the change lock. No snapshot: the write changes nothing a rollback
// would put back (a rollback restores the state file its snapshot saw).
Result<void> write_bookkeeping(Env& env, const FileChange& state);

}  // namespace sysknob::change
