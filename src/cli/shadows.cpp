#include "cli/shadows.hpp"

namespace sysknob::cli {

std::string shadow_fix(const boot::Shadow& sh)
{
    // A fragment sorting after the other file is written after it: our own
    // write then differs from what the side effect left, so systemd writes it
    // and the kernel marks the entry written. Setting conf.default or a glob
    // in our own fragment does not help when the other file assigns the same
    // table key: the later file replaces it in systemd's table.
    return "fix: apply with a --priority that sorts after " + sh.by.file +
           " (our write then comes after it and holds), or change '" + sh.by.key + "' there";
}

nlohmann::json shadows_json(const std::vector<boot::Shadow>& shadows)
{
    nlohmann::json out = nlohmann::json::array();
    for (const auto& sh : shadows)
        out.push_back({{"key", sh.key},
                       {"file", sh.by.file},
                       {"line", sh.by.line},
                       {"value", sh.by.is_exclusion ? nlohmann::json(nullptr) : nlohmann::json(sh.by.value)},
                       {"mechanism", sh.mechanism.empty() ? nlohmann::json(nullptr) : nlohmann::json(sh.mechanism)}});
    return out;
}

}  // namespace sysknob::cli
