#include "profile/net_rules.hpp"

#include <algorithm>
#include <optional>
#include <string>

#include "kernel/catalogue.hpp"
#include "kernel/conntrack.hpp"
#include "profile/rules.hpp"
#include "util/strings.hpp"

namespace sysknob::profile {

namespace {

using kernel::Param;
using model::Setting;
using model::ValueKind;

// Approximate kernel memory per conntrack entry on x86_64: struct nf_conn
// (slab object of about 256-320 bytes depending on config) with its two
// tuple hash nodes inside it (net/netfilter/nf_conntrack_core.c).
constexpr uint64_t k_conntrack_entry_bytes = 320;

bool at_or_after(const std::string& release, std::string_view version)
{
    return !version.empty() && util::compare_release(release, version) >= 0;
}

class NetRules {
  public:
    NetRules(const model::ResolvedProfile& p, const kernel::Target& t, model::Diagnostics& out)
        : m_profile(p), m_target(t), m_out(out)
    {
    }

    void add(std::string_view id, const Setting& s, std::string message, std::string hint)
    {
        m_out.push_back(make_diagnostic(id, s.key, s.where, std::move(message), std::move(hint)));
    }

    const Setting* get(const std::string& key) const { return m_profile.find(key); }

    static std::optional<int64_t> scalar(const Setting* s)
    {
        if (!s || s->value.kind != ValueKind::integer || s->value.numbers.size() != 1) return std::nullopt;
        return s->value.numbers[0];
    }

  public:
    void run()
    {
        tw_recycle_nat();
        port_ranges();
        conntrack_sizing();
        risky_timers();
        congestion_control();
        syn_backlog_with_cookies();
        tw_reuse_without_timestamps();
        for (const auto& s : m_profile.settings)
            interface_scope(s);
    }

  private:

    // The value the profile gives a key, else the kernel's default for
    // the target (from the catalogue), else nothing.
    std::optional<int64_t> effective(const std::string& key) const
    {
        if (auto v = scalar(get(key))) return v;
        const Param* p = kernel::find_param(key);
        if (!p) return std::nullopt;
        return util::parse_i64(kernel::default_for(*p, m_target.release));
    }

    // tcp_conn_request (net/ipv4/tcp_input.c, 4.4+): a full SYN queue sends
    // cookies when tcp_syncookies is on, and the queue's length is the
    // listen backlog; sysctl_max_syn_backlog is read only when it is 0.
    void syn_backlog_with_cookies()
    {
        const Setting* backlog = get("net.ipv4.tcp_max_syn_backlog");
        if (!backlog || !at_or_after(m_target.release, "4.4")) return;
        auto cookies = effective("net.ipv4.tcp_syncookies");
        if (!cookies || *cookies == 0) return;
        add("SK3010", *backlog,
            "'net.ipv4.tcp_max_syn_backlog' has no effect with tcp_syncookies = " + std::to_string(*cookies) +
                ": the SYN queue is as long as the listen() backlog, capped by net.core.somaxconn",
            "drop it and raise net.core.somaxconn and the application's listen() backlog (tcp_conn_request, "
            "net/ipv4/tcp_input.c)");
    }

    // tcp_twsk_unique (net/ipv4/tcp_ipv4.c) reuses a TIME_WAIT port only
    // when the old connection recorded a timestamp.
    void tw_reuse_without_timestamps()
    {
        const Setting* reuse = get("net.ipv4.tcp_tw_reuse");
        auto on = scalar(reuse);
        auto ts = scalar(get("net.ipv4.tcp_timestamps"));
        if (!on || *on == 0 || !ts || *ts != 0) return;
        add("SK3012", *reuse, "'net.ipv4.tcp_tw_reuse' = " + std::to_string(*on) + " does nothing with tcp_timestamps = 0",
            "keep net.ipv4.tcp_timestamps = 1 (tcp_twsk_unique needs the timestamp to reuse a TIME_WAIT port)");
    }

    // How conf.all combines with each interface's own value is per key
    // (the catalogue's all_semantics): a 0 in conf.all does not switch off
    // an OR or MAX key on interfaces that exist, and IPv6 ignores conf.all
    // for some keys entirely. conf.default only reaches interfaces created
    // later. The "*" glob covers all, default and every interface.
    void interface_scope(const Setting& s)
    {
        static constexpr std::string_view families[] = {"net.ipv4.conf.", "net.ipv6.conf."};
        for (auto family : families) {
            if (s.key.compare(0, family.size(), family) != 0) continue;
            auto rest = std::string_view(s.key).substr(family.size());
            auto dot = rest.find('.');
            if (dot == std::string_view::npos) return;
            auto which = rest.substr(0, dot);
            std::string name(rest.substr(dot + 1));
            std::string glob = std::string(family) + "*." + name;
            if (get(glob)) return;
            const Param* p = kernel::find_param(s.key);
            if (!p || s.value.kind != ValueKind::integer) return;
            if (which == "default") {
                // conf.all usually decides for existing interfaces; without
                // it, conf.default changes nothing that exists yet.
                if (get(std::string(family) + "all." + name)) return;
                add("SK3013", s, "'" + s.key + "' only reaches interfaces created later: " + std::string(p->all_note),
                    "set '" + glob + "' (quoted \"*\" in TOML) to cover all, default and every existing interface");
                return;
            }
            if (which != "all") return;
            std::string_view sem = p->all_semantics;
            int64_t v = s.value.numbers[0];
            bool router = effective("net.ipv4.ip_forward").value_or(0) != 0 ||
                          scalar(get("net.ipv4.conf.all.forwarding")).value_or(0) != 0;
            bool ineffective = sem == "ignored" || ((sem == "or" || sem == "max") && v == 0) ||
                               (sem == "or-host-and-router" && v == 0 && !router);
            if (!ineffective) return;
            add("SK3013", s,
                "'" + s.key + "' = " + std::to_string(v) + " leaves existing interfaces as they are: " +
                    std::string(p->all_note),
                "set '" + glob + "' (quoted \"*\" in TOML) to cover all, default and every existing interface");
            return;
        }
    }

    void tw_recycle_nat()
    {
        const Setting* recycle = get("net.ipv4.tcp_tw_recycle");
        auto on = scalar(recycle);
        if (!on || *on == 0) return;
        auto ts = scalar(get("net.ipv4.tcp_timestamps"));
        if (ts && *ts == 0) return;
        add("SK3001", *recycle, "tcp_tw_recycle = 1 with TCP timestamps on drops connections from clients behind NAT",
            "set net.ipv4.tcp_tw_recycle = 0; it was removed in 4.12 for this reason (commit 4396e46187ca)");
    }

    void port_ranges()
    {
        const Setting* range = get("net.ipv4.ip_local_port_range");
        if (!range || range->value.kind != ValueKind::vector || range->value.numbers.size() != 2) return;
        int64_t lo = range->value.numbers[0], hi = range->value.numbers[1];
        if (lo > hi) {
            add("SK3002", *range, "ip_local_port_range is reversed: " + std::to_string(lo) + " > " + std::to_string(hi),
                "write [" + std::to_string(hi) + ", " + std::to_string(lo) + "]");
            return;
        }
        // ipv4_local_port_range (net/ipv4/sysctl_net_ipv4.c, 4.11+) refuses a
        // low end below ip_unprivileged_port_start with EINVAL.
        std::optional<int64_t> ups = scalar(get("net.ipv4.ip_unprivileged_port_start"));
        if (!ups && m_target.live) ups = m_target.unprivileged_port_start;
        if (!ups && at_or_after(m_target.release, "4.11")) ups = effective("net.ipv4.ip_unprivileged_port_start");
        if (ups && at_or_after(m_target.release, "4.11") && lo < *ups)
            add("SK3009", *range,
                "ip_local_port_range starts at " + std::to_string(lo) + ", below ip_unprivileged_port_start " +
                    std::to_string(*ups) + ": the kernel refuses it (EINVAL)",
                "start the range at " + std::to_string(*ups) +
                    " or above, or lower net.ipv4.ip_unprivileged_port_start in the same profile");
        // set_local_port_range logs an error for same-parity ends; connect()
        // walks even and bind(0) odd offsets of the range.
        if (((lo ^ hi) & 1) == 0)
            add("SK3011", *range,
                "ip_local_port_range ends " + std::to_string(lo) + " and " + std::to_string(hi) +
                    " have the same parity; the kernel logs 'prefer different parity for start/end values'",
                "make one end odd, e.g. [" + std::to_string(lo) + ", " + std::to_string(hi | 1) + "]");
        const Setting* reserved = get("net.ipv4.ip_local_reserved_ports");
        if (!reserved || reserved->value.kind != ValueKind::string) return;
        std::vector<std::pair<int64_t, int64_t>> spans;
        for (auto part : util::split(reserved->value.text, ',')) {
            auto dash = part.find('-');
            auto a = util::parse_i64(util::trim(part.substr(0, dash)));
            auto b = dash == std::string_view::npos ? a : util::parse_i64(util::trim(part.substr(dash + 1)));
            if (a && b) spans.emplace_back(*a, *b);
        }
        int64_t inside = 0;
        for (auto [a, b] : spans)
            inside += std::max<int64_t>(0, std::min(b, hi) - std::max(a, lo) + 1);
        if (inside >= hi - lo + 1)
            add("SK3003", *reserved, "ip_local_reserved_ports reserves the whole ip_local_port_range",
                "no ephemeral ports would be left for outgoing connections");
        else if (!spans.empty() && inside == 0)
            add("SK3003", *reserved, "ip_local_reserved_ports lies outside ip_local_port_range and has no effect",
                "reserve ports inside [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
    }

    void conntrack_sizing()
    {
        const Setting* max_s = get("net.netfilter.nf_conntrack_max");
        auto max = scalar(max_s);
        if (!max) return;
        std::optional<int64_t> buckets = scalar(get("net.netfilter.nf_conntrack_buckets"));
        for (const auto& m : m_profile.modules)
            if (m.name == "nf_conntrack")
                for (const auto& p : m.params)
                    if (p.name == "hashsize") {
                        if (p.value == "auto")
                            buckets = kernel::conntrack_buckets_for(*max, m_target.release);
                        else if (auto b = util::parse_i64(p.value))
                            buckets = *b;
                    }
        if (!buckets && m_target.live && !m_target.conntrack_buckets.empty())
            buckets = util::parse_i64(util::trim(m_target.conntrack_buckets));
        // Every connection sits in the hash twice (original and reply
        // tuple). Since 5.15 the kernel's own default is buckets = max,
        // two nodes per bucket when full (nf_conntrack_init_start, commit
        // d532bcd0b269); above 4 x buckets chains pass 8 nodes.
        if (buckets && *buckets > 0 && *max > 4 * *buckets)
            add("SK3004", *max_s,
                "nf_conntrack_max " + std::to_string(*max) + " is " + std::to_string(*max / *buckets) +
                    " connections per hash bucket (" + std::to_string(*buckets) + " buckets), " +
                    std::to_string(2 * *max / *buckets) + " hash nodes per bucket when full",
                "give [modules.nf_conntrack] hashsize = " + std::to_string(*max) +
                    " (buckets = max, the kernel's own ratio since 5.15), or at least max / 4");
        if (m_target.mem_total_bytes > 0) {
            uint64_t need = static_cast<uint64_t>(*max) * k_conntrack_entry_bytes;
            if (need > m_target.mem_total_bytes / 4)
                add("SK3005", *max_s,
                    "nf_conntrack_max " + std::to_string(*max) + " can take " + std::to_string(need >> 20) +
                        " MiB of kernel memory, more than a quarter of this machine's " +
                        std::to_string(m_target.mem_total_bytes >> 20) + " MiB",
                    "size the table for the flows you expect (about 320 bytes of kernel memory per entry)");
        }
    }

    void timer(const char* key, int64_t below, const char* why)
    {
        const Setting* s = get(key);
        auto v = scalar(s);
        if (!v || *v >= below) return;
        std::string message = "'";
        message += key;
        message += "' = ";
        message += std::to_string(*v);
        message += " is risky";
        add("SK3006", *s, std::move(message), why);
    }

    void risky_timers()
    {
        timer("net.ipv4.tcp_fin_timeout", 10,
              "it bounds FIN_WAIT_2 of orphaned sockets only, TIME_WAIT stays 60 s (TCP_TIMEWAIT_LEN); below 10 s slow "
              "peers lose their close (ip-sysctl.rst, tcp_fin_timeout)");
        timer("net.ipv4.tcp_keepalive_time", 60,
              "keepalives every few seconds load idle peers and NAT devices; 600 or more is usual (ip-sysctl.rst)");
        timer("net.ipv4.tcp_keepalive_probes", 3, "fewer than 3 probes drops connections on one lost packet");
        timer("net.ipv4.tcp_keepalive_intvl", 5, "probe intervals below 5 s declare peers dead too fast");
        timer("net.ipv4.tcp_max_tw_buckets", 10000,
              "a small limit logs 'TCP: time wait bucket table overflow' and kills TIME_WAIT early (ip-sysctl.rst)");
        timer("net.netfilter.nf_conntrack_tcp_timeout_established", 300,
              "idle long-lived connections (SSH, databases) lose their entry and break through NAT");
    }

    void congestion_control()
    {
        const Setting* s = get("net.ipv4.tcp_congestion_control");
        if (!s || s->value.kind != ValueKind::string || !m_target.live) return;
        if (m_target.available_congestion_control.empty()) return;
        const auto& avail = m_target.available_congestion_control;
        if (std::find(avail.begin(), avail.end(), s->value.text) != avail.end()) return;
        add("SK3007", *s,
            "congestion control '" + s->value.text + "' is not in tcp_available_congestion_control (" +
                util::join(avail, " ") + ")",
            "apply loads module 'tcp_" + s->value.text + "' and lists it in modules-load.d; check that it exists");
    }

    const model::ResolvedProfile& m_profile;
    const kernel::Target& m_target;
    model::Diagnostics& m_out;
};

}  // namespace

void net_rules(const model::ResolvedProfile& profile, const kernel::Target& target, model::Diagnostics& out)
{
    NetRules(profile, target, out).run();
}

}  // namespace sysknob::profile
