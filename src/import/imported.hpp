#pragma once
// What `sysknob import` gathers from a host's existing configuration
// (sysctl.conf, sysctl.d files and directories, the boot set, tuned
// profiles) before it becomes a profile. Plain data; no I/O.
#include <map>
#include <string>
#include <vector>

#include "model/value.hpp"

namespace sysknob::import {

// One source file's text with the label it is reported under (its path).
struct SourceFile {
    std::string path;
    std::string content;
};

// A setting that survives into the profile: the assignment that wins, as
// boot would leave it.
struct ImportedSetting {
    std::string key;  // canonical form (model/key.hpp); "*" segments for globs
    model::Value value;
    std::string comment;    // the comment lines right above it, joined on one line
    bool optional = false;  // a '-key = value' line: boot ignores a failure
    std::string file;
    int line = 0;
};

// A module from tuned's [modules] section: loaded, with its options.
struct ImportedModule {
    std::string name;
    std::vector<std::pair<std::string, std::string>> params;
    std::string file;
    int line = 0;
};

// What the operator must decide, grouped in import's summary.
enum class FindingKind {
    not_imported,  // cannot be expressed in a profile (exclusion, partial glob, empty value...)
    hand_value,    // tuned ${f:...} / ${var} or a conditional include: needs a value written by hand
    conflict,      // an earlier file sets the key otherwise; the later one wins at boot
    absent,        // the key does not exist on this kernel (lint SK1001/SK1005/SK2002)
    dangerous,     // removed, obsolete or risky (lint SK2xxx/SK3xxx)
    lint,          // any other lint finding
    drift,         // the live value differs from the files
};

const char* finding_kind_name(FindingKind k);

struct Finding {
    FindingKind kind = FindingKind::not_imported;
    std::string key;  // canonical, "" when about a whole line or file
    std::string file;
    int line = 0;
    std::string message;  // house style: lower-case, no trailing period
};

struct Imported {
    std::vector<std::string> files;  // every file read, in reading order
    // file -> import::fingerprint() of the bytes read (sysctl.d files), stamped
    // in the profile's header so a take-over can tell a file changed since
    std::map<std::string, std::string> fingerprints;
    std::vector<ImportedSetting> settings;
    std::vector<ImportedModule> modules;
    std::vector<Finding> findings;
};

}  // namespace sysknob::import
