#include <iostream>

#include "change/execute.hpp"
#include "change/snapshot_store.hpp"
#include "cli/commands.hpp"
#include "model/profile.hpp"

namespace sysknob::cli {

CLI::App* register_snapshots(CLI::App& app, SnapshotsOptions&, bool /*full*/)
{
    return app.add_subcommand("snapshots", "list the snapshots, oldest first");
}

int run_snapshots(const SnapshotsOptions&, Context& ctx)
{
    change::SnapshotStore store(ctx.env().files);
    auto all = store.list();
    if (!all) {
        std::cerr << "sysknob: " << all.error().message << "\n";
        if (ctx.globals.json())
            Context::print_json({{"snapshots", nlohmann::json::array()}, {"error", all.error().message}});
        return k_exit_error;
    }
    if (ctx.globals.json()) {
        nlohmann::json arr = nlohmann::json::array();
        for (const auto& s : *all) {
            std::string profile = model::join_names(s.profiles);
            arr.push_back({{"id", std::to_string(s.id)},
                           {"created", s.created},
                           {"profile", profile},
                           {"status", snapshot::status_name(s.status)},
                           {"keys", s.keys.size()},
                           {"undone", s.undone},
                           {"kind", snapshot::kind_name(s.kind)},
                           {"reason", s.reason}});
        }
        Context::print_json({{"snapshots", arr}});
        return k_exit_ok;
    }
    if (all->empty()) {
        if (!ctx.globals.quiet) std::cout << "no snapshots\n";
        return k_exit_ok;
    }
    std::cout << "ID    CREATED               KIND      STATUS     KEYS  UNDONE  PROFILE\n";
    for (const auto& s : *all) {
        std::string profile = model::join_names(s.profiles);
        char line[256];
        std::snprintf(line, sizeof line, "%-5d %-21s %-9s %-10s %4zu  %-6s  ", s.id, s.created.c_str(), snapshot::kind_name(s.kind),
                      snapshot::status_name(s.status), s.keys.size(), s.undone ? "yes" : "no");
        std::cout << line << profile << "\n";
    }
    if (auto pending = change::pending_message(*all); !pending.empty()) std::cerr << "sysknob: " << pending << "\n";
    return k_exit_ok;
}

}  // namespace sysknob::cli
