#pragma once
// The sysctl.d precedence model: what systemd-sysctl would write at boot from a
// set of configuration files, and which files would beat ours. Pure: the files
// come in as values (os/sysctl_d_tree.hpp reads them from disk).
//
// Modelled on systemd-sysctl 252..257 (src/sysctl/sysctl.c and
// src/basic/conf-files.c):
//   - files named *.conf in /etc/sysctl.d, /run/sysctl.d,
//     /usr/local/lib/sysctl.d, /usr/lib/sysctl.d (and /lib/sysctl.d on
//     split-usr systems), in that order of precedence;
//   - a file name seen in an earlier directory masks the same name in later
//     ones; a symlink to /dev/null is such a file that reads as empty;
//   - the remaining files are read in strcmp() order of their names (not
//     their paths), all into one table keyed by the normalised key; a later
//     assignment of a key replaces the earlier one and moves to the end of
//     the table, unless it has the same value (then nothing changes);
//   - /etc/sysctl.conf is NOT read by systemd-sysctl (since v207); it counts
//     only through the /etc/sysctl.d/99-sysctl.conf symlink distributions ship;
//   - globs are expanded at apply time against the keys that exist then; a
//     key that is in the table (set explicitly, or excluded with `-key`) is
//     never written by a glob, whatever the file order; a key that several
//     globs match gets the value of the glob that comes last in the table;
//   - the credential sysctl.extra (v252+, applied after the files) is not
//     modelled.
// procps `sysctl --system` (4.0.x) uses the same directories and masking but
// writes every line in order and then reads /etc/sysctl.conf again at the
// end; procps_differences() reports where that changes a final value.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "boot/sysctl_d_parser.hpp"
#include "util/string_map.hpp"

namespace sysknob::boot {

// One file found on disk, with its logical directory ("/etc/sysctl.d", not
// prefixed by any --root). /etc/sysctl.conf itself is passed as directory
// "/etc", name "sysctl.conf": only the procps comparison reads it.
struct ConfigFile {
    std::string directory;
    std::string name;
    std::string content;
    bool masked_to_devnull = false;  // a symlink to /dev/null (content empty)
};

// The sysctl.d directories in systemd's order of precedence, highest first.
const std::vector<std::string>& sysctl_d_directories();
inline constexpr std::string_view k_sysctl_conf_directory = "/etc";
inline constexpr std::string_view k_sysctl_conf_name = "sysctl.conf";

struct MaskedFile {
    std::string path;       // the file that does not count
    std::string masked_by;  // the file of the same name that does
};

struct BootResult {
    // The files systemd reads, in reading order (paths).
    std::vector<std::string> files;
    // Files that do not count because an earlier directory has the same name.
    std::vector<MaskedFile> masked;
    // Files masked by a /dev/null symlink (the symlink's own path).
    std::vector<std::string> devnull_masks;
    // systemd's table at the end of parsing, in its order (the write order):
    // one entry per key, exact, glob or exclusion.
    std::vector<SysctlAssignment> table;
    // Every assignment of every key (exact, glob, exclusion), in reading
    // order; the last one decides unless it repeats an earlier value.
    std::map<std::string, std::vector<SysctlAssignment>> history;
    std::vector<ParseIssue> issues;
};

// Builds the model from the files found (any order; directories outside
// sysctl_d_directories() and /etc/sysctl.conf are ignored). Without
// `with_history`, `history` stays empty: the boot replay needs the table
// only, and a copy of every assignment per key was a sixth of the boot
// analysis of a glob over thousands of interfaces (bench/).
BootResult build_boot_model(const std::vector<ConfigFile>& files, bool with_history = true);

// The entry that decides `key` in systemd's table, or nullptr when no file
// names it. An exclusion entry means "not written, and no glob either".
const SysctlAssignment* find_entry(const BootResult& result, std::string_view key);

struct FinalValue {
    std::string value;
    SysctlAssignment source;  // the exact or glob assignment that wrote it
};

// The value systemd-sysctl would leave in each key: every exact key in the
// table (whether it exists or not), plus each key of `existing_keys`
// (canonical form, e.g. read from /proc/sys) that a glob reaches.
std::map<std::string, FinalValue> final_values(const BootResult& result, const std::vector<std::string>& existing_keys);

enum class ShadowScope { systemd, procps_only };

// A file that would override our fragment for one key.
struct Shadow {
    std::string key;
    std::string our_value;
    SysctlAssignment by;      // file, line, value (or an exclusion) that wins
    bool same_value = false;  // it sets what we set: harmless today
    ShadowScope scope = ShadowScope::systemd;
    // Set when a kernel side effect of another key's write does it
    // (boot_replay.hpp): the mechanism in words; `by` is that write.
    std::string mechanism;
};

// For every key we set (exact keys, canonical form) in a fragment named
// `our_fragment_name` placed in /etc/sysctl.d, the assignments that would win
// over ours at boot: files that count (masking honoured) and whose name sorts
// after ours, including `-key` exclusions, which make systemd drop our value.
// Files of our own name are ours (ours in /etc masks the others). Globs never
// shadow an exact key. With `files`, also reports /etc/sysctl.conf, which
// procps `--system` applies last (scope procps_only).
std::vector<Shadow> find_shadows(const BootResult& result, std::string_view our_fragment_name,
                                 const util::StringMap& our_keys, const std::vector<ConfigFile>* files = nullptr);

// A key whose final value differs between systemd-sysctl and procps
// `sysctl --system` for the same files (exact keys only).
struct ProcpsDifference {
    std::string key;
    std::optional<std::string> systemd_value;  // nullopt: systemd does not write it
    std::string procps_value;
    std::string procps_file;
    int procps_line = 0;
};

std::vector<ProcpsDifference> procps_differences(const std::vector<ConfigFile>& files, const BootResult& result);

}  // namespace sysknob::boot
