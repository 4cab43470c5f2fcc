#include "doctor/collect.hpp"

#include <cerrno>

#include "doctor/counters.hpp"
#include "doctor/findings.hpp"
#include "model/value.hpp"

namespace sysknob::doctor {

namespace {

using Parser = Result<void> (*)(std::string_view, std::string_view, Counters&);

struct CounterFile {
    const char* name;  // under /proc
    Parser parse;
    bool optional;  // absent without IPv6 or without nf_conntrack
};

constexpr CounterFile k_files[] = {
    {"net/netstat", parse_snmp_pairs, false},   {"net/snmp", parse_snmp_pairs, false},
    {"net/snmp6", parse_snmp6, true},           {"net/sockstat", parse_sockstat, false},
    {"net/softnet_stat", parse_softnet, false}, {"net/stat/nf_conntrack", parse_conntrack_stat, true},
    {"loadavg", parse_loadavg, false},
};

}  // namespace

Result<Sample> take_sample(ports::EvidenceSource& src, ports::SysctlTree& tree, std::vector<std::string>& notes)
{
    Sample s;
    TRY(auto up, src.proc_text("uptime"));
    TRY(s.uptime_s, parse_uptime(up, "/proc/uptime"));
    for (const auto& f : k_files) {
        auto text = src.proc_text(f.name);
        if (!text) {
            if (f.optional && text.error().code == ENOENT) continue;
            return tl::unexpected(text.error());
        }
        TRY_VOID(f.parse(*text, std::string("/proc/") + f.name, s.counters));
    }
    for (const auto& key : knobs_to_read()) {
        auto v = tree.read(key, ports::Intent::read);
        if (v) s.knobs[key] = model::normalize_live(v->text);
    }
    if (auto it = s.knobs.find("fs.file-nr"); it != s.knobs.end()) TRY_VOID(parse_file_nr(it->second, s.counters));
    if (auto socks = src.tcp_sockets()) {
        s.sockets = std::move(*socks);
        s.have_sockets = true;
    } else {
        notes.push_back("no per-socket evidence: " + socks.error().message);
    }
    if (auto log = src.kernel_log())
        s.log = std::move(*log);
    else
        notes.push_back("no kernel log evidence: " + log.error().message);
    s.log_host_wide_only = src.in_child_netns();
    return s;
}

}  // namespace sysknob::doctor
