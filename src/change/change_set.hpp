#pragma once
// What one change (apply's or rollback's) does, decided before it starts:
// modules to load, live values to write, files to write or remove, modules
// to unload. Plain data; change/execute carries it out.
#include <string>
#include <vector>

#include "apply/modules.hpp"
#include "apply/transaction.hpp"
#include "snapshot/entry.hpp"

namespace sysknob::change {

struct FileChange {
    std::string path;  // without --root: "/etc/sysctl.d/90-sysknob.conf" (persist/paths.hpp)
    bool remove = false;
    std::string content;
    unsigned mode = 0644;
    std::string action;  // create | update | remove
};

// A directory entry set exactly (import --take-over's backups, move-asides
// and masks, and their restore): change/entries.
struct EntryChange {
    std::string path;  // without --root
    snapshot::Entry to;
    std::string action;  // write-profile | backup | move-aside | mask | restore
};

struct ChangeSet {
    std::vector<apply::ModuleLoad> load;         // loaded first, before any write (host-wide)
    std::vector<apply::LiveChange> after_load;   // keys a loaded module brings: their before is read once it is in
    std::vector<apply::ParamChange> params;      // live module parameters, written after the loads
    std::vector<apply::LiveChange> live;
    std::vector<FileChange> files;
    std::vector<std::string> unload;             // (rollback) modules a change loaded: removed last, if unused
    std::vector<EntryChange> entries;            // take-over's entries, after the files
    bool empty() const
    {
        return load.empty() && after_load.empty() && params.empty() && live.empty() && files.empty() &&
               unload.empty() && entries.empty();
    }
};

}  // namespace sysknob::change
