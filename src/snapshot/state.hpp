#pragma once
// The state file (/var/lib/sysknob/state.json): what the last apply set and
// the value each key had before sysknob first changed it (the baseline a
// key returns to when a later profile stops setting it). Pure.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.hpp"
#include "util/string_map.hpp"

namespace sysknob::snapshot {

struct State {
    std::vector<std::string> profiles;
    int priority = 90;
    util::StringMap keys;              // concrete key -> value applied
    util::StringMap baseline;          // concrete key -> value before sysknob
    std::vector<std::string> modules;  // modules listed for boot
    // The profile's glob patterns (one "*" segment each). They do not change
    // what the state means: the file records the keys of each pattern as the
    // pattern with the segments "*" stood for, instead of every key.
    std::vector<std::string> globs;
    bool operator==(const State&) const = default;
};

// Format 2 (written): "keys" and "baseline" hold the keys no glob covers;
// "globs" and "baseline_globs" hold, per pattern and value, the segments the
// "*" expanded to: {"pattern": "net.ipv4.conf.*.rp_filter", "value": "1",
// "matches": ["all", "default", "eth0", "lo"]}. Format 1 (before globs were
// grouped) is read as well: every key in "keys" and "baseline".
std::string serialize_state(const State& s);
Result<State> parse_state(const std::string& text, const std::string& origin);

namespace detail {
// parse_state()'s two readers, for the differential tests and the fuzzer.
// The fast one accepts only the exact layout serialize_state() writes with
// plain strings (printable ASCII or the escapes nlohmann writes) and keys in
// order, and says nullopt for anything else; the general one reads any
// JSON, either format. Where the fast one gives a State, the general one
// gives the same.
std::optional<State> parse_state_canonical(std::string_view text);
Result<State> parse_state_json(const std::string& text, const std::string& origin);
}  // namespace detail

}  // namespace sysknob::snapshot
