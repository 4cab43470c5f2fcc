#pragma once
// The state file (/var/lib/sysknob/state.json): what the last apply set and
// the value each key had before sysknob first changed it (the baseline a
// key returns to when a later profile stops setting it). Pure.
#include <map>
#include <optional>
#include <string>
#include <string_view>
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

namespace detail {
// parse_state()'s two readers, for the differential tests and the fuzzer.
// The fast one accepts only the exact layout serialize_state() writes with
// plain strings (printable ASCII, no escapes) and says nullopt for anything
// else; the general one reads any JSON. Where the fast one gives a State,
// the general one gives the same.
std::optional<State> parse_state_canonical(std::string_view text);
Result<State> parse_state_json(const std::string& text, const std::string& origin);
}  // namespace detail

}  // namespace sysknob::snapshot
