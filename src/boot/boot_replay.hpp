#pragma once
// The boot replayed write by write: what systemd-sysctl 252 leaves in each
// key once the kernel's own side effects of its writes are counted. Pure: the
// files come in as a BootResult (boot_model.hpp), the state of the kernel when
// systemd-sysctl runs as a ReplayInput; the side effects are data
// (write_effects.hpp, from schemas/write_effects.toml).
//
// systemd-sysctl 252 (src/sysctl/sysctl.c apply_all(), src/shared/sysctl-util.c
// sysctl_write()):
//   - walks its ordered table once, in table order (boot_model.hpp says how a
//     later assignment moves to the end): an exact key is written where it
//     stands, a glob is expanded there against the keys that exist (glob(3)
//     order) minus every key named in the table;
//   - writes with WRITE_STRING_FILE_SUPPRESS_REDUNDANT_VIRTUAL: when the file
//     already reads as the value ("No change in value '0', suppressing write")
//     nothing is written, so the kernel sees no write and has no side effect,
//     and in particular does not mark the entry as written;
//   - for an interface that appears later, udev (99-systemd.rules) runs
//     `systemd-sysctl --prefix=/net/ipv4/conf/$name --prefix=/net/ipv4/neigh/$name
//     --prefix=/net/ipv6/conf/$name --prefix=/net/ipv6/neigh/$name`: the device
//     starts with conf.default's values (inetdev_init()/ipv6_add_dev() copy
//     them), then its own keys and the globs that reach it are written;
//   - at a real boot udev runs the same for every interface but lo that is
//     already there (the "add" events systemd-udev-trigger replays), and
//     nothing orders that run against systemd-sysctl.service. With
//     udev_coldplug the replay is done both ways; a key that ends differently
//     is order_dependent, with both values (the kernel lab saw both on one
//     image: a default copy that lands when udev ran first, the interface's
//     own line written again when it ran after).
//
// What /proc cannot show is modelled from the writes replayed: the kernel's
// "this entry was written" bits (net/ipv4/devinet.c, cnf.state). An
// interface with an IPv4 address has all of them set (ipv4_devconf_setall()),
// which is why lo, which systemd's PID 1 brings up with 127.0.0.1 before any
// unit runs (src/core/loopback-setup.c), takes no copies of conf.default at a
// real boot; in a fresh network namespace lo is down and does.
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "boot/boot_model.hpp"
#include "util/string_map.hpp"

namespace sysknob::boot {

struct BootInterface {
    std::string name;              // canonical segment: "eth0", "eth0/100"
    bool entries_written = false;  // has an IPv4 address: conf.default copies never reach it
    // Entries already marked written (a device copies conf.default's bits
    // when it is created, and a new network namespace copies init_net's
    // conf.default: after a write there, its devices start with those bits).
    std::set<std::string> written_entries;
};

struct ReplayInput {
    // Keys that exist when systemd-sysctl runs (canonical), for the globs.
    std::vector<std::string> existing_keys;
    // Interfaces present when systemd-sysctl runs.
    std::vector<BootInterface> interfaces;
    // Values when systemd-sysctl runs, as the kernel prints them. A key not
    // here takes its [[boot_value]] (write_effects.toml), else is unknown,
    // and a write to an unknown key counts as a change.
    std::map<std::string, std::string> before;
    // Interfaces created after systemd-sysctl ran (the udev run for each).
    std::vector<std::string> later_interfaces;
    // A real boot: udev's run for each interface present but lo, before or
    // after systemd-sysctl (unordered). False for a plain systemd-sysctl run.
    bool udev_coldplug = false;
};

struct ReplayValue {
    std::string value;           // as the kernel prints it
    SysctlAssignment source;     // the assignment whose write put it there
    std::string effect_id;       // empty: written directly by that assignment
    std::string trigger_key;     // the key written when an effect put it there
    std::string mechanism;       // the effect in words (empty when direct)
    bool created_later = false;  // an interface's value inherited at its creation
    // udev_coldplug: the value differs with the order of udev's run for the
    // interface and systemd-sysctl. `value` is the one when udev runs after,
    // `other_value` when it runs first.
    bool order_dependent = false;
    std::string other_value;
    SysctlAssignment other_source;  // what put other_value there
    std::string other_effect_id, other_trigger_key, other_mechanism;
};

struct ReplayResult {
    // Every key a write or an effect touched, with its final value.
    std::map<std::string, ReplayValue> values;
    // Keys whose write systemd skipped because they already held the value.
    std::map<std::string, SysctlAssignment> skipped_equal;
    // Which [[boot_value]] or input value each comparison relied on: keys
    // whose value before the boot was unknown when a write needed it.
    std::set<std::string> unknown_before;
};

// With `only`, the result holds those keys alone (values, skipped_equal,
// unknown_before): the same entries for them as without, for less work and
// memory when the caller needs a few keys of a large boot. With
// `effects_only`, the result also leaves out the keys that a plain write
// put where they are in both orders (no effect_id, not order_dependent),
// in all three fields: all effect_shadows() looks at.
ReplayResult replay_boot(const BootResult& result, const ReplayInput& input,
                         const util::StringMap* only = nullptr, bool effects_only = false);

// How the kernel prints a value written to an integer key ("007" -> "7");
// other values unchanged (trimmed).
std::string kernel_text(std::string_view value);

// Our keys (exact, canonical) that the replay ends at another value through a
// side effect of the kernel, with the write that caused it and the mechanism.
std::vector<Shadow> effect_shadows(const ReplayResult& replay, const util::StringMap& ours,
                                   std::string_view our_fragment_name);

// Whether some write effect can change `key` (it is a target of one).
bool effect_can_reach(std::string_view key);

// The keys a write of `written` sets to 0 through a side effect (the
// writeback pairs: vm.dirty_background_bytes and _ratio, vm.dirty_bytes and
// _ratio); exact keys, in the table's order.
std::vector<std::string_view> zeroed_by(std::string_view written);

// Whether a write of `written` can change `target` through a side effect
// (copy or set; a copy only reaches a target never written, which /proc
// cannot tell, so it counts).
bool effect_reaches(std::string_view written, std::string_view target);

}  // namespace sysknob::boot
