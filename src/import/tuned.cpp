#include "import/tuned.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "boot/sysctl_d_parser.hpp"
#include "import/assemble.hpp"
#include "util/strings.hpp"

namespace sysknob::import {

namespace {

struct IniEntry {
    std::string section;
    std::string key;
    std::string value;
    std::string file;
    int line = 0;
    std::string comment;
};

// Python's configparser as tuned configures it (tuned/utils/config_parser.py):
// whitespace around names and values stripped, an indented line continues
// the previous value, an inline comment needs whitespace before its '#'.
std::vector<IniEntry> parse_ini(const SourceFile& f, std::vector<Finding>& findings)
{
    std::vector<IniEntry> out;
    std::string section;
    int line_no = 0;
    for (auto raw : util::split(f.content, '\n')) {
        ++line_no;
        if (!raw.empty() && raw.back() == '\r') raw.remove_suffix(1);
        std::string_view l = util::trim(raw);
        if (l.empty() || l.front() == '#' || l.front() == ';') continue;
        if (!out.empty() && out.back().line > 0 && util::is_space(raw.front()) && out.back().section == section &&
            l.front() != '[') {
            out.back().value += ' ';
            out.back().value += l;
            continue;
        }
        if (l.front() == '[') {
            size_t close = l.find(']');
            if (close == std::string_view::npos) {
                findings.push_back(Finding{FindingKind::not_imported, "", f.path, line_no,
                                           "section header without ']', ignoring the line"});
                continue;
            }
            section = std::string(l.substr(1, close - 1));
            continue;
        }
        size_t eq = l.find('=');
        if (eq == std::string_view::npos || section.empty()) {
            findings.push_back(Finding{FindingKind::not_imported, "", f.path, line_no,
                                       "line is neither 'option = value' in a section nor a section header, ignoring"});
            continue;
        }
        std::string_view value = util::trim(l.substr(eq + 1));
        for (size_t i = 1; i < value.size(); ++i)
            if (value[i] == '#' && util::is_space(value[i - 1])) {
                value = util::trim(value.substr(0, i));
                break;
            }
        out.push_back(IniEntry{section, std::string(util::trim(l.substr(0, eq))), std::string(value), f.path, line_no,
                               comment_above(f.content, line_no)});
    }
    return out;
}

// tuned's cmd.unquote(): surrounding double quotes go.
std::string unquote(std::string_view v)
{
    while (!v.empty() && v.front() == '"')
        v.remove_prefix(1);
    while (!v.empty() && v.back() == '"')
        v.remove_suffix(1);
    return std::string(v);
}

std::vector<std::string> split_names(std::string_view list)
{
    std::vector<std::string> out;
    std::string cur;
    for (char c : list) {
        if (c == ',' || c == ';') {
            if (!util::trim(cur).empty()) out.emplace_back(util::trim(cur));
            cur.clear();
        } else {
            cur += c;
        }
    }
    if (!util::trim(cur).empty()) out.emplace_back(util::trim(cur));
    return out;
}

std::string base_name(const std::string& path)
{
    size_t slash = path.rfind('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

class Loader {
  public:
    Loader(const ReadFile& read, Imported& out) : m_read(read), m_out(out) {}

    // Loads `conf` after everything it includes; appends to m_entries.
    void load(const SourceFile& conf, std::vector<std::string>& chain)
    {
        chain.push_back(conf.path);
        m_out.files.push_back(conf.path);
        auto entries = parse_ini(conf, m_out.findings);
        for (const auto& e : entries) {
            if (e.section != "main" || e.key != "include") continue;
            for (const auto& name : split_names(e.value)) {
                if (name.find("${") == std::string::npos) {
                    include(name, e, chain);
                    continue;
                }
                m_out.findings.push_back(Finding{FindingKind::hand_value, "", e.file, e.line,
                                                 "include '" + name +
                                                     "' is computed by tuned at run time; import the profile it "
                                                     "names on this host as another SOURCE"});
            }
        }
        for (const auto& e : entries) {
            if (e.key == "replace") {
                if (e.value == "1" || e.value == "true" || e.value == "yes")
                    std::erase_if(m_entries, [&](const IniEntry& x) { return x.section == e.section; });
                continue;
            }
            if (e.section == "sysctl" || e.section == "modules" || e.section == "variables") m_entries.push_back(e);
        }
        chain.pop_back();
    }

    const std::vector<IniEntry>& entries() const { return m_entries; }

  private:
    void include(const std::string& name, const IniEntry& at, std::vector<std::string>& chain)
    {
        // A name with '/' is a path (tuned accepts both); otherwise the first
        // profile directory holding NAME/tuned.conf that is not already
        // being loaded (a profile that includes its own name reaches the
        // shipped one under it).
        std::vector<std::string> candidates;
        if (name.find('/') != std::string::npos)
            candidates.push_back(name.back() == '/' ? name + "tuned.conf"
                                                    : (base_name(name) == "tuned.conf" ? name : name + "/tuned.conf"));
        else
            for (const auto& dir : tuned_profile_dirs())
                candidates.push_back(dir + "/" + name + "/tuned.conf");
        for (const auto& path : candidates) {
            if (std::find(chain.begin(), chain.end(), path) != chain.end()) continue;
            auto text = m_read(path);
            if (!text) continue;
            if (chain.size() > 32) {
                m_out.findings.push_back(Finding{FindingKind::not_imported, "", at.file, at.line,
                                                 "include chain deeper than 32 profiles, ignoring '" + name + "'"});
                return;
            }
            load(SourceFile{path, std::move(*text)}, chain);
            return;
        }
        m_out.findings.push_back(Finding{FindingKind::not_imported, "", at.file, at.line,
                                         "included profile '" + name +
                                             "' not found in /etc/tuned or /usr/lib/tuned; its settings are missing"});
    }

    const ReadFile& m_read;
    Imported& m_out;
    std::vector<IniEntry> m_entries;  // [sysctl], [modules], [variables] in merge order
};

// [variables]: later entries win; include= names a file of name=value lines.
std::map<std::string, std::string> variables_of(const std::vector<IniEntry>& entries, const ReadFile& read,
                                                Imported& out)
{
    std::map<std::string, std::string> vars;
    for (const auto& e : entries) {
        if (e.section != "variables") continue;
        if (e.key != "include") {
            vars[e.key] = e.value;
            continue;
        }
        auto text = read(e.value);
        if (!text) {
            out.findings.push_back(Finding{FindingKind::hand_value, "", e.file, e.line,
                                           "variables file '" + e.value + "' does not exist on this host"});
            continue;
        }
        out.files.push_back(e.value);
        SourceFile f{e.value, "[variables]\n" + *text};
        for (auto& v : parse_ini(f, out.findings))
            vars[v.key] = v.value;
    }
    return vars;
}

// Expands ${name} from [variables]; nullopt when anything tuned computes at
// run time (${f:...}, ${i:...}) or an undefined variable remains.
std::optional<std::string> expand(std::string text, const std::map<std::string, std::string>& vars)
{
    for (int round = 0; round < 8; ++round) {
        size_t start = text.find("${");
        if (start == std::string::npos) return text;
        size_t end = text.find('}', start);
        if (end == std::string::npos) return std::nullopt;
        std::string name = text.substr(start + 2, end - start - 2);
        auto it = vars.find(name);
        if (it == vars.end() || name.find(':') != std::string::npos) return std::nullopt;
        text.replace(start, end - start + 1, it->second);
    }
    return std::nullopt;
}

bool module_word(std::string_view s, bool value)
{
    if (s.empty() || s.size() > 256) return false;
    for (char c : s) {
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
                  (value && (c == ',' || c == '.' || c == ':'));
        if (!ok) return false;
    }
    return true;
}

}  // namespace

const std::vector<std::string>& tuned_profile_dirs()
{
    static const std::vector<std::string> k_dirs = {"/etc/tuned/profiles", "/etc/tuned", "/usr/lib/tuned/profiles",
                                                    "/usr/lib/tuned"};
    return k_dirs;
}

bool looks_like_tuned(std::string_view content)
{
    for (auto line : util::split(content, '\n')) {
        line = util::trim(line);
        if (line.size() >= 3 && line.front() == '[' && line.back() == ']') return true;
    }
    return false;
}

std::vector<RawAssignment> tuned_assignments(const SourceFile& conf, const ReadFile& read, Imported& out)
{
    Loader loader(read, out);
    std::vector<std::string> chain;
    loader.load(conf, chain);
    auto vars = variables_of(loader.entries(), read, out);

    std::vector<RawAssignment> sysctl;
    for (const auto& e : loader.entries()) {
        if (e.section == "sysctl") {
            std::string key = boot::normalize_key(e.key);
            std::string value = unquote(e.value);
            auto expanded = expand(value, vars);
            if (!expanded) {
                out.findings.push_back(Finding{FindingKind::hand_value, key, e.file, e.line,
                                               "'" + key + "' = '" + value +
                                                   "' is computed by tuned at run time; write the value it "
                                                   "should have by hand"});
                continue;
            }
            value = *expanded;
            if (!value.empty() && (value.front() == '>' || value.front() == '<')) {
                bool raise = value.front() == '>';
                value = std::string(util::trim(value.substr(1)));
                out.findings.push_back(Finding{
                    FindingKind::hand_value, key, e.file, e.line,
                    "tuned writes '" + key + "' = '" + value + "' only when that " + (raise ? "raises" : "lowers") +
                        " the current value; imported as a plain value: check it against the live one"});
            }
            sysctl.push_back(RawAssignment{key, value, e.comment, e.file, e.line, false, false});
        } else if (e.section == "modules") {
            if (!module_word(e.key, /*value=*/false)) {
                out.findings.push_back(Finding{FindingKind::not_imported, "", e.file, e.line,
                                               "module name '" + e.key + "' is not a plain name, ignoring"});
                continue;
            }
            auto expanded = expand(unquote(e.value), vars);
            if (!expanded) {
                out.findings.push_back(
                    Finding{FindingKind::hand_value, "", e.file, e.line,
                            "options of module '" + e.key + "' are computed by tuned at run time; write them by hand"});
                continue;
            }
            ImportedModule m{e.key, {}, e.file, e.line};
            bool ok = true;
            for (auto tok : util::split_ws(*expanded)) {
                if (tok == "+r") continue;  // tuned: reload the module to apply the options
                size_t eq = tok.find('=');
                std::string_view name = tok.substr(0, eq),
                                 value = eq == std::string_view::npos ? "" : tok.substr(eq + 1);
                if (eq == std::string_view::npos || !module_word(name, false) || !module_word(value, true)) {
                    out.findings.push_back(Finding{FindingKind::not_imported, "", e.file, e.line,
                                                   "option '" + std::string(tok) + "' of module '" + e.key +
                                                       "' is not NAME=VALUE with plain words, module not imported"});
                    ok = false;
                    break;
                }
                m.params.emplace_back(std::string(name), std::string(value));
            }
            if (ok) {
                // Later options of the same name win, as modprobe reads them.
                std::map<std::string, std::string> seen;
                std::vector<std::pair<std::string, std::string>> unique;
                for (auto it = m.params.rbegin(); it != m.params.rend(); ++it)
                    if (it->first != "load" && seen.emplace(it->first, it->second).second)
                        unique.insert(unique.begin(), *it);
                m.params = std::move(unique);
                std::erase_if(out.modules, [&](const ImportedModule& x) { return x.name == m.name; });
                out.modules.push_back(std::move(m));
            }
        }
    }
    return sysctl;
}

Imported import_tuned(const SourceFile& conf, const ReadFile& read)
{
    Imported out;
    assemble(tuned_assignments(conf, read, out), out);
    return out;
}

}  // namespace sysknob::import
