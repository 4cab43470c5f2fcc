#include "snapshot/entry.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

namespace sysknob::snapshot {

using nlohmann::json;

const char* entry_kind_name(EntryKind k)
{
    switch (k) {
    case EntryKind::absent: return "absent";
    case EntryKind::file: return "file";
    case EntryKind::symlink: return "symlink";
    }
    return "absent";
}

namespace {

bool plain_component(std::string_view s)
{
    return !s.empty() && s != "." && s != ".." && s.find('/') == std::string_view::npos &&
           std::none_of(s.begin(), s.end(), [](char c) { return c == '\0' || c == '\n'; });
}

bool one_below(const std::string& path, std::string_view dir, std::string_view suffix)
{
    if (!path.starts_with(dir) || path.size() <= dir.size() + 1 || path[dir.size()] != '/') return false;
    std::string_view name = std::string_view(path).substr(dir.size() + 1);
    return plain_component(name) && name.ends_with(suffix) && name.size() > suffix.size() && name.front() != '.';
}

}  // namespace

bool is_entry_path(const std::string& path)
{
    if (path == "/etc/sysctl.conf") return true;
    if (one_below(path, "/etc/sysctl.d", ".conf") || one_below(path, "/etc/sysknob/profiles", ".toml")) return true;
    if (!path.starts_with(k_takeover_dir) || path.size() <= k_takeover_dir.size() + 1 ||
        path[k_takeover_dir.size()] != '/')
        return false;
    std::string_view rest = std::string_view(path).substr(k_takeover_dir.size() + 1);
    size_t components = 0;
    while (!rest.empty()) {
        auto slash = rest.find('/');
        if (!plain_component(rest.substr(0, slash))) return false;
        ++components;
        rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
    }
    return components >= 2;  // a dated directory and at least one path below it
}

json entries_json(const std::vector<EntryRecord>& records)
{
    json list = json::array();
    for (const auto& r : records) {
        json e = {{"path", r.path}, {"kind", entry_kind_name(r.before.kind)}};
        if (r.before.kind != EntryKind::absent) {
            e["content"] = r.before.content;
            e["uid"] = r.before.uid;
            e["gid"] = r.before.gid;
        }
        if (r.before.kind == EntryKind::file) e["mode"] = r.before.mode;
        list.push_back(std::move(e));
    }
    return {{"format", 1}, {"records", std::move(list)}};
}

Result<std::vector<EntryRecord>> entries_from_json(const json& section)
{
    auto bad = [](const std::string& what) { return fail("bad take-over entries: " + what, EINVAL); };
    auto number = [](const json& v, unsigned max) -> std::optional<unsigned> {
        if (!v.is_number_unsigned() || v.get<uint64_t>() > max) return std::nullopt;
        return static_cast<unsigned>(v.get<uint64_t>());
    };
    if (!section.is_object() || !section.contains("format") || !section.at("format").is_number_integer())
        return bad("no format");
    if (section.at("format").get<int64_t>() != 1) return bad("unknown format (written by a newer sysknob?)");
    if (!section.contains("records") || !section.at("records").is_array()) return bad("no records");
    std::vector<EntryRecord> out;
    for (const auto& e : section.at("records")) {
        if (!e.is_object() || !e.contains("path") || !e.at("path").is_string() || !e.contains("kind") ||
            !e.at("kind").is_string())
            return bad("a record without path or kind");
        EntryRecord r;
        r.path = e.at("path").get<std::string>();
        if (!is_entry_path(r.path)) return bad("'" + r.path + "' is not a path a take-over changes");
        std::string kind = e.at("kind").get<std::string>();
        if (kind == "absent") {
            r.before.kind = EntryKind::absent;
        } else if (kind == "file" || kind == "symlink") {
            r.before.kind = kind == "file" ? EntryKind::file : EntryKind::symlink;
            if (!e.contains("content") || !e.at("content").is_string() || !e.contains("uid") || !e.contains("gid"))
                return bad("'" + r.path + "' without content or owner");
            r.before.content = e.at("content").get<std::string>();
            auto uid = number(e.at("uid"), 0xfffffffeu), gid = number(e.at("gid"), 0xfffffffeu);
            if (!uid || !gid) return bad("'" + r.path + "' has a bad owner");
            r.before.uid = *uid;
            r.before.gid = *gid;
            if (r.before.kind == EntryKind::file) {
                auto mode = e.contains("mode") ? number(e.at("mode"), 07777) : std::nullopt;
                if (!mode) return bad("'" + r.path + "' has a bad mode");
                r.before.mode = *mode;
            } else if (r.before.content.empty() || r.before.content.find('\0') != std::string::npos) {
                return bad("'" + r.path + "' has a bad link target");
            }
        } else {
            return bad("'" + r.path + "' has unknown kind '" + kind + "'");
        }
        out.push_back(std::move(r));
    }
    return out;
}

}  // namespace sysknob::snapshot
