#pragma once
// Keys: sysctl names. The canonical form is the sysctl.d dotted form in
// which a dot inside one segment (an interface such as eth0.100) is written
// '/': "net.ipv4.conf.eth0/100.forwarding". Swapping '.' and '/' gives the
// path below /proc/sys. Pure; no I/O.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sysknob::model {

// Joins profile segments into a canonical key ("eth0.100" -> "eth0/100").
std::string key_from_segments(const std::vector<std::string>& segments);

// Splits a canonical key into its segments ("eth0/100" -> "eth0.100").
std::vector<std::string> key_segments(std::string_view key);

// The relative path below /proc/sys: '.' and '/' swapped.
std::string key_to_path(std::string_view key);
// The same, appended to `out` (a reused buffer: no allocation per key).
void append_key_path(std::string& out, std::string_view key);

// Why a key is not a plain sysctl name ("", "a..b", "/x", NUL, control
// characters, whitespace, leading dot...), or nullopt when it is one.
// Glob characters are accepted only as a whole "*" segment.
std::optional<std::string> key_problem(std::string_view key);

bool key_has_glob(std::string_view key);

// fnmatch-like match of a canonical key against a pattern whose "*"
// segments match exactly one segment.
bool key_matches(std::string_view pattern, std::string_view key);

}  // namespace sysknob::model
