#include <algorithm>
#include <iostream>

#include "cli/change.hpp"
#include "cli/commands.hpp"
#include "cli/prepare.hpp"
#include "os/log.hpp"
#include "os/snapshot_store.hpp"

namespace sysknob::cli {

CLI::App* register_status(CLI::App& app, StatusOptions&, bool /*full*/)
{
    return app.add_subcommand("status", "active profile, drift since apply, unfinished changes; exit 2 on drift");
}

int run_status(const StatusOptions&, Context& ctx)
{
    auto state = read_state(ctx);
    if (!state) {
        std::cerr << "sysknob: " << state.error().message << "\n";
        return k_exit_error;
    }
    os::SnapshotStore store(ctx.paths);
    auto all = store.list();
    if (!all) {
        std::cerr << "sysknob: " << all.error().message << "\n";
        return k_exit_error;
    }
    const auto& [st, present] = *state;
    nlohmann::json drift = nlohmann::json::array();
    std::string text;
    for (const auto& [key, expected] : st.keys) {
        auto live = ctx.tree.read(key, ports::Intent::read);
        std::string now = live ? model::normalize_live(live->text) : std::string();
        if (live && now == model::normalize_live(expected)) continue;
        drift.push_back(
            {{"key", key}, {"expected", expected}, {"live", live ? nlohmann::json(now) : nlohmann::json(nullptr)}});
        text += "~ " + key + ": expected " + expected + ", live " + (live ? now : std::string("missing")) + "\n";
    }
    // What boot would give: later sysctl.d files that override our keys.
    nlohmann::json shadowed = nlohmann::json::array();
    if (present) {
        for (const auto& sh : shadows_of(ctx, st.keys, st.priority)) {
            shadowed.push_back(
                {{"key", sh.key},
                 {"file", sh.by.file},
                 {"line", sh.by.line},
                 {"value", sh.by.is_exclusion ? nlohmann::json(nullptr) : nlohmann::json(sh.by.value)},
                 {"mechanism", sh.mechanism.empty() ? nlohmann::json(nullptr) : nlohmann::json(sh.mechanism)}});
            text += "! " + sh.key + ": overridden at boot by " + sh.by.file + ":" + std::to_string(sh.by.line) +
                    (sh.mechanism.empty() ? std::string() : ": " + sh.mechanism + "\n    " + shadow_fix(sh)) + "\n";
        }
        auto listed = modules_listed_for_boot(ctx);
        for (const auto& m : st.modules)
            if (std::find(listed.begin(), listed.end(), m) == listed.end())
                spdlog::warn("module '{}' is needed at boot but is not listed in any modules-load.d file", m);
    }
    nlohmann::json pending = nlohmann::json::array();
    for (const auto& s : *all)
        if (s.status == "pending") pending.push_back(std::to_string(s.id));
    std::string active;
    for (size_t i = 0; i < st.profiles.size(); ++i)
        active += (i ? "+" : "") + st.profiles[i];
    bool in_sync = drift.empty() && pending.empty() && shadowed.empty();
    if (ctx.globals.json()) {
        Context::print_json({{"active", present ? nlohmann::json(active) : nlohmann::json(nullptr)},
                             {"in_sync", in_sync},
                             {"drift", drift},
                             {"pending", pending},
                             {"shadowed", shadowed},
                             {"keys", st.keys.size()}});
    } else {
        std::cout << "active: " << (present ? active : "none") << "\n";
        if (present) std::cout << "keys: " << st.keys.size() << ", drifted: " << drift.size() << "\n" << text;
        if (auto msg = pending_message(*all); !msg.empty()) std::cout << "pending: " << msg << "\n";
    }
    return in_sync ? k_exit_ok : k_exit_drift;
}

}  // namespace sysknob::cli
