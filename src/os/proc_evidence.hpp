#pragma once
// The real EvidenceSource: /proc files, /dev/kmsg and sock_diag netlink.
// Read-only; nothing here changes the system. The counter files and the
// sockets are those of the caller's network namespace; /dev/kmsg and
// /proc/net/softnet_stat are host-wide.
#include "ports/evidence_source.hpp"

namespace sysknob::os {

class ProcEvidence : public ports::EvidenceSource {
  public:
    explicit ProcEvidence(std::string proc = "/proc", std::string kmsg = "/dev/kmsg")
        : m_proc(std::move(proc)), m_kmsg(std::move(kmsg))
    {
    }
    Result<std::string> proc_text(std::string_view name) override;
    Result<std::vector<doctor::LogRecord>> kernel_log() override;
    Result<std::vector<doctor::Socket>> tcp_sockets() override;
    bool in_child_netns() override;

  private:
    std::string m_proc;
    std::string m_kmsg;
};

// Every TCP socket of the caller's network namespace, from NETLINK_SOCK_DIAG
// (linux/inet_diag.h, the interface ss(8) uses). os/sock_diag.cpp.
Result<std::vector<doctor::Socket>> sock_diag_tcp();

// The records of /dev/kmsg that `keep` accepts, read without blocking from
// the oldest the ring still holds (Documentation/ABI/testing/dev-kmsg).
// os/kernel_log.cpp.
Result<std::vector<doctor::LogRecord>> read_kmsg(const std::string& path, bool (*keep)(std::string_view));

}  // namespace sysknob::os
