#include "import/toml_writer.hpp"

#include <map>
#include <set>

#include "import/assemble.hpp"
#include "model/key.hpp"

namespace sysknob::import {

namespace {

bool bare_segment(std::string_view s)
{
    if (s.empty()) return false;
    for (char c : s) {
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
        if (!ok) return false;
    }
    return true;
}

std::string toml_value(const model::Value& v)
{
    switch (v.kind) {
    case model::ValueKind::integer: return std::to_string(v.numbers.at(0));
    case model::ValueKind::vector: {
        std::string out = "[";
        for (size_t i = 0; i < v.numbers.size(); ++i)
            out += (i ? ", " : "") + std::to_string(v.numbers[i]);
        return out + "]";
    }
    case model::ValueKind::string: return toml_string(v.text);
    }
    return toml_string(v.render());
}

// A TOML comment line: one line of printable text.
std::string comment_line(std::string_view text)
{
    return "# " + printable_text(text) + "\n";
}

std::string origin(const std::string& file, int line)
{
    return file + ":" + std::to_string(line);
}

std::string module_value(const std::string& v)
{
    bool digits = !v.empty() && v.size() < 18 && (v.size() == 1 || v.front() != '0');
    for (char c : v)
        digits = digits && c >= '0' && c <= '9';
    return digits ? v : toml_string(v);
}

}  // namespace

std::string toml_key(const std::string& canonical_key)
{
    std::string out;
    for (const auto& seg : model::key_segments(canonical_key)) {
        if (!out.empty()) out += '.';
        out += bare_segment(seg) ? seg : toml_string(seg);
    }
    return out;
}

std::string toml_string(std::string_view text)
{
    std::string out = "\"";
    for (char c : text) {
        auto u = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (c == '\t') {
            out += "\\t";
        } else if (u < 0x20 || u == 0x7f) {
            static const char* k_hex = "0123456789ABCDEF";
            out += "\\u00";
            out += k_hex[u >> 4];
            out += k_hex[u & 0xf];
        } else {
            out += c;
        }
    }
    return out + "\"";
}

std::string write_profile(const Imported& imported, const std::string& name, const std::string& description)
{
    std::set<std::string> imported_keys;
    for (const auto& s : imported.settings)
        imported_keys.insert(s.key);
    std::map<std::string, std::vector<const Finding*>> by_key;
    std::vector<const Finding*> general;
    for (const auto& f : imported.findings) {
        if (!f.key.empty() && imported_keys.count(f.key) != 0)
            by_key[f.key].push_back(&f);
        else
            general.push_back(&f);
    }

    std::string out = "# Imported by `sysknob import` from:\n";
    for (const auto& f : imported.files) {
        auto stamp = imported.fingerprints.find(f);
        out += comment_line("  " + f + (stamp == imported.fingerprints.end() ? "" : " (" + stamp->second + ")"));
    }
    out += "# Each key names the file and line it came from. Lines starting with\n"
           "# \"decide:\" are for the operator: resolve them, delete the note, and\n"
           "# check the result with `sysknob lint` and `sysknob diff` before applying.\n";
    if (!general.empty()) {
        out += "#\n# Not imported, or to be decided by hand:\n";
        for (const auto* f : general)
            out += comment_line("decide: " + origin(f->file, f->line) + ": " + f->message);
    }
    out += "\n[profile]\nname = " + toml_string(name) + "\n";
    out += "description = " + toml_string(printable_text(description)) + "\n";

    if (!imported.settings.empty()) out += "\n[sysctl]\n";
    std::string last_file;
    for (const auto& s : imported.settings) {
        if (s.file != last_file && !last_file.empty()) out += '\n';
        last_file = s.file;
        out += comment_line(origin(s.file, s.line));
        if (auto it = by_key.find(s.key); it != by_key.end())
            for (const auto* f : it->second)
                out += comment_line("decide: " + std::string(finding_kind_name(f->kind)) + ": " + f->message);
        out += toml_key(s.key) + " = ";
        if (s.comment.empty() && !s.optional) {
            out += toml_value(s.value) + "\n";
            continue;
        }
        out += "{ value = " + toml_value(s.value);
        if (!s.comment.empty()) out += ", comment = " + toml_string(printable_text(s.comment));
        if (s.optional) out += ", optional = true";
        out += " }\n";
    }
    for (const auto& m : imported.modules) {
        out += "\n" + comment_line(origin(m.file, m.line));
        out += "[modules." + m.name + "]\nload = true\n";
        for (const auto& [param, value] : m.params)
            out += param + " = " + module_value(value) + "\n";
    }
    return out;
}

}  // namespace sysknob::import
