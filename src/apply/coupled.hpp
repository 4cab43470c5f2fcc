#pragma once
// Keys the kernel couples: a write of one sets another to 0 (the writeback
// pairs, schemas/write_effects.toml values = "zero"), and the member that
// is 0 cannot always be written back as 0 (the _bytes keys refuse it). So
// a change records the coupled keys' values before it, and a restore
// writes only the member that is not 0: its write zeroes the other, which
// is exactly the state recorded. Effects only through the SysctlTree port.
#include <string>
#include <vector>

#include "apply/transaction.hpp"

namespace sysknob::apply {

// For each change, the keys its write sets to 0 that are not themselves
// changed and exist here, with their live value now: {key, from = now,
// to = "0"}. Read before the first write; each key once.
std::vector<LiveChange> coupled_before(const std::vector<LiveChange>& changes, ports::SysctlTree& tree);

// Which side of a LiveChange is the value a restore puts back: `from` when
// undoing a change, `to` when a rollback's change is planned.
enum class RestoreSide { from, to };

// Drops from `restores` each one whose value is 0 and that writing another
// restore of the list sets to 0 already: when that other one goes back to
// a value that is not 0, or when both go back to 0 and this key's
// catalogue minimum refuses 0. Order is kept.
// With `also_written`: writes of the same change that are not restores
// (a profile's own keys, side `to`) also imply a restore to 0 of a key
// they set to 0 when their value is not 0; they are never dropped.
void drop_implied_restores(std::vector<LiveChange>& restores, RestoreSide side,
                           const std::vector<LiveChange>& also_written = {});

// Whether `key` is one member of a pair whose other member's write sets it
// to 0 and the kernel refuses 0 for it when written (the _bytes keys): a
// value of 0 for it can only come from writing the other member.
bool zero_only_by_partner(std::string_view key);

}  // namespace sysknob::apply
