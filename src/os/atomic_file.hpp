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
