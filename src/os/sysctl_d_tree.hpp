#pragma once
// Reads the sysctl.d configuration of a system (or of a scratch tree given as
// root) into boot::ConfigFile values for the boot model. Touches the outside
// world: reads directories and files, never writes.
//
// What it gathers, as systemd-sysctl would see it:
//   - every entry named *.conf (not hidden) in each of
//     boot::sysctl_d_directories() under root; /lib/sysctl.d is skipped when
//     it is the same directory as /usr/lib/sysctl.d (merged /usr);
//   - symlinks are followed as systemd follows them, but resolved inside root
//     (openat2 RESOLVE_IN_ROOT), so an absolute link in a scratch tree cannot
//     reach the host; a link whose target is /dev/null, or anything that opens
//     as /dev/null, becomes masked_to_devnull with empty content;
//   - an entry that cannot be read (dangling link, directory, FIFO, larger
//     than k_max_config_size, permission denied) is kept with empty content,
//     because its name still masks the same name in later directories, and an
//     issue says why;
//   - /etc/sysctl.conf, when it is a regular file (after links), as directory
//     "/etc", name "sysctl.conf", for the procps comparison.
//
// Order of the result: the directories in boot::sysctl_d_directories()
// order, within each the names in byte (strcmp) order, whatever order the
// file system lists them in; /etc/sysctl.conf last. The boot model does not
// need any order (it ranks the files itself), but issues and tools that
// print the list must not change with the file system.
#include <string>
#include <string_view>
#include <vector>

#include "boot/boot_model.hpp"
#include "util/result.hpp"

namespace sysknob::os {

inline constexpr size_t k_max_config_size = 16 * 1024 * 1024;

// root: "" or "/" for the running system, else a directory used as "/".
// Fails only when root itself cannot be opened as a directory; every other
// problem is appended to `issues` (line 0) and the file or directory skipped
// or kept empty as described above. names_after: when not empty, only
// sysctl.d names that sort after it (byte order, as systemd reads them) are
// gathered, with /etc/sysctl.conf: all a file of that name can be
// overridden by (change/prepare.cpp, shadows), without reading the rest.
Result<std::vector<boot::ConfigFile>> read_sysctl_d_tree(std::string_view root, std::vector<boot::ParseIssue>& issues,
                                                         std::string_view names_after = {});

}  // namespace sysknob::os
