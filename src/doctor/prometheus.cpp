#include "doctor/prometheus.hpp"

#include <fmt/format.h>

#include "util/strings.hpp"

namespace sysknob::doctor {

namespace {

// Label values escape backslash, double quote and newline (exposition format).
std::string esc(std::string_view v)
{
    std::string out;
    for (char c : v) {
        if (c == '\\' || c == '"')
            out += {'\\', c};
        else if (c == '\n')
            out += "\\n";
        else
            out += c;
    }
    return out;
}

void family(std::string& out, std::string_view name, std::string_view type, std::string_view help)
{
    out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
}

// The counters doctor's rules read, exported under one family each.
struct Exported {
    const char* counter;
    const char* metric;
    const char* help;
};
constexpr Exported k_counters[] = {
    {"TcpExt.ListenOverflows", "sysknob_tcp_listen_overflows_total",
     "times an accept queue was full (ListenOverflows)"},
    {"TcpExt.ListenDrops", "sysknob_tcp_listen_drops_total", "connection requests dropped at a listener (ListenDrops)"},
    {"TcpExt.TCPReqQFullDrop", "sysknob_tcp_syn_queue_full_drops_total", "SYNs dropped with a full SYN queue"},
    {"TcpExt.TCPReqQFullDoCookies", "sysknob_tcp_syn_queue_full_cookies_total",
     "SYNs answered with syncookies because the SYN queue was full"},
    {"TcpExt.TCPTimeWaitOverflow", "sysknob_tcp_time_wait_overflows_total",
     "connections closed without TIME_WAIT because tcp_max_tw_buckets was reached"},
    {"TcpExt.TCPBacklogDrop", "sysknob_tcp_backlog_drops_total", "packets dropped from a full socket backlog"},
    {"TcpExt.TCPMemoryPressures", "sysknob_tcp_memory_pressures_total", "times TCP entered memory pressure"},
    {"TcpExt.PruneCalled", "sysknob_tcp_prune_called_total", "receive queues pruned for memory"},
    {"TcpExt.TCPAbortOnMemory", "sysknob_tcp_abort_on_memory_total", "connections aborted for lack of memory"},
    {"Udp.RcvbufErrors", "sysknob_udp_receive_buffer_errors_total", "UDP datagrams dropped on a full receive buffer"},
    {"Udp.SndbufErrors", "sysknob_udp_send_buffer_errors_total", "UDP sends failed on a full send buffer"},
    {"Udp.InErrors", "sysknob_udp_in_errors_total", "UDP datagrams received with errors (includes RcvbufErrors)"},
    {"softnet.dropped", "sysknob_softnet_dropped_total", "packets dropped at the per-CPU input queue (host-wide)"},
    {"softnet.time_squeeze", "sysknob_softnet_time_squeeze_total",
     "receive softirq runs that ended with work left (host-wide)"},
    {"conntrack.drop", "sysknob_conntrack_drops_total", "packets dropped because a conntrack entry could not be made"},
    {"conntrack.early_drop", "sysknob_conntrack_early_drops_total",
     "conntrack entries evicted early to make room for new ones"},
    {"conntrack.insert_failed", "sysknob_conntrack_insert_failed_total", "conntrack entries that failed to insert"},
};

struct Gauge {
    const char* source;  // counter name or sysctl key
    bool is_knob;
    const char* metric;
    const char* help;
};
constexpr Gauge k_gauges[] = {
    {"sockstat.TCP.inuse", false, "sysknob_tcp_sockets_in_use", "TCP sockets in use"},
    {"sockstat.TCP.orphan", false, "sysknob_tcp_sockets_orphaned", "TCP sockets no longer attached to a file"},
    {"sockstat.TCP.tw", false, "sysknob_tcp_sockets_time_wait", "TCP sockets in TIME_WAIT"},
    {"net.ipv4.tcp_max_tw_buckets", true, "sysknob_tcp_time_wait_limit", "net.ipv4.tcp_max_tw_buckets"},
    {"net.netfilter.nf_conntrack_count", true, "sysknob_conntrack_entries", "conntrack entries in use"},
    {"net.netfilter.nf_conntrack_max", true, "sysknob_conntrack_entries_limit", "net.netfilter.nf_conntrack_max"},
    {"file_nr.allocated", false, "sysknob_file_handles_allocated", "file handles allocated (fs.file-nr)"},
    {"fs.file-max", true, "sysknob_file_handles_limit", "fs.file-max"},
};

}  // namespace

std::string render_prometheus(const Sample& last, const std::vector<Finding>& findings, double interval_s,
                              const std::optional<DriftMetrics>& drift)
{
    std::string out;
    for (const auto& c : k_counters) {
        auto it = last.counters.find(c.counter);
        if (it == last.counters.end()) continue;
        family(out, c.metric, "counter", c.help);
        out += fmt::format("{} {}\n", c.metric, it->second);
    }
    for (const auto& g : k_gauges) {
        std::optional<uint64_t> v;
        if (g.is_knob) {
            auto it = last.knobs.find(g.source);
            if (it != last.knobs.end() && !it->second.empty()) {
                auto fields = util::split_ws(it->second);
                auto x = fields.empty() ? std::nullopt : util::parse_i64(fields[0]);
                if (x && *x >= 0) v = static_cast<uint64_t>(*x);
            }
        } else if (auto it = last.counters.find(g.source); it != last.counters.end()) {
            v = it->second;
        }
        if (!v) continue;
        family(out, g.metric, "gauge", g.help);
        out += fmt::format("{} {}\n", g.metric, *v);
    }
    family(out, "sysknob_doctor_findings", "gauge", "findings of sysknob doctor by severity");
    for (auto sev : {Severity::info, Severity::warning, Severity::critical}) {
        size_t n = 0;
        for (const auto& f : findings)
            n += f.severity == sev;
        out += fmt::format("sysknob_doctor_findings{{severity=\"{}\"}} {}\n", severity_name(sev), n);
    }
    family(out, "sysknob_doctor_finding", "gauge", "1 for each finding of sysknob doctor (see sysknob(8))");
    for (const auto& f : findings)
        out += fmt::format("sysknob_doctor_finding{{id=\"{}\",severity=\"{}\",title=\"{}\"}} 1\n", f.id,
                           severity_name(f.severity), esc(f.title));
    family(out, "sysknob_doctor_interval_seconds", "gauge", "time between the two samples doctor compared");
    out += fmt::format("sysknob_doctor_interval_seconds {}\n", interval_s);
    family(out, "sysknob_kernel_uptime_seconds", "gauge", "time since boot when doctor sampled (/proc/uptime)");
    out += fmt::format("sysknob_kernel_uptime_seconds {}\n", last.uptime_s);
    if (drift) {
        family(out, "sysknob_status_profile_active", "gauge", "1 when a profile has been applied");
        out += fmt::format("sysknob_status_profile_active{{profile=\"{}\"}} {}\n", esc(drift->profile),
                           drift->profile_active ? 1 : 0);
        family(out, "sysknob_status_keys", "gauge", "keys of the applied profile by state");
        out += fmt::format("sysknob_status_keys{{state=\"in_sync\"}} {}\n", drift->keys_in_sync);
        out += fmt::format("sysknob_status_keys{{state=\"drifted\"}} {}\n", drift->keys_drifted);
        out += fmt::format("sysknob_status_keys{{state=\"shadowed\"}} {}\n", drift->keys_shadowed);
        family(out, "sysknob_status_pending_changes", "gauge", "unfinished changes (pending snapshots)");
        out += fmt::format("sysknob_status_pending_changes {}\n", drift->pending_changes);
        if (drift->last_apply_s) {
            family(out, "sysknob_status_last_apply_timestamp_seconds", "gauge",
                   "Unix time of the newest committed change");
            out += fmt::format("sysknob_status_last_apply_timestamp_seconds {}\n", *drift->last_apply_s);
        }
    }
    return out;
}

}  // namespace sysknob::doctor
