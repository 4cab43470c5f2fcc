#include "snapshot/state.hpp"

#include <algorithm>
#include <map>
#include <optional>

#include <nlohmann/json.hpp>

namespace sysknob::snapshot {

using nlohmann::json;

namespace {

constexpr int k_format = 2;

// A pattern the file can group by: exactly one "*", a whole segment.
bool one_star(std::string_view p)
{
    size_t star = p.find('*');
    if (star == std::string_view::npos || p.find('*', star + 1) != std::string_view::npos) return false;
    return (star == 0 || p[star - 1] == '.') && (star + 1 == p.size() || p[star + 1] == '.');
}

// What "*" stood for in `key`, when the key is the pattern's: same text
// before and after, one segment between (a dot inside an interface name is
// '/' in a canonical key, so a segment has no '.').
bool segment_of(std::string_view pattern, std::string_view key, std::string_view& segment)
{
    size_t star = pattern.find('*');
    std::string_view head = pattern.substr(0, star), tail = pattern.substr(star + 1);
    if (key.size() <= head.size() + tail.size() || !key.starts_with(head) || !key.ends_with(tail)) return false;
    segment = key.substr(head.size(), key.size() - head.size() - tail.size());
    return segment.find('.') == std::string_view::npos && segment.find('*') == std::string_view::npos;
}

// Splits `m` into the keys no pattern covers (an object) and, per pattern
// and value, the segments "*" stood for (an array of groups).
void split(const util::StringMap& m, const std::vector<std::string>& patterns, json& exact, json& groups)
{
    exact = json::object();
    groups = json::array();
    std::map<std::pair<size_t, std::string_view>, std::vector<std::string_view>> by;
    for (const auto& [key, value] : m) {
        size_t i = 0;
        std::string_view segment;
        while (i < patterns.size() && !segment_of(patterns[i], key, segment))
            ++i;
        if (i == patterns.size())
            exact[key] = value;
        else
            by[{i, value}].push_back(segment);
    }
    for (const auto& [at, segments] : by) {
        json matches = json::array();
        for (auto seg : segments)
            matches.push_back(std::string(seg));
        groups.push_back({{"pattern", patterns[at.first]}, {"value", std::string(at.second)}, {"matches", matches}});
    }
}

}  // namespace

std::string serialize_state(const State& s)
{
    std::vector<std::string> patterns;
    for (const auto& g : s.globs)
        if (one_star(g)) patterns.push_back(g);
    std::sort(patterns.begin(), patterns.end());
    patterns.erase(std::unique(patterns.begin(), patterns.end()), patterns.end());
    json j;
    j["format"] = k_format;
    j["profiles"] = s.profiles;
    j["priority"] = s.priority;
    split(s.keys, patterns, j["keys"], j["globs"]);
    split(s.baseline, patterns, j["baseline"], j["baseline_globs"]);
    j["modules"] = s.modules;
    return j.dump(1) + "\n";
}

namespace {

// Reads the state file straight into State, without building a JSON tree:
// with a glob over thousands of interfaces the file holds thousands of
// segments, and a tree and its conversion cost more than the rest of a
// no-op apply (bench/, W4). Every field is checked for its type; anything
// else is an error that names the field. Fields this version does not know
// are passed over, whatever their shape (a later version may add some).
class StateReader : public nlohmann::json_sax<json> {
  public:
    State state;
    std::string problem;  // first structural problem, "" when none
    int format = 0;
    bool seen_profiles = false, seen_priority = false, seen_keys = false, seen_baseline = false, seen_modules = false;

    bool null() override { return scalar("null"); }
    bool boolean(bool) override { return scalar("a boolean"); }
    bool number_integer(number_integer_t v) override { return integer(v, true); }
    bool number_unsigned(number_unsigned_t v) override
    {
        return integer(v > 1000 ? 1000 : static_cast<int64_t>(v), true);
    }
    bool number_float(number_float_t, const string_t&) override { return integer(0, false); }
    bool binary(binary_t&) override { return scalar("binary data"); }

    bool string(string_t& v) override
    {
        if (m_depth == 1) return field_scalar("a string");
        if (m_in == In::other) return true;
        if (m_depth == 2 && m_in == In::profiles) {
            state.profiles.push_back(std::move(v));
            return true;
        }
        if (m_depth == 2 && m_in == In::modules) {
            state.modules.push_back(std::move(v));
            return true;
        }
        if (m_depth == 2 && (m_in == In::keys || m_in == In::baseline)) {
            (m_in == In::keys ? state.keys : state.baseline).append(std::move(m_key), std::move(v));
            return true;
        }
        if (m_depth == 3 && is_groups() && m_group_field == GroupField::pattern) return group_string(m_pattern, v);
        if (m_depth == 3 && is_groups() && m_group_field == GroupField::value) return group_string(m_value, v);
        if (m_depth >= 3 && is_groups() && m_group_field == GroupField::other) return true;
        if (m_depth == 4 && is_groups() && m_group_field == GroupField::matches) {
            m_matches.push_back(std::move(v));
            return true;
        }
        return bad("'" + m_field + "' holds a string where it does not belong");
    }

    bool start_object(std::size_t) override
    {
        ++m_depth;
        if (m_depth == 1 || m_in == In::other || (m_depth > 4 && m_group_field == GroupField::other)) return true;
        if (m_depth == 2 && (m_in == In::keys || m_in == In::baseline)) return true;
        if (m_depth == 3 && is_groups()) {
            m_pattern.reset(), m_value.reset(), m_matches.clear(), m_has_matches = false;
            m_group_field = GroupField::none;
            return true;
        }
        if (m_depth == 4 && is_groups() && m_group_field == GroupField::other) return true;
        return bad("'" + m_field + "' has the wrong type");
    }
    bool end_object() override
    {
        if (m_depth == 3 && is_groups() && !end_group()) return false;
        return leave();
    }
    bool start_array(std::size_t) override
    {
        ++m_depth;
        if (m_depth == 1) return bad("not a JSON object");
        if (m_in == In::other || (m_depth > 4 && m_group_field == GroupField::other)) return true;
        if (m_depth == 2 && (m_in == In::profiles || m_in == In::modules || is_groups())) return true;
        if (m_depth == 4 && is_groups() && m_group_field == GroupField::matches) {
            m_has_matches = true;
            return true;
        }
        if (m_depth == 4 && is_groups() && m_group_field == GroupField::other) return true;
        return bad("'" + m_field + "' has the wrong type");
    }
    bool end_array() override { return leave(); }

    bool key(string_t& k) override
    {
        if (m_depth == 2) {
            m_key = std::move(k);
            return true;
        }
        if (m_depth == 3 && is_groups()) {
            GroupField f = k == "pattern"   ? GroupField::pattern
                           : k == "value"   ? GroupField::value
                           : k == "matches" ? GroupField::matches
                                            : GroupField::other;
            m_group_field = f;
            return true;
        }
        if (m_depth != 1) return true;  // inside a field this version does not read
        m_field = k;
        bool* seen = nullptr;
        if (k == "format")
            m_in = In::format, seen = &m_seen_format;
        else if (k == "profiles")
            m_in = In::profiles, seen = &seen_profiles;
        else if (k == "priority")
            m_in = In::priority, seen = &seen_priority;
        else if (k == "keys")
            m_in = In::keys, seen = &seen_keys;
        else if (k == "baseline")
            m_in = In::baseline, seen = &seen_baseline;
        else if (k == "globs")
            m_in = In::globs, seen = &m_seen_globs;
        else if (k == "baseline_globs")
            m_in = In::baseline_globs, seen = &m_seen_baseline_globs;
        else if (k == "modules")
            m_in = In::modules, seen = &seen_modules;
        else
            m_in = In::other;
        if (seen && *seen) return bad("'" + m_field + "' appears twice");
        if (seen) *seen = true;
        return true;
    }

    bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override
    {
        m_syntax = true;
        return false;
    }

    bool syntax_error() const { return m_syntax; }

  private:
    enum class In { none, format, profiles, priority, keys, baseline, globs, baseline_globs, modules, other };
    enum class GroupField { none, pattern, value, matches, other };
    In m_in = In::none;
    GroupField m_group_field = GroupField::none;
    int m_depth = 0;
    std::string m_field, m_key;
    std::optional<std::string> m_pattern, m_value;
    std::vector<std::string> m_matches;
    bool m_has_matches = false;
    bool m_syntax = false;
    bool m_seen_format = false, m_seen_globs = false, m_seen_baseline_globs = false;

    bool is_groups() const { return m_in == In::globs || m_in == In::baseline_globs; }

    // The end of an object or array: back to the field, or out of it.
    bool leave()
    {
        --m_depth;
        if (m_depth == 3 && is_groups()) m_group_field = GroupField::none;
        if (m_depth == 1) m_in = In::none;
        return true;
    }

    bool group_string(std::optional<std::string>& out, std::string& v)
    {
        out = std::move(v);
        return true;
    }

    // One {"pattern", "value", "matches"}: its keys, appended (sorted at the end).
    bool end_group()
    {
        if (!m_pattern || !m_value || !m_has_matches)
            return bad("an entry of '" + m_field + "' lacks its pattern, value or matches");
        if (!one_star(*m_pattern))
            return bad("'" + m_field + "' has the pattern '" + *m_pattern + "', which is not one \"*\" segment");
        size_t star = m_pattern->find('*');
        auto& into = m_in == In::globs ? state.keys : state.baseline;
        for (const auto& seg : m_matches) {
            if (seg.empty() || seg.find_first_of(".*") != std::string::npos)
                return bad("'" + m_field + "' has the match '" + seg + "' for '" + *m_pattern +
                           "', which is not one segment");
            std::string key = m_pattern->substr(0, star);
            key += seg;
            key.append(*m_pattern, star + 1);
            into.append(std::move(key), *m_value);
        }
        if (std::find(state.globs.begin(), state.globs.end(), *m_pattern) == state.globs.end())
            state.globs.push_back(*m_pattern);
        return true;
    }

    bool bad(std::string what)
    {
        if (problem.empty()) problem = std::move(what);
        return false;
    }
    bool field_scalar(const char* what)
    {
        if (m_in == In::other) return true;
        return bad("'" + m_field + "' has the wrong type (" + what + ")");
    }
    bool scalar(const char* what)
    {
        if (m_depth == 0) return bad("not a JSON object");
        if (m_depth == 1) return field_scalar(what);
        if (m_in == In::other || (is_groups() && m_group_field == GroupField::other)) return true;
        if (is_groups() && m_depth >= 3)
            return bad("'" + m_field + "' holds " + what + " where a string or a list of strings belongs");
        return bad("'" + m_field + "' holds " + what + " where a string belongs");
    }
    bool integer(int64_t v, bool is_integer)
    {
        if (m_depth == 1 && m_in == In::priority) {
            if (!is_integer || v < 0 || v > 99) return bad("bad priority");
            state.priority = static_cast<int>(v);
            return true;
        }
        if (m_depth == 1 && m_in == In::format) {
            if (!is_integer) return bad("bad format");
            format = static_cast<int>(v);
            return true;
        }
        return scalar("a number");
    }
};

// The layout serialize_state() writes (nlohmann's dump(1) of format 2), read
// line by line. nlohmann's lexer takes the text a character at a time and
// costs three times as much: a third of a 40-key no-op apply was reading
// its state (bench/, callgrind). Anything that is not exactly this layout,
// a string that is not ASCII or has an escape nlohmann does not write, keys
// out of order or a key twice, is left to the general reader above (format
// 1 files too); tests/unit and the fuzzer check that where this one gives a
// State the general one gives the same.
class CanonicalReader {
  public:
    explicit CanonicalReader(std::string_view text) : m_rest(text) {}

    std::optional<State> read()
    {
        State s;
        Runs keys, baseline;
        if (!line("{")) return std::nullopt;
        if (!map_field("baseline", baseline, ',')) return std::nullopt;
        if (!groups_field("baseline_globs", baseline, s.globs, ',')) return std::nullopt;
        int format = 0;
        if (!number_field("format", format, ',') || format != k_format) return std::nullopt;
        if (!groups_field("globs", keys, s.globs, ',')) return std::nullopt;
        if (!map_field("keys", keys, ',')) return std::nullopt;
        if (!list_field("modules", s.modules, ',')) return std::nullopt;
        if (!number_field("priority", s.priority, ',') || s.priority > 99) return std::nullopt;
        if (!list_field("profiles", s.profiles, 0)) return std::nullopt;
        if (!line("}") || !m_rest.empty()) return std::nullopt;
        if (!merge(keys, s.keys) || !merge(baseline, s.baseline)) return std::nullopt;
        return s;
    }

  private:
    // Sorted runs of (key, value): the exact keys, and each glob group.
    using Runs = std::vector<std::vector<util::StringMap::value_type>>;
    std::string_view m_rest;

    // The runs merged into one sorted map; false when a key repeats.
    static bool merge(Runs& runs, util::StringMap& out)
    {
        std::erase_if(runs, [](const auto& r) { return r.empty(); });
        if (runs.empty()) return true;
        if (runs.size() == 1) {
            out.assign_sorted(std::move(runs.front()));
            return true;
        }
        size_t total = 0;
        for (const auto& r : runs)
            total += r.size();
        std::vector<util::StringMap::value_type> merged;
        merged.reserve(total);
        // A heap of run heads: n log(runs) comparisons.
        std::vector<std::pair<size_t, size_t>> heads;  // run, position
        for (size_t i = 0; i < runs.size(); ++i)
            heads.emplace_back(i, 0);
        auto later = [&](const auto& a, const auto& b) {
            return runs[a.first][a.second].first > runs[b.first][b.second].first;
        };
        std::make_heap(heads.begin(), heads.end(), later);
        while (!heads.empty()) {
            std::pop_heap(heads.begin(), heads.end(), later);
            auto& [run, at] = heads.back();
            auto& item = runs[run][at];
            if (!merged.empty() && merged.back().first == item.first) return false;
            merged.push_back(std::move(item));
            if (++at == runs[run].size())
                heads.pop_back();
            else
                std::push_heap(heads.begin(), heads.end(), later);
        }
        out.assign_sorted(std::move(merged));
        return true;
    }

    // The next line, without its '\n'; false at the end of the text.
    bool next(std::string_view& out)
    {
        auto nl = m_rest.find('\n');
        if (nl == std::string_view::npos) return false;
        out = m_rest.substr(0, nl);
        m_rest.remove_prefix(nl + 1);
        return true;
    }
    bool line(std::string_view want)
    {
        std::string_view l;
        return next(l) && l == want;
    }
    // A JSON string at the start of `l`, with the escapes nlohmann writes
    // (\" \\ \b \f \n \r \t and \u00XX for other control characters);
    // anything else, or a byte that is not ASCII, is left to the general
    // reader. Advances l.
    static bool json_string(std::string_view& l, std::string& out)
    {
        out.clear();
        if (l.empty() || l.front() != '"') return false;
        size_t i = 1;
        for (;;) {
            size_t run = i;
            while (run < l.size()) {
                unsigned char c = static_cast<unsigned char>(l[run]);
                if (c == '"' || c == '\\' || c < 0x20 || c >= 0x80) break;
                ++run;
            }
            out.append(l.data() + i, run - i);
            if (run >= l.size()) return false;
            char c = l[run];
            if (c == '"') {
                l.remove_prefix(run + 1);
                return true;
            }
            if (c != '\\' || run + 1 >= l.size()) return false;
            char e = l[run + 1];
            i = run + 2;
            switch (e) {
            case '"': out += '"'; break;
            case '\\': out += '\\'; break;
            case 'b': out += '\b'; break;
            case 'f': out += '\f'; break;
            case 'n': out += '\n'; break;
            case 'r': out += '\r'; break;
            case 't': out += '\t'; break;
            case 'u': {
                auto hex = [](char h) {
                    return h >= '0' && h <= '9' ? h - '0' : h >= 'a' && h <= 'f' ? h - 'a' + 10 : -1;
                };
                if (l.size() < run + 6 || l[run + 2] != '0' || l[run + 3] != '0') return false;
                int hi = hex(l[run + 4]), lo = hex(l[run + 5]);
                if (hi < 0 || hi > 1 || lo < 0) return false;
                out += static_cast<char>(hi * 16 + lo);
                i = run + 6;
                break;
            }
            default: return false;
            }
        }
    }
    static bool ends(std::string_view l, char comma) { return comma ? l == std::string_view(&comma, 1) : l.empty(); }
    // `indent` blanks, `"name": ` and returns the rest of the line.
    bool field(std::string_view name, std::string_view& rest, size_t indent = 1)
    {
        if (!next(rest) || rest.size() < indent + name.size() + 4) return false;
        for (size_t i = 0; i < indent; ++i)
            if (rest[i] != ' ') return false;
        rest.remove_prefix(indent);
        if (rest.front() != '"') return false;
        rest.remove_prefix(1);
        if (rest.substr(0, name.size()) != name || rest.substr(name.size(), 3) != "\": ") return false;
        rest.remove_prefix(name.size() + 3);
        return true;
    }
    bool number_field(std::string_view name, int& out, char comma)
    {
        std::string_view rest;
        if (!field(name, rest)) return false;
        size_t n = 0;
        while (n < rest.size() && n < 3 && rest[n] >= '0' && rest[n] <= '9')
            ++n;
        if (n == 0 || (n > 1 && rest[0] == '0')) return false;
        out = 0;
        for (size_t i = 0; i < n; ++i)
            out = out * 10 + (rest[i] - '0');
        return ends(rest.substr(n), comma);
    }
    bool string_field(std::string_view name, std::string& out, char comma, size_t indent)
    {
        std::string_view rest;
        return field(name, rest, indent) && json_string(rest, out) && ends(rest, comma);
    }
    bool map_field(std::string_view name, Runs& runs, char comma)
    {
        std::string_view rest;
        if (!field(name, rest)) return false;
        if (rest.substr(0, 2) == "{}") return ends(rest.substr(2), comma);
        if (rest != "{") return false;
        auto& out = runs.emplace_back();
        std::string_view l;
        std::string key, value;
        for (;;) {
            if (!next(l) || l.size() < 2) return false;
            if (l[0] == ' ' && l[1] == '}') return ends(l.substr(2), comma);
            if (l.substr(0, 2) != "  ") return false;
            l.remove_prefix(2);
            if (!json_string(l, key) || l.substr(0, 2) != ": ") return false;
            l.remove_prefix(2);
            if (!json_string(l, value)) return false;
            // serialize_state() writes the keys sorted: a key out of order
            // (a hand edit, a duplicate) is left to the general reader.
            if (!out.empty() && !(out.back().first < key)) return false;
            out.emplace_back(std::move(key), value);
            if (l == ",") continue;
            if (!l.empty()) return false;
            return line(comma ? " }," : " }");
        }
    }
    // A list of strings at `indent` (its items two deeper).
    bool list_lines(std::string_view rest, std::vector<std::string>& out, char comma, size_t indent)
    {
        if (rest.substr(0, 2) == "[]") return ends(rest.substr(2), comma);
        if (rest != "[") return false;
        std::string_view l;
        std::string item;
        const std::string pad(indent + 1, ' ');
        for (;;) {
            if (!next(l) || l.substr(0, pad.size()) != pad) return false;
            l.remove_prefix(pad.size());
            if (!json_string(l, item)) return false;
            out.emplace_back(item);
            if (l == ",") continue;
            if (!l.empty()) return false;
            std::string close(indent, ' ');
            close += ']';
            if (comma) close += comma;
            return line(close);
        }
    }
    bool list_field(std::string_view name, std::vector<std::string>& out, char comma)
    {
        std::string_view rest;
        return field(name, rest) && list_lines(rest, out, comma, 1);
    }
    // [{"matches": [...], "pattern": "...", "value": "..."}, ...]: each
    // group's keys a run of its own, in order.
    bool groups_field(std::string_view name, Runs& runs, std::vector<std::string>& globs, char comma)
    {
        std::string_view rest;
        if (!field(name, rest)) return false;
        if (rest.substr(0, 2) == "[]") return ends(rest.substr(2), comma);
        if (rest != "[") return false;
        std::vector<std::string> matches;
        std::string pattern, value;
        for (;;) {
            if (!line("  {")) return false;
            matches.clear();
            if (!field("matches", rest, 3) || !list_lines(rest, matches, ',', 3)) return false;
            if (!string_field("pattern", pattern, ',', 3) || !string_field("value", value, 0, 3)) return false;
            if (!one_star(pattern) || matches.empty()) return false;
            size_t star = pattern.find('*');
            auto& out = runs.emplace_back();
            out.reserve(matches.size());
            for (const auto& seg : matches) {
                if (seg.empty() || seg.find_first_of(".*") != std::string::npos) return false;
                std::string key;
                key.reserve(pattern.size() + seg.size());
                key.append(pattern, 0, star).append(seg).append(pattern, star + 1);
                if (!out.empty() && !(out.back().first < key)) return false;
                out.emplace_back(std::move(key), value);
            }
            if (std::find(globs.begin(), globs.end(), pattern) == globs.end()) globs.push_back(pattern);
            std::string_view l;
            if (!next(l)) return false;
            if (l == "  },") continue;
            if (l != "  }") return false;
            return line(comma ? " ]," : " ]");
        }
    }
};

}  // namespace

namespace detail {

std::optional<State> parse_state_canonical(std::string_view text)
{
    return CanonicalReader(text).read();
}

Result<State> parse_state_json(const std::string& text, const std::string& origin)
{
    auto damaged = [&](const std::string& what) {
        return fail("damaged state file '" + origin + "': " + what + "; move it away to start afresh", EINVAL);
    };
    StateReader r;
    bool ok = json::sax_parse(text, &r, json::input_format_t::json, /*strict=*/true);
    if (!ok && (r.syntax_error() || r.problem.empty())) return damaged("not valid JSON");
    if (!ok) return damaged(r.problem);
    // Format 1 wrote every key in "keys" and "baseline"; files from before
    // the format field existed are format 1 too.
    if (r.format > k_format)
        return fail("state file '" + origin + "' has format " + std::to_string(r.format) +
                        ", newer than this sysknob reads (" + std::to_string(k_format) +
                        "); use the sysknob that wrote it, or move it away to start afresh",
                    EINVAL);
    for (auto [seen, name] : {std::pair{r.seen_profiles, "profiles"},
                              {r.seen_priority, "priority"},
                              {r.seen_keys, "keys"},
                              {r.seen_baseline, "baseline"},
                              {r.seen_modules, "modules"}})
        if (!seen) return damaged(std::string("'") + name + "' is missing");
    r.state.keys.sort_unique();
    r.state.baseline.sort_unique();
    return std::move(r.state);
}

}  // namespace detail

Result<State> parse_state(const std::string& text, const std::string& origin)
{
    if (auto s = detail::parse_state_canonical(text)) return std::move(*s);
    return detail::parse_state_json(text, origin);
}

}  // namespace sysknob::snapshot
