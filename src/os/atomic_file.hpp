#pragma once
// Atomic file replacement and safe directories: temporary file in the same
// directory, write, fsync, rename, fsync the directory. Refuses symbolic
// links and files or directories owned or writable by another user.
#include <string>
#include <sys/types.h>

#include "util/result.hpp"

namespace sysknob::os {

// Writes `content` to `path` atomically with `mode`. Parent directories are
// created (0755) when missing. The previous file stays intact on any error.
Result<void> write_file_atomic(const std::string& path, const std::string& content, mode_t mode);

// Removes the temporary file write_file_atomic() leaves behind when it is
// killed before its rename ("DIR/.NAME.sysknob-tmp"), if there is one.
void remove_stale_temporary(const std::string& path);

// fsync()s a directory, so that a rename or unlink in it is durable.
Result<void> fsync_dir(const std::string& dir);

// Removes a file (if present) and fsyncs its directory.
Result<void> remove_file(const std::string& path);

// How make_dirs() creates the directories that are missing and treats
// the ones that exist.
struct MakeDirs {
    mode_t mode = 0755;
    // Directories at or below this one (when not empty) are created with
    // `private_mode` instead: take-over backups under the 0700 state
    // directory stay as private as the snapshots that hold them too.
    std::string private_below;
    mode_t private_mode = 0700;
    // An existing symbolic link to a directory on the way: followed (the
    // managed /etc directories may be links on some systems), or refused
    // (below the state directory, where sysknob writes as root and a link
    // would send the write elsewhere).
    bool follow_links = true;
};

// Creates `dir` and its missing parents as `how` says; an existing entry
// that is not a directory (or a link when links are refused) is an error.
Result<void> make_dirs(const std::string& dir, const MakeDirs& how = {});

// "DIR/.NAME.sysknob-tmp": the temporary a write of `path` renames into
// place, and that a killed write leaves behind.
std::string temporary_for(const std::string& path);

// Creates `dir` (and parents, 0755) with the final component at `mode`;
// an existing one must be a real directory owned by us and not writable by
// group or others when `private_dir` is set.
enum class DirPolicy { shared, private_dir };
Result<void> ensure_dir(const std::string& dir, mode_t mode, DirPolicy policy);

// Checks that an existing path is not a symlink and is owned by us and not
// writable by others; ok when the path does not exist.
Result<void> check_owned(const std::string& path);

// Reads a file's current content for a snapshot: nullopt content when absent.
struct FileState {
    bool exists = false;
    std::string content;
    mode_t mode = 0644;
};
Result<FileState> read_file_state(const std::string& path);

}  // namespace sysknob::os
