#pragma once
// Snapshots: the before-state of one change (apply or rollback), enough to
// return live values and files exactly to it. Model and (de)serialisation;
// pure. Storage is change/snapshot_store over the FileStore port.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "snapshot/entry.hpp"
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

// A module this change loaded ("load": undo unloads it when unused) or
// unloaded ("unload", by a rollback: undo loads it again). A pending
// snapshot lists the modules it is about to load before loading them, so a
// rollback after a crash can unload them.
struct ModuleRecord {
    std::string name;
    std::string action;  // load | unload
    bool operator==(const ModuleRecord&) const = default;
};

// A live module parameter (/sys/module/M/parameters/P) this change wrote.
struct ParamRecord {
    std::string module, param;
    std::string before;  // restored by rollback
    std::string after;   // what the kernel kept (read back); "" while pending
    bool operator==(const ParamRecord&) const = default;
};

// What made the snapshot, and how far its change got. Written as the
// names below ("apply", "pending"...); the file format is text.
enum class Kind { apply, rollback };
enum class Status {
    pending,    // the change started and has not finished: it blocks the next one
    committed,  // the change finished
    failed,     // the change was refused and undone, discarded, or interrupted and rolled back
};
const char* kind_name(Kind k);
const char* status_name(Status s);

struct Snapshot {
    int id = 0;
    Kind kind = Kind::apply;
    Status status = Status::pending;
    std::string reason;              // why it failed
    std::string created;             // ISO 8601 UTC
    std::string user, host, kernel;
    std::vector<std::string> profiles;
    std::vector<std::pair<std::string, std::string>> profile_content;  // path, text
    std::vector<KeyState> keys;
    std::vector<FileRecord> files;
    std::vector<ModuleRecord> modules;  // absent from snapshots before module loading: read as empty
    std::vector<ParamRecord> params;    // likewise
    std::vector<EntryRecord> entries;   // take-over's files and masks (snapshot/entry.hpp); optional section
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
std::string restatus(std::string pending_text, Status status);
// Validates everything; the error names `origin` (the file) and what is wrong.
Result<Snapshot> parse(const std::string& text, const std::string& origin);

}  // namespace sysknob::snapshot
