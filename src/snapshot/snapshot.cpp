#include "snapshot/snapshot.hpp"

#include <algorithm>
#include <cstdint>
#include <limits>

#include <nlohmann/json.hpp>

namespace sysknob::snapshot {

using nlohmann::json;

namespace {

// get<int>() converts a floating-point number with undefined behaviour
// (1e300 does not fit) and truncates a large integer; in a damaged or
// planted file either must be an error (found by tests/fuzz/fuzz_snapshot).
template <typename T> T whole(const json& v)
{
    if (!v.is_number_integer()) throw json::type_error::create(302, "type must be an integer", &v);
    constexpr auto lo = static_cast<int64_t>(std::numeric_limits<T>::min());
    constexpr auto hi = static_cast<int64_t>(std::numeric_limits<T>::max());
    bool fits = v.is_number_unsigned() ? v.get<uint64_t>() <= static_cast<uint64_t>(hi)
                                       : (v.get<int64_t>() >= lo && v.get<int64_t>() <= hi);
    if (!fits) throw json::out_of_range::create(406, "integer out of range", &v);
    return static_cast<T>(v.is_number_unsigned() ? static_cast<int64_t>(v.get<uint64_t>()) : v.get<int64_t>());
}

}  // namespace

const char* kind_name(Kind k)
{
    return k == Kind::apply ? "apply" : "rollback";
}

const char* status_name(Status s)
{
    switch (s) {
    case Status::pending: return "pending";
    case Status::committed: return "committed";
    case Status::failed: return "failed";
    }
    return "?";
}

std::string restatus(std::string pending_text, Status status)
{
    static constexpr std::string_view k_pending = "\"status\": \"pending\"";
    auto at = pending_text.find(k_pending);
    if (at == std::string::npos || pending_text.find(k_pending, at + 1) != std::string::npos) return {};
    std::string replacement = "\"status\": \"" + std::string(status_name(status)) + "\"";
    pending_text.replace(at, k_pending.size(), replacement);
    return pending_text;
}

std::string serialize(const Snapshot& s)
{
    json j;
    j["format"] = 1;
    j["id"] = s.id;
    j["kind"] = kind_name(s.kind);
    j["status"] = status_name(s.status);
    j["reason"] = s.reason;
    j["created"] = s.created;
    j["user"] = s.user;
    j["host"] = s.host;
    j["kernel"] = s.kernel;
    j["profiles"] = s.profiles;
    j["profile_content"] = json::array();
    for (const auto& [path, text] : s.profile_content)
        j["profile_content"].push_back({{"path", path}, {"text", text}});
    j["keys"] = json::array();
    for (const auto& k : s.keys)
        j["keys"].push_back({{"key", k.key}, {"value", k.value}});
    j["files"] = json::array();
    for (const auto& f : s.files)
        j["files"].push_back({{"path", f.path}, {"existed", f.existed}, {"content", f.content}, {"mode", f.mode}});
    j["modules"] = json::array();
    for (const auto& m : s.modules)
        j["modules"].push_back({{"name", m.name}, {"action", m.action}});
    j["module_params"] = json::array();
    for (const auto& p : s.params)
        j["module_params"].push_back(
            {{"module", p.module}, {"param", p.param}, {"before", p.before}, {"after", p.after}});
    if (!s.entries.empty()) j["entries"] = entries_json(s.entries);
    j["undone"] = s.undone;
    j["undoes"] = s.undoes;
    return j.dump(1) + "\n";
}

Result<Snapshot> parse(const std::string& text, const std::string& origin)
{
    auto bad = [&](const std::string& what) {
        return fail("damaged snapshot '" + origin + "': " + what + "; nothing was restored", EINVAL);
    };
    json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) return bad("not valid JSON (truncated?)");
    if (!j.is_object()) return bad("not a JSON object");
    Snapshot s;
    std::string kind, status;
    try {
        if (whole<int>(j.at("format")) != 1) return bad("unknown format");
        s.id = whole<int>(j.at("id"));
        kind = j.at("kind").get<std::string>();
        status = j.at("status").get<std::string>();
        s.reason = j.at("reason").get<std::string>();
        s.created = j.at("created").get<std::string>();
        s.user = j.at("user").get<std::string>();
        s.host = j.at("host").get<std::string>();
        s.kernel = j.at("kernel").get<std::string>();
        s.profiles = j.at("profiles").get<std::vector<std::string>>();
        for (const auto& p : j.at("profile_content"))
            s.profile_content.emplace_back(p.at("path").get<std::string>(), p.at("text").get<std::string>());
        for (const auto& k : j.at("keys"))
            s.keys.push_back(KeyState{k.at("key").get<std::string>(), k.at("value").get<std::string>()});
        for (const auto& f : j.at("files"))
            s.files.push_back(FileRecord{f.at("path").get<std::string>(), f.at("existed").get<bool>(),
                                         f.at("content").get<std::string>(), whole<unsigned>(f.at("mode"))});
        // Added with module loading; a snapshot written before has neither.
        if (j.contains("modules"))
            for (const auto& m : j.at("modules"))
                s.modules.push_back(ModuleRecord{m.at("name").get<std::string>(), m.at("action").get<std::string>()});
        if (j.contains("module_params"))
            for (const auto& p : j.at("module_params"))
                s.params.push_back(ParamRecord{p.at("module").get<std::string>(), p.at("param").get<std::string>(),
                                               p.at("before").get<std::string>(), p.at("after").get<std::string>()});
        if (j.contains("entries")) {
            auto entries = entries_from_json(j.at("entries"));
            if (!entries) return bad(entries.error().message);
            s.entries = std::move(*entries);
        }
        s.undone = j.at("undone").get<bool>();
        s.undoes = whole<int>(j.at("undoes"));
    } catch (const json::exception& e) {
        return bad(std::string("missing or wrong field (") + e.what() + ")");
    }
    if (s.id <= 0) return bad("bad id");
    if (kind == "apply")
        s.kind = Kind::apply;
    else if (kind == "rollback")
        s.kind = Kind::rollback;
    else
        return bad("bad kind '" + kind + "'");
    if (status == "pending")
        s.status = Status::pending;
    else if (status == "committed")
        s.status = Status::committed;
    else if (status == "failed")
        s.status = Status::failed;
    else
        return bad("bad status '" + status + "'");
    for (const auto& k : s.keys)
        if (k.key.empty() || k.key.find("..") != std::string::npos || k.key.front() == '.' ||
            k.value.find('\n') != std::string::npos)
            return bad("bad key entry '" + k.key + "'");
    auto plain = [](const std::string& w) {
        return !w.empty() && w.size() <= 64 && std::all_of(w.begin(), w.end(), [](char c) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
        });
    };
    for (const auto& m : s.modules)
        if (!plain(m.name) || (m.action != "load" && m.action != "unload"))
            return bad("bad module entry '" + m.name + "'");
    for (const auto& p : s.params)
        if (!plain(p.module) || !plain(p.param) || p.before.find('\n') != std::string::npos)
            return bad("bad module parameter entry '" + p.module + "." + p.param + "'");
    for (const auto& f : s.files)
        if (f.path.empty() || f.path.front() != '/' || f.path.find("/../") != std::string::npos || f.mode > 07777)
            return bad("bad file entry '" + f.path + "'");
    return s;
}

}  // namespace sysknob::snapshot
