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

}  // namespace

Result<State> parse_state(const std::string& text, const std::string& origin)
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

}  // namespace sysknob::snapshot
