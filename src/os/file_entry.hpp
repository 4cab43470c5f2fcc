#pragma once
// Reads and replaces one directory entry exactly (snapshot/entry.hpp): a
// regular file with its bytes, mode and owner, a symbolic link with its
// target, or nothing. What take-over's move-aside, /dev/null masks and
// their rollback are made of. Touches the file system.
#include <string>

#include "snapshot/entry.hpp"
#include "util/result.hpp"

namespace sysknob::os {

// The entry at `path` (not followed when it is a link). Refuses what a
// take-over never touches: directories, devices, FIFOs, sockets, and files
// larger than 16 MiB.
Result<snapshot::Entry> read_entry(const std::string& path);

// Makes `path` be `entry`, atomically: a file or link is created under a
// temporary name in the same directory (owner and mode set, fsynced) and
// renamed over the path; absent unlinks it. The directory is fsynced.
// Missing parent directories are created (0700 below `private_below`, when
// the path is under it, else 0755); when the entry becomes absent, parent
// directories left empty are removed up to, not including, `private_below`.
// The entry at `path` is unchanged on any error.
Result<void> set_entry(const std::string& path, const snapshot::Entry& entry, const std::string& private_below = {});

}  // namespace sysknob::os
