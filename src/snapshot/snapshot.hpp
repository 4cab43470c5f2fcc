#pragma once
// Snapshots: the before-state of one change (apply or rollback), enough to
// return live values and files exactly to it. Model and (de)serialisation;
// pure. Storage is os/snapshot_store.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.hpp"

namespace sysknob::snapshot {

struct KeyState {
    std::string key;
    std::string value;  // the kernel's text before the change (trailing newline dropped)
};

struct FileRecord {
    std::string path;
    bool existed = false;
    std::string content;
    unsigned mode = 0644;
};

struct Snapshot {
    int id = 0;
    std::string kind = "apply";      // apply | rollback
    std::string status = "pending";  // pending | committed | failed
    std::string reason;              // why it failed
    std::string created;             // ISO 8601 UTC
    std::string user, host, kernel;
    std::vector<std::string> profiles;
    std::vector<std::pair<std::string, std::string>> profile_content;  // path, text
    std::vector<KeyState> keys;
    std::vector<FileRecord> files;
    bool undone = false;
    int undoes = 0;  // for a rollback: the snapshot it undid
};

std::string serialize(const Snapshot& s);
// serialize() of the same snapshot with its status changed, from the text of
// the pending one, without serialising it again: a snapshot of a glob over
// thousands of interfaces costs as much to serialise as the rest of the
// apply. serialize() writes the top-level `"status": "pending"` exactly so,
// and the sequence cannot occur elsewhere (quotes inside strings are
// escaped). Returns "" when `pending_text` has no such status.
std::string restatus(std::string pending_text, std::string_view status);
// Validates everything; the error names `origin` (the file) and what is wrong.
Result<Snapshot> parse(const std::string& text, const std::string& origin);

}  // namespace sysknob::snapshot
