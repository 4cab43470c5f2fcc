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

Result<State> parse_state(const std::string& text, const std::string& origin)
{
    json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.is_object())
        return fail("damaged state file '" + origin + "': not valid JSON; move it away to start afresh", EINVAL);
    State s;
    try {
        s.profiles = j.at("profiles").get<std::vector<std::string>>();
        // get<int>() of a floating-point or huge number is undefined or
        // truncates (found by tests/fuzz/fuzz_snapshot); check it as a whole.
        const auto& priority = j.at("priority");
        if (!priority.is_number_integer() || priority.get<int64_t>() < 0 || priority.get<int64_t>() > 99)
            return fail("damaged state file '" + origin + "': bad priority", EINVAL);
        s.priority = static_cast<int>(priority.get<int64_t>());
        s.keys = j.at("keys").get<std::map<std::string, std::string>>();
        s.baseline = j.at("baseline").get<std::map<std::string, std::string>>();
        s.modules = j.at("modules").get<std::vector<std::string>>();
    } catch (const json::exception& e) {
        return fail("damaged state file '" + origin + "': " + e.what(), EINVAL);
    }
    if (s.priority < 0 || s.priority > 99) return fail("damaged state file '" + origin + "': bad priority", EINVAL);
    return s;
}

}  // namespace sysknob::snapshot
