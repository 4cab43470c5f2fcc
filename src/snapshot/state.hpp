#pragma once
// The state file (/var/lib/sysknob/state.json): what the last apply set and
// the value each key had before sysknob first changed it (the baseline a
// key returns to when a later profile stops setting it). Pure.
#include <map>
#include <string>
#include <vector>

#include "util/result.hpp"

namespace sysknob::snapshot {

struct State {
    std::vector<std::string> profiles;
    int priority = 90;
    std::map<std::string, std::string> keys;      // concrete key -> value applied
    std::map<std::string, std::string> baseline;  // concrete key -> value before sysknob
    std::vector<std::string> modules;             // modules listed for boot
    bool operator==(const State&) const = default;
};

std::string serialize_state(const State& s);
Result<State> parse_state(const std::string& text, const std::string& origin);

}  // namespace sysknob::snapshot
