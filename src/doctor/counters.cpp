#include "doctor/counters.hpp"

#include <charconv>
#include <cstdlib>

#include "util/strings.hpp"

namespace sysknob::doctor {

namespace {

std::vector<std::string_view> lines_of(std::string_view text)
{
    std::vector<std::string_view> lines;
    for (auto l : util::split(text, '\n'))
        if (!util::trim(l).empty()) lines.push_back(l);
    return lines;
}

std::string where(std::string_view file, size_t line)
{
    return "'" + std::string(file) + "' line " + std::to_string(line);
}

std::optional<uint64_t> parse_u64(std::string_view s, int base)
{
    uint64_t v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v, base);
    if (ec != std::errc() || p != s.data() + s.size() || s.empty()) return std::nullopt;
    return v;
}

}  // namespace

Result<void> parse_snmp_pairs(std::string_view text, std::string_view file, Counters& out)
{
    auto lines = lines_of(text);
    if (lines.size() % 2 != 0) return fail(where(file, lines.size()) + ": a line of names without its line of values");
    for (size_t i = 0; i < lines.size(); i += 2) {
        auto names = util::split_ws(lines[i]);
        auto values = util::split_ws(lines[i + 1]);
        if (names.empty() || names[0].empty() || names[0].back() != ':' || values.empty() || values[0] != names[0])
            return fail(where(file, i + 1) + ": expected a 'Prefix: Name...' line followed by 'Prefix: value...'");
        if (names.size() != values.size())
            return fail(where(file, i + 2) + ": " + std::to_string(values.size() - 1) + " values for " +
                        std::to_string(names.size() - 1) + " names");
        std::string prefix(names[0].substr(0, names[0].size() - 1));
        for (size_t k = 1; k < names.size(); ++k) {
            if (!values[k].empty() && values[k][0] == '-') {
                if (!util::parse_i64(values[k]))
                    return fail(where(file, i + 2) + ": '" + std::string(values[k]) + "' is not a number");
                continue;
            }
            auto v = parse_u64(values[k], 10);
            if (!v) return fail(where(file, i + 2) + ": '" + std::string(values[k]) + "' is not a number");
            out[prefix + "." + std::string(names[k])] = *v;
        }
    }
    return {};
}

Result<void> parse_snmp6(std::string_view text, std::string_view file, Counters& out)
{
    auto lines = lines_of(text);
    for (size_t i = 0; i < lines.size(); ++i) {
        auto f = util::split_ws(lines[i]);
        auto v = f.size() == 2 ? parse_u64(f[1], 10) : std::nullopt;
        if (!v) return fail(where(file, i + 1) + ": expected 'Name value'");
        out["snmp6." + std::string(f[0])] = *v;
    }
    return {};
}

Result<void> parse_sockstat(std::string_view text, std::string_view file, Counters& out)
{
    auto lines = lines_of(text);
    for (size_t i = 0; i < lines.size(); ++i) {
        auto f = util::split_ws(lines[i]);
        if (f.empty() || f[0].back() != ':' || f.size() % 2 != 1)
            return fail(where(file, i + 1) + ": expected 'PROTO: name value name value...'");
        std::string prefix = "sockstat." + std::string(f[0].substr(0, f[0].size() - 1));
        for (size_t k = 1; k + 1 < f.size(); k += 2) {
            auto v = parse_u64(f[k + 1], 10);
            if (!v) return fail(where(file, i + 1) + ": '" + std::string(f[k + 1]) + "' is not a number");
            out[prefix + "." + std::string(f[k])] = *v;
        }
    }
    return {};
}

Result<void> parse_softnet(std::string_view text, std::string_view file, Counters& out)
{
    static constexpr const char* k_columns[] = {"softnet.processed", "softnet.dropped", "softnet.time_squeeze"};
    auto lines = lines_of(text);
    for (auto* c : k_columns)
        out[c] = 0;
    for (size_t i = 0; i < lines.size(); ++i) {
        auto f = util::split_ws(lines[i]);
        if (f.size() < 3) return fail(where(file, i + 1) + ": expected at least 3 hexadecimal columns");
        for (size_t k = 0; k < 3; ++k) {
            auto v = parse_u64(f[k], 16);
            if (!v) return fail(where(file, i + 1) + ": '" + std::string(f[k]) + "' is not hexadecimal");
            out[k_columns[k]] += *v;
        }
    }
    return {};
}

Result<void> parse_conntrack_stat(std::string_view text, std::string_view file, Counters& out)
{
    auto lines = lines_of(text);
    if (lines.empty()) return fail(where(file, 1) + ": empty, expected a header of counter names");
    auto names = util::split_ws(lines[0]);
    for (const auto& n : names)
        out["conntrack." + std::string(n)] = 0;
    for (size_t i = 1; i < lines.size(); ++i) {
        auto f = util::split_ws(lines[i]);
        if (f.size() != names.size())
            return fail(where(file, i + 1) + ": " + std::to_string(f.size()) + " values for " +
                        std::to_string(names.size()) + " names");
        for (size_t k = 0; k < f.size(); ++k) {
            auto v = parse_u64(f[k], 16);
            if (!v) return fail(where(file, i + 1) + ": '" + std::string(f[k]) + "' is not hexadecimal");
            // Every CPU's line repeats the global number of entries.
            if (names[k] == "entries")
                out["conntrack.entries"] = *v;
            else
                out["conntrack." + std::string(names[k])] += *v;
        }
    }
    return {};
}

Result<double> parse_uptime(std::string_view text, std::string_view file)
{
    auto f = util::split_ws(text);
    if (f.empty()) return fail(where(file, 1) + ": empty, expected seconds since boot");
    std::string s(f[0]);
    char* end = nullptr;
    double v = std::strtod(s.c_str(), &end);
    if (end == s.c_str() || *end != '\0' || v < 0)
        return fail(where(file, 1) + ": '" + s + "' is not a number of seconds");
    return v;
}

Result<void> parse_loadavg(std::string_view text, std::string_view file, Counters& out)
{
    auto f = util::split_ws(text);
    if (f.size() < 4) return fail(where(file, 1) + ": expected 'avg1 avg5 avg15 running/total last-pid'");
    auto slash = f[3].find('/');
    auto total = slash == std::string_view::npos ? std::nullopt : parse_u64(f[3].substr(slash + 1), 10);
    if (!total) return fail(where(file, 1) + ": '" + std::string(f[3]) + "' is not 'running/total'");
    out["loadavg.threads"] = *total;
    return {};
}

Result<void> parse_file_nr(std::string_view text, Counters& out)
{
    auto f = util::split_ws(text);
    auto v = f.empty() ? std::nullopt : parse_u64(f[0], 10);
    if (!v) return fail("'fs.file-nr': '" + std::string(text) + "' is not 'allocated unused max'");
    out["file_nr.allocated"] = *v;
    return {};
}

}  // namespace sysknob::doctor
