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
    {"SK1001", Severity::error, true, "unknown key",
     "a key neither in the catalogue nor in /proc/sys is most likely a typo"},
    {"SK1002", Severity::error, true, "wrong type for the key",
     "an integer parameter given a string (or the reverse) is refused by the kernel"},
    {"SK1003", Severity::error, true, "wrong number of values",
     "vector parameters such as tcp_rmem take a fixed number of integers"},
    {"SK1004", Severity::error, true, "value out of range", "the kernel refuses (EINVAL) or clamps such a value"},
    {"SK1005", Severity::error, true, "key absent on this kernel",
     "the key does not exist in /proc/sys here; the catalogue explains why (removed, newer, module not loaded)"},
    {"SK1006", Severity::warning, true, "key not writable in this network namespace",
     "inside a container some net.* keys are read-only or absent; apply would refuse them"},
    {"SK2001", Severity::error, true, "key removed before the target kernel",
     "net.ipv4.tcp_tw_recycle was removed in 4.12; setting it fails on every newer kernel"},
    {"SK2002", Severity::error, true, "key newer than the target kernel",
     "the key does not exist yet on the target release"},
    {"SK2003", Severity::warning, true, "key has no effect on the target kernel",
     "the kernel still accepts the key but ignores it"},
    {"SK2004", Severity::warning, true, "key changed meaning",
     "the same value means something else on the target kernel"},
    {"SK2005", Severity::error, true, "legacy key name", "ip_conntrack names were replaced by nf_conntrack names"},
    {"SK3001", Severity::warning, true, "tcp_tw_recycle with TCP timestamps breaks clients behind NAT",
     "seed 000: per-host timestamp checks drop SYNs from NATed clients whose clocks differ"},
    {"SK3002", Severity::error, true, "reversed range", "ip_local_port_range needs low <= high"},
    {"SK3003", Severity::warning, true, "reserved ports against the ephemeral range",
     "reserving the whole ip_local_port_range leaves no ephemeral ports; reserving outside it has no effect"},
    {"SK3004", Severity::warning, true, "conntrack table against its hash size",
     "seed 002: nf_conntrack_max = 4 x buckets; far beyond 8 entries per bucket makes lookups slow"},
    {"SK3005", Severity::warning, true, "conntrack memory against RAM",
     "each conntrack entry takes about 320 bytes of unswappable kernel memory"},
    {"SK3006", Severity::warning, true, "risky TCP timer",
     "seeds 001/003: very short FIN or keepalive timers drop healthy connections and do not shorten TIME_WAIT"},
    {"SK3007", Severity::warning, true, "congestion control not available",
     "tcp_congestion_control must name an algorithm in tcp_available_congestion_control or a loadable module"},
    {"SK3008", Severity::info, true, "key skipped", "an optional key that does not exist here is skipped"},
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
