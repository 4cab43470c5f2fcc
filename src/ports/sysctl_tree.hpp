#pragma once
// SysctlTree: the one door to the live kernel parameters. It exists so
// tests can substitute it (tests/support/fake_sysctl_tree.hpp records
// writes and injects errno at any position), like ninja's DiskInterface.
// The real one is os/proc_sysctl_tree. --dry-run and --check need no
// adapter: they stop after change::prepare(), which only reads.
#include <string>
#include <string_view>
#include <vector>

#include "util/result.hpp"

namespace sysknob::ports {

enum class Access { absent, read_only, writable };
enum class Intent { read, write };

struct LiveValue {
    std::string text;       // as the kernel printed it
    bool writable = false;  // known only for Intent::write
};

class SysctlTree {
  public:
    virtual ~SysctlTree() = default;
    // Whether a key exists and can be written here (one stat-like call).
    virtual Access probe(std::string_view key) = 0;
    // Reads a key (errors: ENOENT absent, EACCES...). With Intent::write the
    // key is also checked for writability and kept ready for write().
    virtual Result<LiveValue> read(std::string_view key, Intent intent) = 0;
    // Writes a value; the error carries the kernel's errno.
    virtual Result<void> write(std::string_view key, std::string_view value) = 0;
    // The entry names (canonical segment form: "eth0/100") of the directory
    // holding `prefix`'s children, e.g. "net.ipv4.conf" -> all, default, lo...
    virtual Result<std::vector<std::string>> list(std::string_view prefix) = 0;
};

}  // namespace sysknob::ports
