#include "snapshot/state.hpp"

#include <nlohmann/json.hpp>

namespace sysknob::snapshot {

using nlohmann::json;

std::string serialize_state(const State& s)
{
    json j;
    j["format"] = 1;
    j["profiles"] = s.profiles;
    j["priority"] = s.priority;
    j["keys"] = s.keys;
    j["baseline"] = s.baseline;
    j["modules"] = s.modules;
    return j.dump(1) + "\n";
}

namespace {

// Reads the state file straight into State, without building a JSON tree:
// with a glob over thousands of interfaces the file holds tens of thousands
// of keys, and the tree and its conversion cost more than the rest of a
// no-op apply (bench/, W4). Every field is checked for its type; anything
// else is an error that names the field.
class StateReader : public nlohmann::json_sax<json> {
  public:
    State state;
    std::string problem;  // first structural problem, "" when none
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
        if (m_depth == 2 && m_in == In::profiles) {
            state.profiles.push_back(std::move(v));
            return true;
        }
        if (m_depth == 2 && m_in == In::modules) {
            state.modules.push_back(std::move(v));
            return true;
        }
        if (m_depth == 2 && (m_in == In::keys || m_in == In::baseline)) {
            auto& map = m_in == In::keys ? state.keys : state.baseline;
            // The file is written sorted: appending at the end is O(1).
            map.insert_or_assign(map.end(), std::move(m_key), std::move(v));
            return true;
        }
        return m_in == In::other || bad("unexpected string");
    }

    bool start_object(std::size_t) override
    {
        ++m_depth;
        if (m_depth == 1) return true;
        if (m_depth == 2 && (m_in == In::keys || m_in == In::baseline)) return true;
        return m_in == In::other || bad("'" + m_field + "' has the wrong type");
    }
    bool end_object() override
    {
        if (m_depth == 2 && m_in != In::other) m_in = In::none;
        if (--m_depth == 1 && m_in == In::other) m_in = In::none;
        return true;
    }
    bool start_array(std::size_t) override
    {
        ++m_depth;
        if (m_depth == 2 && (m_in == In::profiles || m_in == In::modules)) return true;
        if (m_depth == 1) return bad("not a JSON object");
        return m_in == In::other || bad("'" + m_field + "' has the wrong type");
    }
    bool end_array() override
    {
        if (m_depth == 2 && m_in != In::other) m_in = In::none;
        if (--m_depth == 1 && m_in == In::other) m_in = In::none;
        return true;
    }

    bool key(string_t& k) override
    {
        if (m_depth == 2) {
            m_key = std::move(k);
            return true;
        }
        if (m_depth != 1) return true;  // inside a field this version does not read
        m_field = k;
        bool* seen = nullptr;
        if (k == "profiles")
            m_in = In::profiles, seen = &seen_profiles;
        else if (k == "priority")
            m_in = In::priority, seen = &seen_priority;
        else if (k == "keys")
            m_in = In::keys, seen = &seen_keys;
        else if (k == "baseline")
            m_in = In::baseline, seen = &seen_baseline;
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
    enum class In { none, profiles, priority, keys, baseline, modules, other };
    In m_in = In::none;
    int m_depth = 0;
    std::string m_field, m_key;
    bool m_syntax = false;

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
        return m_in == In::other || bad("'" + m_field + "' holds " + what + " where a string belongs");
    }
    bool integer(int64_t v, bool is_integer)
    {
        if (m_depth == 1 && m_in == In::priority) {
            if (!is_integer || v < 0 || v > 99) return bad("bad priority");
            state.priority = static_cast<int>(v);
            return true;
        }
        return scalar("a number");
    }
};

// The layout serialize_state() writes, read line by line. With a glob over
// thousands of interfaces the state holds tens of thousands of keys, and
// nlohmann's lexer, which takes the text a character at a time, was half of
// a no-op apply (bench/, W4). Anything that is not exactly this layout, or
// any string that is not ASCII or has an escape nlohmann does not write, is
// left to the general
// reader below; tests/unit and the fuzzer check that where this one gives a
// State the general one gives the same.
class CanonicalReader {
  public:
    explicit CanonicalReader(std::string_view text) : m_rest(text) {}

    std::optional<State> read()
    {
        State s;
        if (!line("{")) return std::nullopt;
        if (!map_field("baseline", s.baseline, ',')) return std::nullopt;
        int format = 0;
        if (!number_field("format", format, ',') || format != 1) return std::nullopt;
        if (!map_field("keys", s.keys, ',')) return std::nullopt;
        if (!list_field("modules", s.modules, ',')) return std::nullopt;
        if (!number_field("priority", s.priority, ',') || s.priority > 99) return std::nullopt;
        if (!list_field("profiles", s.profiles, 0)) return std::nullopt;
        if (!line("}") || !m_rest.empty()) return std::nullopt;
        return s;
    }

  private:
    std::string_view m_rest;

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
    // ` "name": ` and returns the rest of the line.
    bool field(std::string_view name, std::string_view& rest)
    {
        if (!next(rest) || rest.size() < name.size() + 5 || rest.substr(0, 2) != " \"") return false;
        rest.remove_prefix(2);
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
    bool map_field(std::string_view name, std::map<std::string, std::string>& out, char comma)
    {
        std::string_view rest;
        if (!field(name, rest)) return false;
        if (rest.substr(0, 2) == "{}") return ends(rest.substr(2), comma);
        if (rest != "{") return false;
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
            if (!out.empty() && !(out.rbegin()->first < key)) return false;
            out.emplace_hint(out.end(), std::move(key), value);
            if (l == ",") continue;
            if (!l.empty()) return false;
            return line(comma ? " }," : " }");
        }
    }
    bool list_field(std::string_view name, std::vector<std::string>& out, char comma)
    {
        std::string_view rest;
        if (!field(name, rest)) return false;
        if (rest.substr(0, 2) == "[]") return ends(rest.substr(2), comma);
        if (rest != "[") return false;
        std::string_view l;
        std::string item;
        for (;;) {
            if (!next(l) || l.substr(0, 2) != "  ") return false;
            l.remove_prefix(2);
            if (!json_string(l, item)) return false;
            out.emplace_back(item);
            if (l == ",") continue;
            if (!l.empty()) return false;
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
    StateReader r;
    bool ok = json::sax_parse(text, &r, json::input_format_t::json, /*strict=*/true);
    if (!ok && (r.syntax_error() || r.problem.empty()))
        return fail("damaged state file '" + origin + "': not valid JSON; move it away to start afresh", EINVAL);
    if (!ok)
        return fail("damaged state file '" + origin + "': " + r.problem + "; move it away to start afresh", EINVAL);
    for (auto [seen, name] : {std::pair{r.seen_profiles, "profiles"},
                              {r.seen_priority, "priority"},
                              {r.seen_keys, "keys"},
                              {r.seen_baseline, "baseline"},
                              {r.seen_modules, "modules"}})
        if (!seen)
            return fail("damaged state file '" + origin + "': '" + name + "' is missing; move it away to start afresh",
                        EINVAL);
    return std::move(r.state);
}

}  // namespace detail

Result<State> parse_state(const std::string& text, const std::string& origin)
{
    if (auto s = detail::parse_state_canonical(text)) return std::move(*s);
    return detail::parse_state_json(text, origin);
}

}  // namespace sysknob::snapshot
