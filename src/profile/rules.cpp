#include "profile/rules.hpp"

#include <cassert>

namespace sysknob::profile {

namespace {

using model::Severity;

constexpr Rule k_rules[] = {
    {"SK0001", Severity::error, false, "TOML syntax error",
     "the file is not valid TOML; nothing in it can be trusted until it parses"},
    {"SK0002", Severity::error, false, "unreadable profile",
     "missing, not a regular file, larger than 16 MiB, a symbolic link where one is refused, or not UTF-8"},
    {"SK0003", Severity::error, false, "wrong shape of a section",
     "only [profile], [sysctl], [modules.NAME] and [lint] exist, each with its own shape"},
    {"SK0004", Severity::error, false, "unknown field",
     "a misspelt field (valeu, optinal) would otherwise be silently ignored"},
    {"SK0005", Severity::error, false, "not a plain sysctl name",
     "'..', '/', empty segments, NUL or control characters could reach files outside /proc/sys"},
    {"SK0006", Severity::error, false, "unsafe value or comment",
     "a newline or control character would smuggle a second assignment into the generated fragment"},
    {"SK0007", Severity::error, false, "value of a type sysctl cannot hold",
     "values are integers, strings, arrays of integers or {value, comment, optional} tables"},
    {"SK0008", Severity::error, false, "broken extends chain",
     "a missing parent or a cycle makes the resolved profile undefined"},
    {"SK0009", Severity::error, false, "bad [lint] ignore entry", "rule ids look like SK1001"},
    {"SK0010", Severity::error, false, "bad module section",
     "module names and parameters end up in modprobe.d and must be plain words"},
    {"SK0011", Severity::error, false, "profile name does not match its file name",
     "a profile is known by its file name (apply, status, snapshots, extends); a second name would mislead"},
    {"SK1001", Severity::error, true, "unknown key",
     "a key neither in the catalogue nor in /proc/sys is most likely a typo"},
    {"SK1002", Severity::error, true, "wrong type for the key",
     "an integer parameter given a string (or the reverse) is refused by the kernel"},
    {"SK1003", Severity::error, true, "wrong number of values",
     "vector parameters such as tcp_rmem take a fixed number of integers"},
    {"SK1004", Severity::error, true, "value the kernel refuses",
     "outside the bounds the kernel's handler enforces (extra1/extra2, or the data type: u8 is 0..255); the write fails "
     "with EINVAL"},
    {"SK1005", Severity::error, true, "key absent on this kernel",
     "the key does not exist in /proc/sys here; the catalogue explains why (removed, newer, module not loaded)"},
    {"SK1006", Severity::warning, true, "key not writable in this network namespace",
     "inside a container some net.* keys are read-only or absent; apply would refuse them"},
    {"SK1007", Severity::warning, true, "value outside the advised range",
     "the kernel accepts it, but the value makes no sense or is clamped (each key's advice and source are in "
     "sysknob-keys(7))"},
    {"SK1008", Severity::warning, true, "global key in a container profile",
     "with --container: vm.*, fs.*, most kernel.* and some net.* keys are not namespaced; written from a container "
     "they change the host, or are refused"},
    {"SK2001", Severity::error, true, "key removed before the target kernel",
     "net.ipv4.tcp_tw_recycle was removed in 4.12; setting it fails on every newer kernel"},
    {"SK2002", Severity::error, true, "key newer than the target kernel",
     "the key does not exist yet on the target release"},
    {"SK2003", Severity::warning, true, "key has no effect on the target kernel",
     "the kernel still accepts the key but ignores it"},
    {"SK2004", Severity::warning, true, "value means something else on the target kernel",
     "the kernel older than the change reads the same value differently (a default that changed is not a change "
     "of meaning: a pinned value means the same on both)"},
    {"SK2005", Severity::error, true, "legacy key name", "ip_conntrack names were replaced by nf_conntrack names"},
    {"SK3001", Severity::warning, true, "tcp_tw_recycle with TCP timestamps breaks clients behind NAT",
     "per-host timestamp checks drop SYNs from NATed clients whose clocks differ (commit 4396e46187ca removed it in "
     "4.12)"},
    {"SK3002", Severity::error, true, "reversed range",
     "ip_local_port_range needs low <= high; the kernel refuses it (ipv4_local_port_range)"},
    {"SK3003", Severity::warning, true, "reserved ports against the ephemeral range",
     "reserving the whole ip_local_port_range leaves no ephemeral ports; reserving outside it has no effect"},
    {"SK3004", Severity::warning, true, "conntrack table against its hash size",
     "each connection is hashed twice; since 5.15 the kernel's own default is buckets = nf_conntrack_max (two "
     "nodes per bucket); far more entries per bucket make lookups slow (commit d532bcd0b269)"},
    {"SK3005", Severity::warning, true, "conntrack memory against RAM",
     "each conntrack entry takes about 320 bytes of unswappable kernel memory"},
    {"SK3006", Severity::warning, true, "risky TCP timer",
     "very short FIN or keepalive timers drop healthy connections and do not shorten TIME_WAIT (ip-sysctl.rst)"},
    {"SK3007", Severity::warning, true, "congestion control not available",
     "tcp_congestion_control must name an algorithm in tcp_available_congestion_control or a loadable module"},
    {"SK3008", Severity::info, true, "key skipped", "an optional key that does not exist here is skipped"},
    {"SK3009", Severity::error, true, "ephemeral ports below the unprivileged port start",
     "ipv4_local_port_range refuses (EINVAL) a low end below net.ipv4.ip_unprivileged_port_start, and "
     "ipv4_privileged_ports the reverse"},
    {"SK3010", Severity::warning, true, "tcp_max_syn_backlog with SYN cookies",
     "with tcp_syncookies on, the SYN queue is bounded by the listen backlog (capped by somaxconn); "
     "tcp_max_syn_backlog is read only when tcp_syncookies = 0 (tcp_conn_request)"},
    {"SK3011", Severity::warning, true, "ip_local_port_range ends of the same parity",
     "connect() uses even and bind(0) odd offsets; the kernel logs an error for same-parity ends "
     "(set_local_port_range, ip-sysctl.rst)"},
    {"SK3012", Severity::warning, true, "tcp_tw_reuse without TCP timestamps",
     "TIME_WAIT reuse needs timestamps to tell old segments from new (tcp_twsk_unique); without them it does nothing"},
    {"SK3013", Severity::warning, true, "conf.all does not reach existing interfaces",
     "depending on the key the kernel ORs, ANDs, takes the max of or ignores conf.all; conf.default only reaches "
     "interfaces created later (each key's all/default semantics are in sysknob-keys(7))"},
    {"SK3014", Severity::warning, true, "fs.file-max below the open files",
     "the machine already has more files open; new opens would fail with ENFILE"},
    {"SK3015", Severity::warning, true, "kernel.pid_max below the pids in use",
     "pids above pid_max stay, but new processes get low pids again; a limit below the highest pid is a mistake"},
    {"SK3016", Severity::warning, true, "huge pages larger than memory",
     "vm.nr_hugepages x Hugepagesize above MemTotal cannot be allocated; the kernel stops short"},
    {"SK3017", Severity::warning, true, "vm.min_free_kbytes too large",
     "a reserve above 5% of memory starves page cache and applications (vm.rst: too high OOMs the machine)"},
    {"SK3018", Severity::warning, true, "strict overcommit leaves no room",
     "with vm.overcommit_memory = 2 the commit limit (swap + RAM x overcommit_ratio) below what is committed makes "
     "every new allocation fail"},
    {"SK3019", Severity::info, true, "machine fact unknown",
     "a machine-aware rule cannot run offline without the fact (pass --mem-total, or lint on the machine)"},
};

}  // namespace

std::span<const Rule> rules()
{
    return k_rules;
}

const Rule* find_rule(std::string_view id)
{
    for (const auto& r : k_rules)
        if (r.id == id) return &r;
    return nullptr;
}

model::Diagnostic make_diagnostic(std::string_view id, std::string key, model::SourceLocation where,
                                  std::string message, std::string hint)
{
    const Rule* r = find_rule(id);
    assert(r && "unknown rule id");
    return model::Diagnostic{std::string(id),    r ? r->severity : model::Severity::error,
                             std::move(key),     std::move(where),
                             std::move(message), std::move(hint)};
}

}  // namespace sysknob::profile
