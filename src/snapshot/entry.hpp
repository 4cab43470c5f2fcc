#pragma once
// Directory entries a change records and restores exactly: a regular file
// (content, mode, owner), a symbolic link (its target) or nothing. Take-over
// (`sysknob import --take-over`) moves files aside and masks others with a
// link to /dev/null; the snapshot keeps each path's entry before the change
// so `rollback` puts it back byte for byte. Model, path rules and the
// snapshot's additive "entries" section; pure.
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "util/result.hpp"

namespace sysknob::snapshot {

enum class EntryKind { absent, file, symlink };

struct Entry {
    EntryKind kind = EntryKind::absent;
    std::string content;   // a file's bytes, or a link's target
    unsigned mode = 0644;  // files: permission bits
    unsigned uid = 0, gid = 0;
    bool operator==(const Entry&) const = default;
};

// The path's entry before the change (logical path, without --root).
struct EntryRecord {
    std::string path;
    Entry before;
    bool operator==(const EntryRecord&) const = default;
};

const char* entry_kind_name(EntryKind k);

// The paths a snapshot may record entries for, so that a damaged or planted
// snapshot cannot make rollback write elsewhere: /etc/sysctl.conf, one
// level of /etc/sysctl.d/*.conf, /etc/sysknob/profiles/*.toml, and files
// below /var/lib/sysknob/takeover/ (the dated backups).
bool is_entry_path(const std::string& path);

inline constexpr std::string_view k_takeover_dir = "/var/lib/sysknob/takeover";

// The snapshot's "entries" section: {"format": 1, "records": [...]}; written
// only when there are records, so snapshots without a take-over are
// unchanged and older snapshots read as having none.
nlohmann::json entries_json(const std::vector<EntryRecord>& records);
// Reads the section; the error says what is wrong (the caller names the file).
Result<std::vector<EntryRecord>> entries_from_json(const nlohmann::json& section);

}  // namespace sysknob::snapshot
