#pragma once
// `sysknob import --take-over`: what happens to the files a profile was
// imported from once sysknob's fragment replaces them. Pure: the files
// found and the entries read now come in as values; the result is a list of
// entry changes (snapshot/entry.hpp) that cli/ runs inside the apply's
// snapshot, or the reasons to refuse.
//
// Which files boot reads, and how one is masked, is systemd's rule
// (sysctl.d(5), "Configuration Directories and Precedence";
// src/sysctl/sysctl.c reads CONF_PATHS("sysctl.d") through
// conf_files_list(), src/basic/conf-files.c): /etc/sysctl.d, /run/sysctl.d,
// /usr/local/lib/sysctl.d, /usr/lib/sysctl.d (and /lib/sysctl.d on
// split-usr systems); a name in an earlier directory hides the same name in
// later ones, and "the recommended way" to disable a vendor file "is to
// place a symlink to /dev/null in the configuration directory in /etc/,
// with the same filename".
//
// The rules:
//   - an imported file in /etc/sysctl.d (a link included: the link itself
//     moves) and /etc/sysctl.conf are moved aside: copied into the backup
//     directory with their mode and owner, then removed. When a file of the
//     same name exists in a later directory, removing ours would bring it
//     into force at the next boot, so the /etc entry becomes a /dev/null
//     link instead;
//   - an imported /etc/sysctl.d link that leads to /etc/sysctl.conf (the
//     99-sysctl.conf link distributions ship) takes /etc/sysctl.conf along:
//     procps `sysctl --system` reads that file last on its own;
//   - an imported file in /run, /usr/local/lib, /usr/lib or /lib is never
//     changed: /etc/sysctl.d/NAME becomes a link to /dev/null (nothing to
//     do when it already is one);
//   - refused: a file that is not one boot reads, sysknob's own files, a
//     file that holds a line the profile could not hold (the take-over would
//     silently drop what it does at boot), a file that changed since it was
//     read, and a mask whose /etc/sysctl.d name is a real file or another
//     link that is not itself taken over.
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "boot/boot_model.hpp"
#include "import/imported.hpp"
#include "snapshot/entry.hpp"

namespace sysknob::import {

// A file's fingerprint as import stamps it in the profile it writes:
// "fnv1a64:" and 16 hex digits (FNV-1a, 64 bits). It detects a changed
// file, not a forged one: whoever can forge it can write /etc anyway.
std::string fingerprint(std::string_view content);

// The fingerprints a profile's header names: the "#   PATH (fnv1a64:HEX)"
// lines import::write_profile() writes under "from:", path -> fingerprint.
std::map<std::string, std::string> stamps_in(std::string_view profile_text);

struct TakeOverInput {
    std::vector<std::string> files;                      // logical paths imported, in reading order
    std::map<std::string, std::string> fingerprints;     // path -> fingerprint of what import read
    std::vector<Finding> findings;                       // import's findings (lines not imported)
    std::vector<boot::ConfigFile> tree;                  // every sysctl.d entry found now (os/sysctl_d_tree)
    std::map<std::string, snapshot::Entry> observed;     // now, for every path take_over_paths() lists
    std::function<bool(const std::string&)> is_managed;  // sysknob's own files
    std::string backup_dir;                              // logical, below snapshot::k_takeover_dir
    std::string profile_path;                            // /etc/sysknob/profiles/NAME.toml
    std::optional<std::string> profile_text;             // written by the take-over when set
    unsigned uid = 0, gid = 0;                           // owner of what the take-over creates
};

struct TakeOverStep {
    std::string path;  // logical
    snapshot::Entry to;
    std::string action;  // write-profile | backup | move-aside | mask
};

struct TakeOverPlan {
    std::vector<TakeOverStep> steps;    // in the order they are carried out
    std::vector<std::string> refusals;  // one per problem; empty when the take-over may go ahead
    std::vector<std::string> moved;     // paths moved aside (into backup_dir + path)
    std::vector<std::string> masked;    // imported paths masked by a /dev/null link
};

// The paths whose entries plan_take_over() needs read: every imported
// path, /etc/sysctl.d/NAME for each imported name, and /etc/sysctl.conf.
std::vector<std::string> take_over_paths(const std::vector<std::string>& files);

// The file operations of a take-over, or the refusals.
TakeOverPlan plan_take_over(const TakeOverInput& in);

}  // namespace sysknob::import
