#pragma once
// Bounded reading of small files. Touches the file system (read only).
#include <string>

#include "util/result.hpp"

namespace sysknob::util {

enum class Follow { symlinks, no_symlinks };

// Reads a regular file of at most max_bytes. Errors name the path: missing,
// not a regular file, too large, unreadable. With Follow::no_symlinks a
// symlink as the last component is refused (O_NOFOLLOW). A file whose size
// says 0 is read until end of file, still bounded by max_bytes: files in
// /proc report 0 (fs/proc/generic.c) and have text all the same.
Result<std::string> read_file(const std::string& path, size_t max_bytes, Follow follow = Follow::symlinks);

bool file_exists(const std::string& path);

}  // namespace sysknob::util
