#include <iostream>

#include "change/execute.hpp"
#include "change/status.hpp"
#include "cli/commands.hpp"
#include "cli/shadows.hpp"
#include "os/log.hpp"

namespace sysknob::cli {

CLI::App* register_status(CLI::App& app, StatusOptions&, bool /*full*/)
{
    return app.add_subcommand("status", "active profile, drift since apply, unfinished changes; exit 2 on drift");
}

int run_status(const StatusOptions&, Context& ctx)
{
    auto report = change::compute_status(ctx.env());
    if (!report) {
        const std::string& message = report.error().message;
        std::cerr << "sysknob: " << message << "\n";
        // The error document has the success document's fields, so a
        // caller that reads in_sync never mistakes a failure for drift.
        if (ctx.globals.json())
            Context::print_json({{"active", nullptr},
                                 {"in_sync", false},
                                 {"drift", nlohmann::json::array()},
                                 {"pending", nlohmann::json::array()},
                                 {"shadowed", nlohmann::json::array()},
                                 {"keys", 0},
                                 {"error", message}});
        return k_exit_error;
    }
    const change::StatusReport& r = *report;
    for (const auto& m : r.modules_not_listed)
        spdlog::warn("module '{}' is needed at boot but is not listed in any modules-load.d file", m);
    if (ctx.globals.json()) {
        nlohmann::json drift = nlohmann::json::array(), shadowed = shadows_json(r.shadowed),
                       pending = nlohmann::json::array();
        for (const auto& d : r.drift)
            drift.push_back({{"key", d.key},
                             {"expected", d.expected},
                             {"live", d.live ? nlohmann::json(*d.live) : nlohmann::json(nullptr)}});
        for (int id : r.pending)
            pending.push_back(std::to_string(id));
        Context::print_json({{"active", r.present ? nlohmann::json(r.active) : nlohmann::json(nullptr)},
                             {"in_sync", r.in_sync()},
                             {"drift", drift},
                             {"pending", pending},
                             {"shadowed", shadowed},
                             {"keys", r.state.keys.size()}});
    } else {
        std::cout << "active: " << (r.present ? r.active : "none") << "\n";
        if (r.present) {
            std::cout << "keys: " << r.state.keys.size() << ", drifted: " << r.drift.size() << "\n";
            for (const auto& d : r.drift)
                std::cout << "~ " << d.key << ": expected " << d.expected << ", live " << d.live.value_or("missing")
                          << "\n";
            for (const auto& sh : r.shadowed)
                std::cout << "! " << sh.key << ": overridden at boot by " << sh.by.file << ":" << sh.by.line
                          << (sh.mechanism.empty() ? std::string() : ": " + sh.mechanism + "\n    " + shadow_fix(sh))
                          << "\n";
        }
        if (auto msg = change::pending_message(r.snapshots); !msg.empty()) std::cout << "pending: " << msg << "\n";
    }
    return r.in_sync() ? k_exit_ok : k_exit_drift;
}

}  // namespace sysknob::cli
