#include "doctor/findings.hpp"

#include <algorithm>
#include <map>

#include "util/strings.hpp"

namespace sysknob::doctor {

namespace {

// The ids, their titles and the public source of each rule's reasoning.
// Kernel sources as of Linux 6.18 (checked against it); the counters' names are the MIB
// names of include/uapi/linux/snmp.h as net/ipv4/proc.c prints them.
const std::vector<FindingKind> k_kinds = {
    {"SK5001", "listen queue overflow: connections dropped because an accept queue was full",
     "listen(2); Documentation/admin-guide/sysctl/net.rst (somaxconn); net/ipv4/tcp_input.c tcp_conn_request and "
     "net/ipv4/tcp_ipv4.c tcp_v4_syn_recv_sock (LINUX_MIB_LISTENOVERFLOWS, LINUX_MIB_LISTENDROPS)"},
    {"SK5002", "SYN queue full: connection requests dropped or answered with syncookies",
     "Documentation/networking/ip-sysctl.rst (tcp_max_syn_backlog, tcp_syncookies); net/ipv4/tcp_input.c "
     "tcp_conn_request (LINUX_MIB_TCPREQQFULLDROP, LINUX_MIB_TCPREQQFULLDOCOOKIES)"},
    {"SK5003", "TIME_WAIT bucket table overflow: connections closed without TIME_WAIT",
     "Documentation/networking/ip-sysctl.rst (tcp_max_tw_buckets, tcp_tw_reuse); net/ipv4/tcp_minisocks.c "
     "tcp_time_wait (LINUX_MIB_TCPTIMEWAITOVERFLOW); tcp_tw_recycle was removed in Linux 4.12 (commit 4396e46187ca)"},
    {"SK5004", "TCP memory pressure: tcp_mem reached, queues pruned or connections aborted",
     "Documentation/networking/ip-sysctl.rst (tcp_mem, tcp_rmem); net/ipv4/tcp_input.c tcp_prune_queue "
     "(LINUX_MIB_PRUNECALLED); net/ipv4/tcp_timer.c tcp_out_of_resources (LINUX_MIB_TCPABORTONMEMORY)"},
    {"SK5005", "TCP socket backlog drops: packets dropped while the socket was owned by the application",
     "Documentation/networking/ip-sysctl.rst (tcp_rmem, tcp_wmem); net/ipv4/tcp_ipv4.c tcp_add_backlog "
     "(LINUX_MIB_TCPBACKLOGDROP)"},
    {"SK5006", "UDP receive buffer errors: datagrams dropped because a socket's receive buffer was full",
     "Documentation/admin-guide/sysctl/net.rst (rmem_default, rmem_max); socket(7) SO_RCVBUF; net/ipv4/udp.c "
     "__udp_queue_rcv_skb (UDP_MIB_RCVBUFERRORS)"},
    {"SK5007", "UDP send buffer errors: sends failed because a socket's send buffer was full",
     "Documentation/admin-guide/sysctl/net.rst (wmem_default, wmem_max); socket(7) SO_SNDBUF; net/ipv4/udp.c "
     "udp_send_skb (UDP_MIB_SNDBUFERRORS)"},
    {"SK5008", "conntrack table full: new flows dropped",
     "Documentation/networking/nf_conntrack-sysctl.rst (nf_conntrack_max, nf_conntrack_buckets, nf_conntrack_count); "
     "net/netfilter/nf_conntrack_core.c __nf_conntrack_alloc ('nf_conntrack: table full, dropping packet')"},
    {"SK5009", "softnet backlog drops: packets dropped before the protocol layer",
     "Documentation/admin-guide/sysctl/net.rst (netdev_max_backlog); net/core/dev.c enqueue_to_backlog; "
     "net/core/net-procfs.c softnet_seq_show (column 2)"},
    {"SK5010", "softnet time squeeze: receive processing ran out of budget with work left",
     "Documentation/admin-guide/sysctl/net.rst (netdev_budget, netdev_budget_usecs); net/core/dev.c "
     "net_rx_action; net/core/net-procfs.c softnet_seq_show (column 3)"},
    {"SK5011", "ephemeral ports nearly exhausted towards one destination",
     "Documentation/networking/ip-sysctl.rst (ip_local_port_range, tcp_tw_reuse); ip(7) IP_BIND_ADDRESS_NO_PORT; "
     "connect(2) EADDRNOTAVAIL; net/ipv4/inet_hashtables.c __inet_hash_connect"},
    {"SK5012", "orphaned TCP sockets near tcp_max_orphans",
     "Documentation/networking/ip-sysctl.rst (tcp_max_orphans); net/ipv4/tcp.c tcp_check_oom ('too many orphaned "
     "sockets')"},
    {"SK5013", "file handles near fs.file-max",
     "Documentation/admin-guide/sysctl/fs.rst (file-max & file-nr); proc(5) /proc/sys/fs/file-nr"},
    {"SK5014", "tasks near kernel.pid_max or kernel.threads-max",
     "Documentation/admin-guide/sysctl/kernel.rst (pid_max, threads-max); proc(5) /proc/loadavg"},
};

const std::vector<std::string> k_knobs = {
    "net.core.somaxconn",
    "net.ipv4.tcp_max_syn_backlog",
    "net.ipv4.tcp_syncookies",
    "net.ipv4.tcp_max_tw_buckets",
    "net.ipv4.tcp_tw_reuse",
    "net.ipv4.tcp_mem",
    "net.ipv4.tcp_rmem",
    "net.ipv4.tcp_max_orphans",
    "net.core.rmem_default",
    "net.core.rmem_max",
    "net.core.wmem_default",
    "net.core.wmem_max",
    "net.core.netdev_max_backlog",
    "net.core.netdev_budget",
    "net.core.netdev_budget_usecs",
    "net.netfilter.nf_conntrack_max",
    "net.netfilter.nf_conntrack_count",
    "net.netfilter.nf_conntrack_buckets",
    "net.ipv4.ip_local_port_range",
    "fs.file-nr",
    "fs.file-max",
    "kernel.pid_max",
    "kernel.threads-max",
};

// The kernel log messages the rules quote, each with the finding it supports.
struct LogPattern {
    const char* text;
    const char* id;
};
constexpr LogPattern k_log_patterns[] = {
    {"nf_conntrack: table full, dropping packet", "SK5008"},
    {"time wait bucket table overflow", "SK5003"},
    {"too many orphaned sockets", "SK5012"},
    {"out of memory -- consider tuning tcp_mem", "SK5004"},
    {"Possible SYN flooding on port", "SK5002"},
};

const FindingKind& kind(std::string_view id)
{
    for (const auto& k : k_kinds)
        if (id == k.id) return k;
    return k_kinds.front();  // unreachable for the ids below
}

std::string num(uint64_t v)
{
    return std::to_string(v);
}

// A sysctl's live integers ("4096", "4096 131072 6291456"); empty when absent.
std::vector<uint64_t> ints(const Sample& s, const std::string& key)
{
    std::vector<uint64_t> out;
    auto it = s.knobs.find(key);
    if (it == s.knobs.end()) return out;
    for (auto f : util::split_ws(it->second)) {
        auto v = util::parse_i64(f);
        if (!v || *v < 0) return {};
        out.push_back(static_cast<uint64_t>(*v));
    }
    return out;
}
std::optional<uint64_t> int_of(const Sample& s, const std::string& key, size_t i = 0)
{
    auto v = ints(s, key);
    if (v.size() <= i) return std::nullopt;
    return v[i];
}
std::string text_of(const Sample& s, const std::string& key)
{
    auto it = s.knobs.find(key);
    return it == s.knobs.end() ? std::string() : it->second;
}

class Rules {
  public:
    Rules(const Sample& a, const Sample& b, double dt) : m_a(a), m_b(b), m_dt(dt) {}

    // The evidence of counter `name` when it is not zero; grew_ is set when
    // it grew during the interval.
    std::optional<Evidence> counter(const std::string& name)
    {
        auto it = m_b.counters.find(name);
        if (it == m_b.counters.end() || it->second == 0) return std::nullopt;
        Evidence e{name, it->second, std::nullopt, 0, "> 0", ""};
        if (m_dt > 0) {
            auto before = m_a.counters.find(name);
            uint64_t was = before == m_a.counters.end() ? 0 : before->second;
            // A counter that went down was reset (a module reloaded): the new
            // total is all that grew.
            uint64_t d = it->second >= was ? it->second - was : it->second;
            e.delta = d;
            e.rate_per_s = static_cast<double>(d) / m_dt;
        }
        return e;
    }
    std::optional<uint64_t> gauge(const std::string& name) const
    {
        auto it = m_b.counters.find(name);
        if (it == m_b.counters.end()) return std::nullopt;
        return it->second;
    }
    // Log records that support finding `id`: newer than the first sample
    // when there is an interval, all that are left in the ring otherwise.
    std::vector<Evidence> log_for(std::string_view id) const
    {
        std::map<std::string, std::pair<uint64_t, uint64_t>> seen;  // text -> (count, during interval)
        const auto since = static_cast<uint64_t>(m_a.uptime_s * 1e6);
        for (const auto& r : m_b.log)
            for (const auto& p : k_log_patterns)
                if (id == p.id && r.text.find(p.text) != std::string::npos) {
                    auto& [n, recent] = seen[p.text];
                    ++n;
                    if (m_dt > 0 && r.usec >= since) ++recent;
                }
        std::vector<Evidence> out;
        for (const auto& [text, c] : seen) {
            Evidence e{"kernel log", c.first,
                       std::nullopt, 0,
                       "any",        "'" + text + "'" + (m_b.log_host_wide_only ? " (host-wide log)" : "")};
            if (m_dt > 0) {
                e.delta = c.second;
                e.rate_per_s = static_cast<double>(c.second) / m_dt;
            }
            out.push_back(std::move(e));
        }
        return out;
    }
    const Sample& last() const { return m_b; }

  private:
    const Sample& m_a;
    const Sample& m_b;
    double m_dt;
};

// Severity from the evidence: growth during the interval is a warning, a
// total since boot without growth (or without an interval) is information.
Severity severity_of(const std::vector<Evidence>& ev, Severity growing)
{
    for (const auto& e : ev)
        if (e.delta && *e.delta > 0) return growing;
    return Severity::info;
}

Finding make(std::string_view id, std::vector<Evidence> ev, Severity growing)
{
    const auto& k = kind(id);
    Finding f;
    f.id = k.id;
    f.title = k.title;
    f.source = k.source;
    f.severity = severity_of(ev, growing);
    f.evidence = std::move(ev);
    return f;
}

uint64_t doubled(std::optional<uint64_t> v, uint64_t floor)
{
    return std::max(v ? *v * 2 : floor, floor);
}

// Collects the counters named, and the log records of the id; a finding
// only when one of the log records counts (kernel log of our own namespace)
// or a counter is not zero.
std::vector<Evidence> collect(Rules& r, std::string_view id, std::initializer_list<const char*> names, bool& any)
{
    std::vector<Evidence> ev;
    any = false;
    for (const char* n : names)
        if (auto e = r.counter(n)) {
            ev.push_back(*e);
            any = true;
        }
    for (auto& e : r.log_for(id)) {
        // The kernel log is the host's: inside a child network namespace it
        // supports a finding of this namespace's counters, never makes one.
        if (!r.last().log_host_wide_only) any = true;
        ev.push_back(std::move(e));
    }
    return ev;
}

void listen_overflow(Rules& r, std::vector<Finding>& out)
{
    bool any = false;
    auto ev = collect(r, "SK5001", {"TcpExt.ListenOverflows", "TcpExt.ListenDrops"}, any);
    // Listeners whose accept queue is full right now: rqueue is the queue's
    // length, wqueue its limit min(backlog, somaxconn).
    const auto& s = r.last();
    const auto somaxconn = int_of(s, "net.core.somaxconn");
    bool app_limited = false, kernel_limited = false;
    for (const auto& sk : s.sockets) {
        if (sk.state != Socket::State::listen || sk.rqueue == 0 || sk.rqueue < sk.wqueue) continue;
        any = true;
        Evidence e{"listener " + sk.local_addr + ":" + num(sk.local_port),
                   sk.rqueue,
                   std::nullopt,
                   0,
                   ">= accept queue limit " + num(sk.wqueue),
                   "accept queue " + num(sk.rqueue) + " of " + num(sk.wqueue)};
        ev.push_back(std::move(e));
        if (somaxconn && sk.wqueue < *somaxconn)
            app_limited = true;
        else
            kernel_limited = true;
    }
    if (!any) return;
    Finding f = make("SK5001", std::move(ev), Severity::warning);
    for (const auto& e : f.evidence)
        if (e.what.rfind("listener ", 0) == 0 && f.severity == Severity::info) f.severity = Severity::warning;
    Knob k{"net.core.somaxconn", text_of(s, "net.core.somaxconn"), "", ""};
    if (app_limited && !kernel_limited) {
        k.why = "a full listener's queue limit is below somaxconn, so the application's listen() backlog is the limit: "
                "raise the backlog the application passes to listen() (up to somaxconn); raising somaxconn alone "
                "changes nothing";
    } else {
        k.suggested = num(std::min<uint64_t>(doubled(somaxconn, 4096), 65535));
        k.why = "the accept queue is min(listen() backlog, somaxconn); raise somaxconn and make sure the application "
                "asks for a backlog at least as large";
    }
    f.knobs.push_back(std::move(k));
    f.advice = "an application that accepts too slowly fills any queue: check its accept loop and worker count first";
    out.push_back(std::move(f));
}

void syn_queue(Rules& r, std::vector<Finding>& out)
{
    bool any = false;
    auto ev = collect(r, "SK5002", {"TcpExt.TCPReqQFullDrop", "TcpExt.TCPReqQFullDoCookies"}, any);
    if (!any) return;
    Finding f = make("SK5002", std::move(ev), Severity::warning);
    const auto& s = r.last();
    f.knobs.push_back({"net.ipv4.tcp_max_syn_backlog", text_of(s, "net.ipv4.tcp_max_syn_backlog"),
                       num(doubled(int_of(s, "net.ipv4.tcp_max_syn_backlog"), 4096)),
                       "half-open connections per listener; requests beyond it are dropped or, with syncookies, "
                       "answered without state"});
    f.knobs.push_back({"net.ipv4.tcp_syncookies", text_of(s, "net.ipv4.tcp_syncookies"),
                       int_of(s, "net.ipv4.tcp_syncookies") == 1u ? "" : "1",
                       "syncookies keep answering a SYN flood when the queue is full (1 = only then)"});
    f.advice = "the SYN queue is also capped by the listen() backlog; a flood from few sources is better filtered";
    out.push_back(std::move(f));
}

void time_wait(Rules& r, std::vector<Finding>& out)
{
    bool any = false;
    auto ev = collect(r, "SK5003", {"TcpExt.TCPTimeWaitOverflow"}, any);
    if (!any) return;
    const auto& s = r.last();
    if (auto tw = r.gauge("sockstat.TCP.tw"))
        ev.push_back({"sockstat.TCP.tw", *tw, std::nullopt, 0,
                      "net.ipv4.tcp_max_tw_buckets " + text_of(s, "net.ipv4.tcp_max_tw_buckets"),
                      "sockets in TIME_WAIT now"});
    Finding f = make("SK5003", std::move(ev), Severity::warning);
    f.knobs.push_back({"net.ipv4.tcp_max_tw_buckets", text_of(s, "net.ipv4.tcp_max_tw_buckets"),
                       num(doubled(int_of(s, "net.ipv4.tcp_max_tw_buckets"), 262144)),
                       "a closing connection beyond this limit skips TIME_WAIT, losing its protection against "
                       "delayed segments; the documentation says to raise it, never to lower it"});
    if (int_of(s, "net.ipv4.tcp_tw_reuse") != 1u)
        f.knobs.push_back({"net.ipv4.tcp_tw_reuse", text_of(s, "net.ipv4.tcp_tw_reuse"), "1",
                           "lets new outgoing connections reuse a TIME_WAIT port when timestamps make it safe; it "
                           "does nothing for incoming connections"});
    f.advice = "never tcp_tw_recycle: it broke clients behind NAT and was removed in Linux 4.12; "
               "tcp_fin_timeout does not shorten TIME_WAIT (fixed at 60 s, TCP_TIMEWAIT_LEN)";
    out.push_back(std::move(f));
}

void tcp_memory(Rules& r, std::vector<Finding>& out)
{
    bool any = false;
    auto ev = collect(r, "SK5004", {"TcpExt.TCPMemoryPressures", "TcpExt.TCPAbortOnMemory", "TcpExt.PruneCalled"}, any);
    if (!any) return;
    const auto& s = r.last();
    if (auto mem = r.gauge("sockstat.TCP.mem"))
        ev.push_back({"sockstat.TCP.mem", *mem, std::nullopt, 0,
                      "net.ipv4.tcp_mem " + text_of(s, "net.ipv4.tcp_mem") + " (pages)", "pages TCP uses now"});
    Finding f = make("SK5004", std::move(ev), Severity::warning);
    auto mem = ints(s, "net.ipv4.tcp_mem");
    std::string suggested;
    if (mem.size() == 3) suggested = num(mem[0] * 2) + " " + num(mem[1] * 2) + " " + num(mem[2] * 2);
    f.knobs.push_back({"net.ipv4.tcp_mem", text_of(s, "net.ipv4.tcp_mem"), suggested,
                       "pages for all TCP sockets (min, pressure, max); above pressure TCP shrinks buffers and "
                       "prunes queues, at max it aborts connections. The boot default is sized from RAM: raise "
                       "it only when the memory is there"});
    f.knobs.push_back({"net.ipv4.tcp_rmem", text_of(s, "net.ipv4.tcp_rmem"), "",
                       "check the third value: many sockets each allowed a large buffer add up to tcp_mem"});
    out.push_back(std::move(f));
}

void backlog_drop(Rules& r, std::vector<Finding>& out)
{
    bool any = false;
    auto ev = collect(r, "SK5005", {"TcpExt.TCPBacklogDrop"}, any);
    if (!any) return;
    const auto& s = r.last();
    Finding f = make("SK5005", std::move(ev), Severity::warning);
    f.knobs.push_back({"net.ipv4.tcp_rmem", text_of(s, "net.ipv4.tcp_rmem"), "",
                       "a socket's backlog holds up to its receive plus send buffer while the application owns "
                       "it; larger buffers (tcp_rmem, tcp_wmem) make room"});
    f.advice = "the application holds its sockets locked too long (large reads, slow handlers)";
    out.push_back(std::move(f));
}

void udp_buffers(Rules& r, std::vector<Finding>& out)
{
    const auto& s = r.last();
    bool any = false;
    auto ev = collect(r, "SK5006", {"Udp.RcvbufErrors", "snmp6.Udp6RcvbufErrors"}, any);
    if (any) {
        Finding f = make("SK5006", std::move(ev), Severity::warning);
        f.knobs.push_back({"net.core.rmem_default", text_of(s, "net.core.rmem_default"),
                           num(doubled(int_of(s, "net.core.rmem_default"), 1048576)),
                           "the receive buffer of every socket that does not set SO_RCVBUF"});
        f.knobs.push_back({"net.core.rmem_max", text_of(s, "net.core.rmem_max"),
                           num(std::max<uint64_t>(int_of(s, "net.core.rmem_max").value_or(0), 8388608)),
                           "the cap on SO_RCVBUF: an application asking for more gets rmem_max silently"});
        f.advice = "the receiving application reads too slowly or asks for a small SO_RCVBUF";
        out.push_back(std::move(f));
    }
    ev = collect(r, "SK5007", {"Udp.SndbufErrors", "snmp6.Udp6SndbufErrors"}, any);
    if (any) {
        Finding f = make("SK5007", std::move(ev), Severity::warning);
        f.knobs.push_back({"net.core.wmem_default", text_of(s, "net.core.wmem_default"),
                           num(doubled(int_of(s, "net.core.wmem_default"), 1048576)),
                           "the send buffer of every socket that does not set SO_SNDBUF"});
        f.knobs.push_back({"net.core.wmem_max", text_of(s, "net.core.wmem_max"),
                           num(std::max<uint64_t>(int_of(s, "net.core.wmem_max").value_or(0), 8388608)),
                           "the cap on SO_SNDBUF"});
        out.push_back(std::move(f));
    }
}

void conntrack(Rules& r, std::vector<Finding>& out)
{
    bool any = false;
    auto ev = collect(r, "SK5008", {"conntrack.drop", "conntrack.early_drop"}, any);
    const auto& s = r.last();
    auto count = int_of(s, "net.netfilter.nf_conntrack_count");
    auto max = int_of(s, "net.netfilter.nf_conntrack_max");
    bool near_full = count && max && *max > 0 && *count * 10 >= *max * 9;
    if (near_full) {
        any = true;
        ev.push_back({"net.netfilter.nf_conntrack_count", *count, std::nullopt, 0,
                      ">= 90% of net.netfilter.nf_conntrack_max (" + num(*max) + ")", ""});
    }
    if (!any) return;
    Finding f = make("SK5008", std::move(ev), Severity::critical);
    if (near_full && f.severity == Severity::info) f.severity = Severity::warning;
    const uint64_t new_max = doubled(max, 262144);
    f.knobs.push_back({"net.netfilter.nf_conntrack_max", text_of(s, "net.netfilter.nf_conntrack_max"), num(new_max),
                       "entries beyond the maximum are refused and their packets dropped; each entry costs about "
                       "300 bytes of unswappable memory"});
    // One bucket per entry: the kernel's own sizing since 5.15
    // (net/netfilter/nf_conntrack_core.c nf_conntrack_init_start sets
    // nf_conntrack_max = nf_conntrack_htable_size; the kernel lab measures
    // max = buckets right after loading the module on 6.1 and 6.12).
    f.knobs.push_back({"net.netfilter.nf_conntrack_buckets", text_of(s, "net.netfilter.nf_conntrack_buckets"),
                       num(new_max),
                       "raise the hash table with the maximum, one bucket per entry as the kernel sizes it since "
                       "5.15, so chains stay short; writable only in the initial namespace, or as the nf_conntrack "
                       "module's hashsize parameter"});
    f.advice = "traffic that needs no tracking can be exempted (nftables 'notrack'); check for a connection leak "
               "before raising the limit";
    out.push_back(std::move(f));
}

void softnet(Rules& r, std::vector<Finding>& out)
{
    const auto& s = r.last();
    bool any = false;
    auto ev = collect(r, "SK5009", {"softnet.dropped"}, any);
    if (any) {
        Finding f = make("SK5009", std::move(ev), Severity::warning);
        f.knobs.push_back({"net.core.netdev_max_backlog", text_of(s, "net.core.netdev_max_backlog"),
                           num(doubled(int_of(s, "net.core.netdev_max_backlog"), 10000)),
                           "the per-CPU input queue a packet waits in before the protocol layer; the counter is "
                           "host-wide"});
        out.push_back(std::move(f));
    }
    ev = collect(r, "SK5010", {"softnet.time_squeeze"}, any);
    if (any) {
        Finding f = make("SK5010", std::move(ev), Severity::warning);
        f.knobs.push_back({"net.core.netdev_budget", text_of(s, "net.core.netdev_budget"),
                           num(doubled(int_of(s, "net.core.netdev_budget"), 600)),
                           "packets one receive softirq may process before yielding"});
        f.knobs.push_back({"net.core.netdev_budget_usecs", text_of(s, "net.core.netdev_budget_usecs"),
                           num(doubled(int_of(s, "net.core.netdev_budget_usecs"), 4000)),
                           "microseconds one receive softirq may run"});
        f.advice = "a few squeezes are normal; sustained growth with softnet drops means the CPUs receiving the "
                   "packets are saturated (consider RPS/RSS spreading)";
        out.push_back(std::move(f));
    }
}

void ephemeral_ports(Rules& r, std::vector<Finding>& out)
{
    const auto& s = r.last();
    auto range = ints(s, "net.ipv4.ip_local_port_range");
    if (range.size() != 2 || range[1] < range[0] || !s.have_sockets) return;
    const uint64_t size = range[1] - range[0] + 1;
    // Connected sockets whose local port came from the ephemeral range, per
    // destination: a connect() to one destination fails with EADDRNOTAVAIL
    // when every port of the range is in use towards it.
    std::map<std::string, std::pair<uint64_t, uint64_t>> per_dest;  // dest -> (sockets, of them TIME_WAIT)
    for (const auto& sk : s.sockets) {
        if (sk.state == Socket::State::listen || sk.remote_port == 0) continue;
        if (sk.local_port < range[0] || sk.local_port > range[1]) continue;
        auto& [n, tw] = per_dest[sk.remote_addr + ":" + num(sk.remote_port)];
        ++n;
        if (sk.state == Socket::State::time_wait) ++tw;
    }
    for (const auto& [dest, c] : per_dest) {
        if (c.first * 10 < size * 9) continue;
        std::vector<Evidence> ev{{"ephemeral ports to " + dest, c.first, std::nullopt, 0,
                                  ">= 90% of ip_local_port_range (" + num(size) + " ports)",
                                  num(c.second) + " of them in TIME_WAIT"}};
        Finding f = make("SK5011", std::move(ev), Severity::warning);
        f.severity = c.first >= size ? Severity::critical : Severity::warning;
        const uint64_t wide_lo = 10240, wide_hi = 65000;
        std::string suggested;
        if (range[0] > wide_lo || range[1] < wide_hi)
            suggested = num(std::min(range[0], wide_lo)) + " " + num(std::max(range[1], wide_hi));
        f.knobs.push_back({"net.ipv4.ip_local_port_range", text_of(s, "net.ipv4.ip_local_port_range"), suggested,
                           "each destination address and port gets at most this many concurrent source ports; "
                           "keep the range clear of ports services listen on"});
        if (c.second > 0 && int_of(s, "net.ipv4.tcp_tw_reuse") != 1u)
            f.knobs.push_back({"net.ipv4.tcp_tw_reuse", text_of(s, "net.ipv4.tcp_tw_reuse"), "1",
                               "ports in TIME_WAIT can be reused for new outgoing connections when timestamps "
                               "make it safe (never tcp_tw_recycle)"});
        f.advice = "reuse connections (keep-alive, pooling), spread over more destination addresses or ports, or "
                   "bind with IP_BIND_ADDRESS_NO_PORT";
        out.push_back(std::move(f));
    }
}

// A gauge at 90% of its limit or more.
void near_limit(Rules& r, std::vector<Finding>& out, std::string_view id, const std::string& gauge_name,
                const std::string& limit_key, uint64_t suggested_floor, uint64_t suggested_cap, const char* why)
{
    const auto& s = r.last();
    auto g = r.gauge(gauge_name);
    auto limit = int_of(s, limit_key);
    if (!g || !limit || *limit == 0 || *g * 10 < *limit * 9) return;
    std::vector<Evidence> ev{
        {gauge_name, *g, std::nullopt, 0, ">= 90% of " + limit_key + " (" + num(*limit) + ")", ""}};
    for (auto& e : r.log_for(id))
        ev.push_back(std::move(e));
    Finding f = make(id, std::move(ev), Severity::warning);
    f.severity = *g >= *limit ? Severity::critical : Severity::warning;
    f.knobs.push_back(
        {limit_key, text_of(s, limit_key), num(std::min(doubled(limit, suggested_floor), suggested_cap)), why});
    out.push_back(std::move(f));
}

}  // namespace

std::string_view severity_name(Severity s)
{
    switch (s) {
    case Severity::info: return "info";
    case Severity::warning: return "warning";
    case Severity::critical: return "critical";
    }
    return "info";
}

const std::vector<FindingKind>& finding_kinds()
{
    return k_kinds;
}
const std::vector<std::string>& knobs_to_read()
{
    return k_knobs;
}

bool log_record_matters(std::string_view text)
{
    return std::any_of(std::begin(k_log_patterns), std::end(k_log_patterns),
                       [&](const LogPattern& p) { return text.find(p.text) != std::string_view::npos; });
}

std::vector<Finding> diagnose(const Sample& first, const Sample& last, double interval_s)
{
    Rules r(first, last, interval_s);
    std::vector<Finding> out;
    listen_overflow(r, out);
    syn_queue(r, out);
    time_wait(r, out);
    tcp_memory(r, out);
    backlog_drop(r, out);
    udp_buffers(r, out);
    conntrack(r, out);
    softnet(r, out);
    ephemeral_ports(r, out);
    near_limit(r, out, "SK5012", "sockstat.TCP.orphan", "net.ipv4.tcp_max_orphans", 65536, UINT32_MAX,
               "orphans beyond the limit are reset at once; each can hold about 64 KiB of unswappable memory");
    near_limit(r, out, "SK5013", "file_nr.allocated", "fs.file-max", 1048576, UINT64_MAX / 2,
               "allocation of a file handle beyond fs.file-max fails with ENFILE for every process");
    near_limit(r, out, "SK5014", "loadavg.threads", "kernel.pid_max", 4194304, 4194304,
               "fork() and clone() fail with EAGAIN when no pid is free; 4194304 is the 64-bit maximum");
    near_limit(r, out, "SK5014", "loadavg.threads", "kernel.threads-max", 65536, UINT32_MAX / 2,
               "fork() and clone() fail with EAGAIN beyond threads-max");
    // Most severe first, then by id.
    std::stable_sort(out.begin(), out.end(), [](const Finding& x, const Finding& y) {
        if (x.severity != y.severity) return x.severity > y.severity;
        return x.id < y.id;
    });
    return out;
}

}  // namespace sysknob::doctor
