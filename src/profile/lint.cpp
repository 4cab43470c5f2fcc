#include "profile/lint.hpp"

#include <algorithm>
#include <map>

#include "kernel/catalogue.hpp"
#include "kernel/expand.hpp"
#include "model/key.hpp"
#include "profile/rules.hpp"
#include "util/strings.hpp"

namespace sysknob::profile {

namespace {

using kernel::Param;
using model::Diagnostic;
using model::Diagnostics;
using model::Setting;
using model::Severity;
using model::ValueKind;

// Approximate kernel memory per conntrack entry (struct nf_conn plus its
// hash node on x86_64); seed 004 sizes tables with this figure.
constexpr uint64_t k_conntrack_entry_bytes = 320;

bool at_or_after(const std::string& release, std::string_view version)
{
    return !version.empty() && util::compare_release(release, version) >= 0;
}

std::string suggestion(const std::string& key, const kernel::Target& target)
{
    std::string best;
    size_t best_d = 4;
    auto consider = [&](std::string_view candidate) {
        size_t d = util::edit_distance(key, candidate, best_d);
        if (d < best_d) {
            best_d = d;
            best = std::string(candidate);
        }
    };
    for (const auto& p : kernel::catalogue())
        consider(p.key);
    // Siblings in the live tree catch keys the catalogue does not list.
    auto dot = key.rfind('.');
    if (target.tree && dot != std::string::npos) {
        std::string parent = key.substr(0, dot);
        if (auto names = target.tree->list(parent))
            for (const auto& n : *names)
                consider(parent + "." + n);
    }
    return best;
}

class Linter {
  public:
    Linter(const model::ResolvedProfile& profile, const kernel::Target& target) : m_profile(profile), m_target(target)
    {
    }

    Diagnostics run()
    {
        for (const auto& s : m_profile.settings)
            check_setting(s);
        cross_key_rules();
        return std::move(m_out);
    }

  private:
    void add(std::string_view id, const Setting& s, std::string message, std::string hint)
    {
        m_out.push_back(make_diagnostic(id, s.key, s.where, std::move(message), std::move(hint)));
    }

    void check_setting(const Setting& s)
    {
        const Param* p = kernel::find_param(s.key);
        if (p && !p->replaced_by.empty()) {
            add("SK2005", s, "'" + s.key + "' is a legacy name", "use '" + std::string(p->replaced_by) + "'");
            return;
        }
        if (!check_presence(s, p)) return;
        if (p) check_shape(s, *p);
    }

    // Returns false when the key cannot be checked further (absent).
    bool check_presence(const Setting& s, const Param* p)
    {
        const std::string& r = m_target.release;
        if (!m_target.live) {
            if (p && !p->removed_in.empty() && at_or_after(r, p->removed_in)) {
                if (s.optional)
                    add("SK3008", s, "optional '" + s.key + "' skipped: removed in " + std::string(p->removed_in), "");
                else
                    add("SK2001", s,
                        "'" + s.key + "' was removed in Linux " + std::string(p->removed_in) + " (target " + r + ")",
                        removal_hint(s.key));
                return false;
            }
            if (p && !p->added_in.empty() && !at_or_after(r, p->added_in) && p->added_in.front() != '<') {
                if (s.optional)
                    add("SK3008", s, "optional '" + s.key + "' skipped: added in " + std::string(p->added_in), "");
                else
                    add("SK2002", s,
                        "'" + s.key + "' first appeared in Linux " + std::string(p->added_in) + " (target " + r + ")",
                        "mark it optional = true or drop it for this kernel");
                return false;
            }
            if (!p && (!m_target.tree || !exists_live(s.key))) {
                unknown(s);
                return false;
            }
            version_notes(s, p);
            return true;
        }
        auto access = live_access(s.key);
        if (access == ports::Access::absent) {
            if (!p) {
                unknown(s);
                return false;
            }
            std::string why = "not present in /proc/sys on this kernel";
            std::string hint = "mark it optional = true to skip it where it does not exist";
            if (!p->removed_in.empty() && at_or_after(r, p->removed_in)) {
                why = "removed in Linux " + std::string(p->removed_in);
                hint = removal_hint(s.key);
            } else if (!p->added_in.empty() && p->added_in.front() != '<' && !at_or_after(r, p->added_in)) {
                why = "added in Linux " + std::string(p->added_in);
            } else if (!p->module.empty()) {
                why = "module '" + std::string(p->module) + "' is not loaded";
                hint = "load it (modprobe " + std::string(p->module) + ") or add [modules." + std::string(p->module) +
                       "] load = true";
            } else if (!p->per_netns) {
                why = "not visible in this network namespace";
            }
            if (s.optional)
                add("SK3008", s, "optional '" + s.key + "' skipped: " + why, "");
            else
                add("SK1005", s, "'" + s.key + "' does not exist here: " + why, hint);
            return false;
        }
        if (access == ports::Access::read_only)
            add("SK1006", s, "'" + s.key + "' is read-only in this network namespace",
                "set it on the host (initial network namespace); apply refuses it here");
        version_notes(s, p);
        return true;
    }

    void version_notes(const Setting& s, const Param* p)
    {
        if (!p) return;
        const std::string& r = m_target.release;
        if (!p->noop_since.empty() && at_or_after(r, p->noop_since))
            add("SK2003", s, "'" + s.key + "' has no effect since Linux " + std::string(p->noop_since), "drop it");
        // Profiles are written for current kernels: warn where the target
        // is older than the change, so the key still has its old meaning.
        if (!p->changed_in.empty() && !at_or_after(r, p->changed_in) && !m_target.live)
            add("SK2004", s,
                "'" + s.key + "' changed meaning in Linux " + std::string(p->changed_in) + " (target " + r +
                    "): " + std::string(p->change_note),
                "check the value against the target kernel's documentation");
    }

    static std::string removal_hint(const std::string& key)
    {
        if (key == "net.ipv4.tcp_tw_recycle")
            return "drop it: TIME_WAIT reuse for outgoing connections is net.ipv4.tcp_tw_reuse";
        return "drop it or mark it optional = true";
    }

    void unknown(const Setting& s)
    {
        std::string near = suggestion(s.key, m_target);
        if (s.optional && m_target.live) {
            add("SK3008", s, "optional '" + s.key + "' skipped: not present on this kernel", "");
            return;
        }
        add("SK1001", s, "unknown key '" + s.key + "'",
            near.empty() ? "check the name with `sysctl -a`" : "did you mean '" + near + "'?");
    }

    bool exists_live(const std::string& key) { return live_access(key) != ports::Access::absent; }

    ports::Access live_access(const std::string& key)
    {
        if (!m_target.tree) return ports::Access::absent;
        return kernel::probe_first(*m_target.tree, key);
    }

    void check_shape(const Setting& s, const Param& p)
    {
        const auto& v = s.value;
        if (p.type == kernel::ParamType::integer && v.kind == ValueKind::string) {
            add("SK1002", s, "'" + s.key + "' takes integers, not the string '" + v.text + "'",
                p.arity == 1 ? "write a bare integer" : "write an array of integers");
            return;
        }
        if (p.type == kernel::ParamType::string && v.kind != ValueKind::string) {
            add("SK1002", s, "'" + s.key + "' takes a string", "quote the value");
            return;
        }
        if (p.type != kernel::ParamType::integer) return;
        size_t n = v.numbers.size();
        if (p.arity > 0 && n != static_cast<size_t>(p.arity)) {
            add("SK1003", s,
                "'" + s.key + "' takes " + std::to_string(p.arity) + " value" + (p.arity > 1 ? "s" : "") + ", got " +
                    std::to_string(n),
                p.arity == 1 ? "write a single integer" : "write an array of " + std::to_string(p.arity) + " integers");
            return;
        }
        for (auto x : v.numbers) {
            if ((p.has_min && x < p.min) || (p.has_max && x > p.max)) {
                std::string range = "[" + (p.has_min ? std::to_string(p.min) : std::string("..")) + ", " +
                                    (p.has_max ? std::to_string(p.max) : std::string("..")) + "]";
                add("SK1004", s, "value " + std::to_string(x) + " of '" + s.key + "' is outside " + range,
                    "the kernel accepts " + range + (p.unit.empty() ? "" : " (" + std::string(p.unit) + ")"));
                return;
            }
        }
    }

    const Setting* get(const std::string& key) const { return m_profile.find(key); }

    static std::optional<int64_t> scalar(const Setting* s)
    {
        if (!s || s->value.kind != ValueKind::integer || s->value.numbers.size() != 1) return std::nullopt;
        return s->value.numbers[0];
    }

    void cross_key_rules()
    {
        tw_recycle_nat();
        port_ranges();
        conntrack_sizing();
        risky_timers();
        congestion_control();
    }

    void tw_recycle_nat()
    {
        const Setting* recycle = get("net.ipv4.tcp_tw_recycle");
        auto on = scalar(recycle);
        if (!on || *on == 0) return;
        auto ts = scalar(get("net.ipv4.tcp_timestamps"));
        if (ts && *ts == 0) return;
        add("SK3001", *recycle, "tcp_tw_recycle = 1 with TCP timestamps on drops connections from clients behind NAT",
            "seed 000: set net.ipv4.tcp_tw_recycle = 0; it was removed in 4.12 for this reason");
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
                            buckets = *max / 4;
                        else if (auto b = util::parse_i64(p.value))
                            buckets = *b;
                    }
        if (!buckets && m_target.live && !m_target.conntrack_buckets.empty())
            buckets = util::parse_i64(util::trim(m_target.conntrack_buckets));
        if (buckets && *buckets > 0 && *max > 8 * *buckets)
            add("SK3004", *max_s,
                "nf_conntrack_max " + std::to_string(*max) + " is " + std::to_string(*max / *buckets) +
                    " entries per hash bucket (" + std::to_string(*buckets) + " buckets)",
                "seed 002: use buckets = max / 4: [modules.nf_conntrack] hashsize = \"auto\"");
        if (m_target.mem_total_bytes > 0) {
            uint64_t need = static_cast<uint64_t>(*max) * k_conntrack_entry_bytes;
            if (need > m_target.mem_total_bytes / 4)
                add("SK3005", *max_s,
                    "nf_conntrack_max " + std::to_string(*max) + " can take " + std::to_string(need >> 20) +
                        " MiB of kernel memory, more than a quarter of this machine's " +
                        std::to_string(m_target.mem_total_bytes >> 20) + " MiB",
                    "size the table for the flows you expect (seed 004: about 320 bytes per entry)");
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
              "seed 003: it bounds FIN_WAIT_2 only, TIME_WAIT stays 60 s; below 10 s slow peers lose their close");
        timer("net.ipv4.tcp_keepalive_time", 60,
              "seed 001: keepalives every few seconds load idle peers and NAT devices; 600 or more is usual");
        timer("net.ipv4.tcp_keepalive_probes", 3, "seed 001: fewer than 3 probes drops connections on one lost packet");
        timer("net.ipv4.tcp_keepalive_intvl", 5, "seed 001: probe intervals below 5 s declare peers dead too fast");
        timer("net.ipv4.tcp_max_tw_buckets", 10000,
              "seed 000: a small limit logs 'TCP: time wait bucket table overflow' and kills TIME_WAIT early");
        timer("net.netfilter.nf_conntrack_tcp_timeout_established", 300,
              "seed 000: idle long-lived connections (SSH, databases) lose their entry and break through NAT");
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
    Diagnostics m_out;
};

}  // namespace

Diagnostics lint(const model::ResolvedProfile& profile, const kernel::Target& target)
{
    return apply_ignores(profile, Linter(profile, target).run());
}

Diagnostics apply_ignores(const model::ResolvedProfile& profile, Diagnostics diagnostics)
{
    std::erase_if(diagnostics, [&](const Diagnostic& d) {
        const Rule* r = find_rule(d.id);
        if (!r || !r->suppressible) return false;
        auto it = profile.ignore_by_file.find(d.where.file);
        if (it == profile.ignore_by_file.end()) return false;
        return std::find(it->second.begin(), it->second.end(), d.id) != it->second.end();
    });
    return diagnostics;
}

void make_strict(Diagnostics& diagnostics)
{
    for (auto& d : diagnostics)
        if (d.severity == Severity::warning) d.severity = Severity::error;
}

}  // namespace sysknob::profile
