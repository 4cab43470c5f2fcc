#pragma once
// TOML text -> Profile. The only file that includes toml++. Pure: takes the
// text and the path to name in diagnostics. Every problem of shape, type or
// safety becomes a diagnostic (SK0001-SK0010); nothing throws.
#include <string>
#include <string_view>

#include "model/diagnostic.hpp"
#include "model/profile.hpp"

namespace sysknob::profile {

struct ReadResult {
    model::Profile profile;
    model::Diagnostics diagnostics;
};

// `fallback_name` names the profile when [profile] name is absent (the file stem).
ReadResult read_profile_text(std::string_view text, const std::string& path, const std::string& fallback_name);

}  // namespace sysknob::profile
