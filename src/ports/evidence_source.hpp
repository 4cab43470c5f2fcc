#pragma once
// EvidenceSource: where `sysknob doctor` reads the kernel's own counters,
// its log and its sockets. It exists so tests can substitute recorded text
// for the live system, like SysctlTree. The real one is os/proc_evidence.
// Every call is read-only.
#include <string>
#include <string_view>
#include <vector>

#include "doctor/sample.hpp"
#include "util/result.hpp"

namespace sysknob::ports {

class EvidenceSource {
  public:
    virtual ~EvidenceSource() = default;
    // The text of a file under /proc: "net/netstat", "uptime". ENOENT in
    // the error's code when the file does not exist here.
    virtual Result<std::string> proc_text(std::string_view name) = 0;
    // The kernel log records that doctor::log_record_matters() keeps.
    virtual Result<std::vector<doctor::LogRecord>> kernel_log() = 0;
    // Every TCP socket of this network namespace (IPv4 and IPv6).
    virtual Result<std::vector<doctor::Socket>> tcp_sockets() = 0;
    // Whether we run in a network namespace other than the initial one:
    // the kernel log is then another namespace's too.
    virtual bool in_child_netns() = 0;
};

}  // namespace sysknob::ports
