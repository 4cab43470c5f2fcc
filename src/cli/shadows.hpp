#pragma once
// How diff, apply and status show a shadowed key (boot::Shadow): one JSON
// form and one piece of advice.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "boot/boot_model.hpp"

namespace sysknob::cli {

// What to do about a shadow that a kernel side effect causes, in words.
std::string shadow_fix(const boot::Shadow& shadow);

// The one JSON form of shadowed keys, for diff, apply and status:
// [{"key", "file", "line", "value" (null for an exclusion), "mechanism" (null for a plain later line)}].
nlohmann::json shadows_json(const std::vector<boot::Shadow>& shadows);

}  // namespace sysknob::cli
