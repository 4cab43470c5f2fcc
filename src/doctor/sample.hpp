#pragma once
// What `sysknob doctor` observes at one instant: the kernel's counters (by
// name), the knobs the rules compare them with, the sockets sock_diag
// reports and the kernel log records that name a limit. Plain data; the
// parsers (doctor/counters) and the rules (doctor/findings) are pure.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace sysknob::doctor {

// Counter and gauge values by name: "TcpExt.ListenOverflows",
// "Udp.RcvbufErrors", "sockstat.TCP.tw", "softnet.dropped",
// "conntrack.drop", "loadavg.threads" (see doctor/counters.hpp).
using Counters = std::map<std::string, uint64_t>;

// One TCP socket as inet_diag reports it (linux/inet_diag.h). For a LISTEN
// socket rqueue is the accept queue's length and wqueue its limit,
// min(listen() backlog, net.core.somaxconn) (net/ipv4/tcp_diag.c,
// tcp_diag_get_info); for others the bytes queued.
struct Socket {
    enum class State { listen, time_wait, other };
    State state = State::other;
    std::string local_addr;  // printable, IPv6 in brackets
    uint16_t local_port = 0;
    std::string remote_addr;
    uint16_t remote_port = 0;
    uint32_t rqueue = 0;
    uint32_t wqueue = 0;
};

// A /dev/kmsg record: microseconds since boot and the message text.
struct LogRecord {
    uint64_t usec = 0;
    std::string text;
};

struct Sample {
    double uptime_s = 0;                       // /proc/uptime
    Counters counters;                         // totals since boot, and gauges
    std::map<std::string, std::string> knobs;  // key -> live text; absent keys missing
    std::vector<Socket> sockets;
    bool have_sockets = false;        // sock_diag answered
    std::vector<LogRecord> log;       // only the records doctor/findings matches
    bool log_host_wide_only = false;  // the log is the host's, we are in a child netns
};

}  // namespace sysknob::doctor
