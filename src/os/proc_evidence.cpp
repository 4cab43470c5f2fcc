#include "os/proc_evidence.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

#include "doctor/findings.hpp"
#include "util/file.hpp"

namespace sysknob::os {

namespace {

// /proc files report a size of 0: util::read_file reads them until end of
// file. softnet_stat is a line per CPU, netstat a few KiB; 4 MiB bounds a
// broken file.
constexpr size_t k_max_proc_bytes = 4u << 20;

}  // namespace

Result<std::string> ProcEvidence::proc_text(std::string_view name)
{
    return util::read_file(m_proc + "/" + std::string(name), k_max_proc_bytes);
}

Result<std::vector<doctor::LogRecord>> ProcEvidence::kernel_log()
{
    return read_kmsg(m_kmsg, doctor::log_record_matters);
}

Result<std::vector<doctor::Socket>> ProcEvidence::tcp_sockets()
{
    return sock_diag_tcp();
}

bool ProcEvidence::in_child_netns()
{
    char self[64] = {}, init[64] = {};
    const std::string a = m_proc + "/self/ns/net", b = m_proc + "/1/ns/net";
    ssize_t n1 = ::readlink(a.c_str(), self, sizeof self - 1);
    ssize_t n2 = ::readlink(b.c_str(), init, sizeof init - 1);
    // Unknown (no permission to read pid 1's link): assume a child, so the
    // host-wide log never makes a finding on its own.
    if (n1 <= 0 || n2 <= 0) return true;
    return std::strcmp(self, init) != 0;
}

}  // namespace sysknob::os
