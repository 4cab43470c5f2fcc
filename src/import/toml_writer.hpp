#pragma once
// Imported settings -> the text of a sysknob profile (sysknob.toml(5)).
// Pure. The text is what profile/toml_reader.cpp reads back to the same
// settings: keys as dotted segments, a segment quoted when it is not a TOML
// bare key (an interface name with a dot, "*"), values as integers, arrays
// of integers or strings.
#include <string>

#include "import/imported.hpp"

namespace sysknob::import {

// One profile key as written in [sysctl]: net.ipv4.conf."eth0.100".rp_filter.
std::string toml_key(const std::string& canonical_key);

// A TOML basic string, quoted and escaped.
std::string toml_string(std::string_view text);

// The whole profile: a header naming the sources and every finding that is
// not about a setting, [profile], then [sysctl] with each setting's
// file:line origin and its findings as comments right above it, then
// [modules.NAME] sections.
std::string write_profile(const Imported& imported, const std::string& name, const std::string& description);

}  // namespace sysknob::import
