#include "model/key.hpp"

#include "util/strings.hpp"

namespace sysknob::model {

std::string key_from_segments(const std::vector<std::string>& segments)
{
    std::string out;
    for (size_t i = 0; i < segments.size(); ++i) {
        if (i) out += '.';
        for (char c : segments[i])
            out += (c == '.' ? '/' : c);
    }
    return out;
}

std::vector<std::string> key_segments(std::string_view key)
{
    std::vector<std::string> out;
    for (auto part : util::split(key, '.')) {
        std::string s(part);
        for (char& c : s)
            if (c == '/') c = '.';
        out.push_back(std::move(s));
    }
    return out;
}

void append_key_path(std::string& out, std::string_view key)
{
    size_t at = out.size();
    out += key;
    for (size_t i = at; i < out.size(); ++i) {
        if (out[i] == '.')
            out[i] = '/';
        else if (out[i] == '/')
            out[i] = '.';
    }
}

std::string key_to_path(std::string_view key)
{
    std::string out;
    append_key_path(out, key);
    return out;
}

std::optional<std::string> key_problem(std::string_view key)
{
    if (key.empty()) return "empty key";
    if (key.size() > 512) return "key longer than 512 characters";
    if (key.front() == '.' || key.back() == '.') return "key starts or ends with '.'";
    for (unsigned char c : key) {
        if (c == 0) return "key contains a NUL byte";
        if (c < 0x20 || c == 0x7f) return "key contains a control character";
        if (c == ' ' || c == '=' || c == '#' || c == ';') return "key contains whitespace, '=', '#' or ';'";
        if (c == '?' || c == '[' || c == ']' || c == '\\') return "key contains a glob or escape character";
        if (c >= 0x80) return "key contains a non-ASCII character";
    }
    for (auto seg : util::split(key, '.')) {
        if (seg.empty()) return "key has an empty segment ('..')";
        if (seg.front() == '/' || seg.back() == '/' || seg.find("//") != std::string_view::npos)
            return "key has an empty path component";
        if (seg == "/" || seg.find("..") != std::string_view::npos) return "key has a '..' path component";
        if (seg.find('*') != std::string_view::npos && seg != "*") return "'*' must be a whole segment";
        if (seg.front() == '-') return "key segment starts with '-'";
    }
    // A glob stands for entries such as interfaces (conf."*".rp_filter), never
    // for the parameter itself: net.ipv4."*" = 1 would write 1 to every key
    // of the directory, and to directories.
    if (key == "*" || key.ends_with(".*"))
        return "'*' cannot be the last segment: a glob names interfaces or entries, not the parameter";
    // A segment "eth0/.." written "eth0.." is caught above; a lone "/" segment
    // would become ".", caught by the empty-component rule.
    return std::nullopt;
}

bool key_has_glob(std::string_view key)
{
    return key.find('*') != std::string_view::npos;
}

bool key_matches(std::string_view pattern, std::string_view key)
{
    auto p = util::split(pattern, '.');
    auto k = util::split(key, '.');
    if (p.size() != k.size()) return false;
    for (size_t i = 0; i < p.size(); ++i)
        if (p[i] != "*" && p[i] != k[i]) return false;
    return true;
}

}  // namespace sysknob::model
