#include "profile/toml_reader.hpp"

#include <toml++/toml.h>

#include "model/key.hpp"
#include "profile/rules.hpp"

namespace sysknob::profile {

namespace {

using model::Diagnostics;
using model::SourceLocation;

// Values end up on one line of a sysctl.d or modprobe.d file: anything that
// could end that line or hide in it is refused.
const char* unsafe_text(std::string_view s)
{
    for (unsigned char c : s) {
        if (c == '\n' || c == '\r') return "a line break";
        if (c == 0) return "a NUL byte";
        if (c < 0x20 && c != '\t') return "a control character";
        if (c == 0x7f) return "a control character";
    }
    return nullptr;
}

bool valid_utf8(std::string_view s)
{
    size_t i = 0;
    while (i < s.size()) {
        auto c = static_cast<unsigned char>(s[i]);
        size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
        if (n == 0 || i + n > s.size()) return false;
        for (size_t j = 1; j < n; ++j)
            if ((static_cast<unsigned char>(s[i + j]) >> 6) != 0x2) return false;
        i += n;
    }
    return true;
}

bool plain_word(std::string_view s, bool allow_dash)
{
    if (s.empty() || s.size() > 64) return false;
    for (char c : s) {
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                  (allow_dash && c == '-');
        if (!ok) return false;
    }
    return true;
}

class Reader {
public:
    Reader(const std::string& path, ReadResult& out) : m_path(path), m_out(out) {}

    SourceLocation at(const toml::source_region& r) const
    {
        return SourceLocation{m_path, static_cast<int>(r.begin.line), static_cast<int>(r.begin.column)};
    }

    void diag(std::string_view id, std::string key, const toml::source_region& r, std::string msg, std::string hint)
    {
        m_out.diagnostics.push_back(make_diagnostic(id, std::move(key), at(r), std::move(msg), std::move(hint)));
    }

    void read(const toml::table& root)
    {
        for (auto&& [k, v] : root) {
            std::string name(k.str());
            if (name == "profile")
                read_profile(v, k);
            else if (name == "sysctl")
                read_sysctl(v, k);
            else if (name == "modules")
                read_modules(v, k);
            else if (name == "lint")
                read_lint(v, k);
            else
                diag("SK0003", "", k.source(), "unknown section '" + name + "'",
                     "a profile has [profile], [sysctl], [modules.NAME] and [lint]");
        }
    }

private:
    const toml::table* section(const toml::node& v, const toml::key& k)
    {
        auto* t = v.as_table();
        if (!t)
            diag("SK0003", "", k.source(), "'" + std::string(k.str()) + "' must be a table",
                 "write it as [" + std::string(k.str()) + "]");
        return t;
    }

    std::optional<std::string> string_field(const toml::node& v, const toml::key& k, const char* where)
    {
        if (auto s = v.value<std::string>()) {
            if (auto bad = unsafe_text(*s)) {
                diag("SK0006", "", v.source(), std::string(where) + " '" + std::string(k.str()) + "' contains " + bad,
                     "keep it on one line");
                return std::nullopt;
            }
            return *s;
        }
        diag("SK0003", "", v.source(), std::string(where) + " '" + std::string(k.str()) + "' must be a string", "");
        return std::nullopt;
    }

    void read_profile(const toml::node& v, const toml::key& key)
    {
        auto* t = section(v, key);
        if (!t) return;
        auto& p = m_out.profile;
        for (auto&& [k, f] : *t) {
            std::string name(k.str());
            if (name == "name") {
                if (auto s = string_field(f, k, "[profile]")) {
                    if (!plain_word(*s, /*allow_dash=*/true))
                        diag("SK0003", "", f.source(), "profile name '" + *s + "' is not a plain name",
                             "use letters, digits, '-' and '_'");
                    else
                        p.name = *s;
                }
            } else if (name == "description") {
                if (auto s = string_field(f, k, "[profile]")) p.description = *s;
            } else if (name == "extends") {
                p.extends_where = at(f.source());
                if (auto s = f.value<std::string>()) {
                    p.extends.push_back(*s);
                } else if (auto* arr = f.as_array()) {
                    for (auto& e : *arr) {
                        if (auto es = e.value<std::string>())
                            p.extends.push_back(*es);
                        else
                            diag("SK0003", "", e.source(), "extends entries must be profile names (strings)", "");
                    }
                } else {
                    diag("SK0003", "", f.source(), "extends must be a name or an array of names",
                         "extends = [\"base\"]");
                }
            } else {
                diag("SK0004", "", k.source(), "unknown field '" + name + "' in [profile]",
                     "[profile] has name, description and extends");
            }
        }
    }

    void read_sysctl(const toml::node& v, const toml::key& key)
    {
        auto* t = section(v, key);
        if (!t) return;
        std::vector<std::string> segments;
        walk(*t, segments);
    }

    void walk(const toml::table& t, std::vector<std::string>& segments)
    {
        if (++m_depth > 32) {
            diag("SK0003", "", t.source(), "[sysctl] nested more than 32 levels", "");
            --m_depth;
            return;
        }
        for (auto&& [k, v] : t) {
            segments.emplace_back(k.str());
            auto* sub = v.as_table();
            if (sub && !sub->contains("value"))
                walk(*sub, segments);
            else
                setting(segments, k, v);
            segments.pop_back();
        }
        --m_depth;
    }

    void setting(const std::vector<std::string>& segments, const toml::key& k, const toml::node& v)
    {
        std::string key = model::key_from_segments(segments);
        std::string shown = key;
        if (auto problem = model::key_problem(key)) {
            for (char& c : shown)
                if (static_cast<unsigned char>(c) < 0x20) c = '?';
            diag("SK0005", shown, k.source(), "'" + shown + "' is not a plain sysctl name: " + *problem,
                 "write keys as dotted sysctl names; quote an interface name with a dot: conf.\"eth0.100\".x");
            return;
        }
        model::Setting s;
        s.key = key;
        s.where = at(k.source());
        const toml::node* value = &v;
        if (auto* t = v.as_table()) {
            value = t->get("value");
            for (auto&& [fk, fv] : *t) {
                std::string f(fk.str());
                if (f == "value") continue;
                if (f == "comment") {
                    if (auto c = string_field(fv, fk, "comment")) s.comment = *c;
                } else if (f == "optional") {
                    if (auto b = fv.value<bool>())
                        s.optional = *b;
                    else
                        diag("SK0007", key, fv.source(), "'optional' must be true or false", "");
                } else {
                    diag("SK0004", key, fk.source(), "unknown field '" + f + "' for '" + key + "'",
                         "a setting table has value, comment and optional");
                }
            }
        }
        if (!value_of(key, *value, s.value)) return;
        m_out.profile.settings.push_back(std::move(s));
    }

    bool value_of(const std::string& key, const toml::node& v, model::Value& out)
    {
        if (auto i = v.value_exact<int64_t>()) {
            out = model::Value::of_integer(*i);
            return true;
        }
        if (auto s = v.value_exact<std::string>()) {
            if (auto bad = unsafe_text(*s)) {
                diag("SK0006", key, v.source(), "value of '" + key + "' contains " + bad,
                     "a value is one line of plain text");
                return false;
            }
            if (s->empty() || s->front() == ' ' || s->back() == ' ' || s->front() == '\t' || s->back() == '\t') {
                diag("SK0006", key, v.source(), "value of '" + key + "' is empty or has leading or trailing blanks",
                     "sysctl.d trims blanks, so the value would not survive a reboot as written");
                return false;
            }
            out = model::Value::of_string(*s);
            return true;
        }
        if (auto* arr = v.as_array()) {
            std::vector<int64_t> numbers;
            for (auto& e : *arr) {
                auto n = e.value_exact<int64_t>();
                if (!n) {
                    diag("SK0007", key, e.source(), "vector value of '" + key + "' must hold integers only",
                         "write [4096, 131072, 6291456]");
                    return false;
                }
                numbers.push_back(*n);
            }
            if (numbers.empty()) {
                diag("SK0007", key, v.source(), "empty array for '" + key + "'", "give the values, e.g. [1024, 65000]");
                return false;
            }
            out = model::Value::of_vector(std::move(numbers));
            return true;
        }
        std::string hint = "use an integer, a string or an array of integers";
        if (v.is_boolean()) hint = "sysctl booleans are integers: write 1 or 0";
        if (v.is_floating_point()) hint = "sysctl has no fractions: write an integer";
        if (v.is_table()) hint = "a setting table needs 'value'";
        diag("SK0007", key, v.source(), "'" + key + "' has a " + std::string(type_name(v)) + " value", hint);
        return false;
    }

    static std::string_view type_name(const toml::node& v)
    {
        switch (v.type()) {
        case toml::node_type::boolean: return "boolean";
        case toml::node_type::floating_point: return "floating-point";
        case toml::node_type::date: return "date";
        case toml::node_type::time: return "time";
        case toml::node_type::date_time: return "date-time";
        case toml::node_type::table: return "table";
        default: return "unsupported";
        }
    }

    void read_modules(const toml::node& v, const toml::key& key)
    {
        auto* t = section(v, key);
        if (!t) return;
        for (auto&& [mk, mv] : *t) {
            std::string mod(mk.str());
            auto* mt = mv.as_table();
            if (!plain_word(mod, /*allow_dash=*/true) || !mt) {
                diag("SK0010", "", mk.source(), "module section '" + mod + "' must be [modules.NAME] with a plain module name",
                     "[modules.nf_conntrack]");
                continue;
            }
            model::ModuleConfig m;
            m.name = mod;
            m.where = at(mk.source());
            for (auto&& [pk, pv] : *mt) {
                std::string param(pk.str());
                if (param == "load") {
                    if (auto b = pv.value<bool>())
                        m.load = *b;
                    else
                        diag("SK0010", "", pv.source(), "'load' must be true or false", "");
                    continue;
                }
                if (!plain_word(param, /*allow_dash=*/false)) {
                    diag("SK0010", "", pk.source(), "module parameter '" + param + "' is not a plain name", "");
                    continue;
                }
                std::string text;
                if (auto i = pv.value_exact<int64_t>()) {
                    text = std::to_string(*i);
                } else if (auto s = pv.value_exact<std::string>()) {
                    bool ok = !s->empty() && s->size() <= 256;
                    for (char c : *s)
                        ok = ok && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                                    c == '_' || c == '-' || c == ',' || c == '.' || c == ':');
                    if (!ok) {
                        diag("SK0010", "", pv.source(), "value of module parameter '" + param + "' is not a plain word",
                             "module options allow letters, digits and _ - , . :");
                        continue;
                    }
                    text = *s;
                } else {
                    diag("SK0010", "", pv.source(), "module parameter '" + param + "' must be an integer or a string", "");
                    continue;
                }
                m.params.push_back(model::ModuleParam{param, text, at(pk.source())});
            }
            m_out.profile.modules.push_back(std::move(m));
        }
    }

    void read_lint(const toml::node& v, const toml::key& key)
    {
        auto* t = section(v, key);
        if (!t) return;
        for (auto&& [k, f] : *t) {
            if (k.str() != "ignore") {
                diag("SK0004", "", k.source(), "unknown field '" + std::string(k.str()) + "' in [lint]",
                     "[lint] has ignore = [\"SK....\"]");
                continue;
            }
            auto* arr = f.as_array();
            if (!arr) {
                diag("SK0009", "", f.source(), "ignore must be an array of rule ids", "ignore = [\"SK3006\"]");
                continue;
            }
            for (auto& e : *arr) {
                auto id = e.value<std::string>();
                const Rule* r = id ? find_rule(*id) : nullptr;
                if (!r)
                    diag("SK0009", "", e.source(), "'" + (id ? *id : std::string("?")) + "' is not a rule id",
                         "see `sysknob lint --list-rules`");
                else if (!r->suppressible)
                    diag("SK0009", "", e.source(), "rule " + *id + " cannot be ignored", "fix the input instead");
                else
                    m_out.profile.ignore.push_back(*id);
            }
        }
    }

    const std::string& m_path;
    ReadResult& m_out;
    int m_depth = 0;
};

}  // namespace

ReadResult read_profile_text(std::string_view text, const std::string& path, const std::string& fallback_name)
{
    ReadResult out;
    out.profile.path = path;
    out.profile.name = fallback_name;
    if (!valid_utf8(text) || text.find('\0') != std::string_view::npos) {
        out.diagnostics.push_back(make_diagnostic("SK0002", "", SourceLocation{path, 0, 0},
                                                  "'" + path + "' is not UTF-8 text", "a profile is a TOML text file"));
        return out;
    }
    toml::table root;
    try {
        root = toml::parse(text, path);
    } catch (const toml::parse_error& e) {
        std::string msg(e.description());
        out.diagnostics.push_back(make_diagnostic(
            "SK0001", "", SourceLocation{path, static_cast<int>(e.source().begin.line),
                                         static_cast<int>(e.source().begin.column)},
            msg, "fix the TOML syntax; see sysknob.toml(5)"));
        return out;
    }
    Reader(path, out).read(root);
    return out;
}

}  // namespace sysknob::profile
