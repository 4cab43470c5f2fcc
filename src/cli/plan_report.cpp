#include "cli/plan_report.hpp"

#include <algorithm>

#include "kernel/catalogue.hpp"
#include "model/value.hpp"

namespace sysknob::cli {

// Loading a module and its parameters are shared by every network
// namespace: the plan says so, also when run in a child namespace.
void print_plan(const change::Prepared& p, std::ostream& out, bool would)
{
    for (const auto& l : p.change.load)
        out << "  " << (would ? "would load" : "load") << " module " << l.name
            << (l.options.empty() ? "" : " (" + l.options + ")")
            << " -- host-wide: every network namespace shares it\n";
    for (const auto& c : p.change.params)
        out << "  module parameter " << c.module << "." << c.param << ": " << c.from << " -> " << c.to
            << " (host-wide)\n";
    for (const auto& c : p.change.after_load) {
        std::string module;
        if (const auto* prm = kernel::find_param(c.key)) module = std::string(prm->module);
        out << "  " << c.key << ": (comes with " << module << ") -> " << c.to << "\n";
    }
    for (const auto& c : p.change.live)
        out << "  " << c.key << ": " << (c.from.empty() ? "\"\"" : model::normalize_live(c.from)) << " -> " << c.to
            << "\n";
    for (const auto& f : p.change.files)
        out << "  " << f.action << " " << f.path << "\n";
}

nlohmann::json plan_report(const change::Prepared& p, bool changed, int snapshot_id, const model::Diagnostics& diags)
{
    nlohmann::json changes = nlohmann::json::array();
    for (const auto& c : p.change.live)
        changes.push_back(
            {{"key", c.key}, {"from", model::normalize_live(c.from)}, {"to", model::normalize_live(c.to)}});
    for (const auto& c : p.change.after_load)
        if (std::none_of(p.change.live.begin(), p.change.live.end(), [&](const auto& l) { return l.key == c.key; }))
            changes.push_back({{"key", c.key}, {"from", nullptr}, {"to", model::normalize_live(c.to)}});
    nlohmann::json files = nlohmann::json::array();
    for (const auto& f : p.change.files)
        files.push_back({{"path", f.path}, {"action", f.action}});
    nlohmann::json modules = nlohmann::json::array();
    for (const auto& l : p.change.load)
        modules.push_back({{"name", l.name}, {"action", "load"}, {"options", l.options}, {"host_wide", true}});
    nlohmann::json params = nlohmann::json::array();
    for (const auto& c : p.change.params)
        params.push_back({{"module", c.module},
                          {"param", c.param},
                          {"from", c.from},
                          {"to", c.to},
                          {"kept", c.kept.empty() ? nlohmann::json(nullptr) : nlohmann::json(c.kept)}});
    nlohmann::json d = diagnostics_json(diags);
    nlohmann::json j = {{"changed", changed},     {"changes", changes}, {"files", files},
                        {"modules", modules},     {"module_params", params},
                        {"warnings", p.warnings}, {"diagnostics", d},   {"skipped", p.plan.skipped}};
    j["snapshot"] = snapshot_id ? nlohmann::json(std::to_string(snapshot_id)) : nlohmann::json(nullptr);
    return j;
}

}  // namespace sysknob::cli
