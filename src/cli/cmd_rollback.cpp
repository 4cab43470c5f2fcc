#include <iostream>
#include <unistd.h>

#include "change/rollback.hpp"
#include "cli/commands.hpp"
#include "model/value.hpp"
#include "os/log.hpp"

namespace sysknob::cli {

CLI::App* register_rollback(CLI::App& app, RollbackOptions& o, bool full)
{
    auto* c = app.add_subcommand("rollback", "return live values and files to the state a snapshot recorded");
    if (!full) return c;  // named only, for --help and errors (run.cpp)
    c->add_option("ID", o.id, "snapshot id (default: the newest apply not yet undone)")
        ->check(CLI::Validator(
            [](std::string& id) {
                bool digits = !id.empty() && id.size() <= 9 && id.find_first_not_of("0123456789") == std::string::npos;
                return digits && id.find_first_not_of('0') != std::string::npos
                           ? std::string()
                           : "'" + id + "' is not a snapshot id (a number that `sysknob snapshots` lists)";
            },
            "ID", "snapshot id"))
        ->type_name("ID");
    c->add_flag("--discard", o.discard, "mark the unfinished snapshot ID as failed and keep the current state");
    c->add_option("--keep", o.keep, "snapshots to keep (newest committed ones)")
        ->check(CLI::Range(1, 100000))
        ->type_name("N");
    return c;
}

namespace {

int refuse(Context& ctx, const std::string& message)
{
    std::cerr << "sysknob: " << message << "\n";
    if (ctx.globals.json()) Context::print_json({{"changed", false}, {"error", message}});
    return k_exit_error;
}

}  // namespace

int run_rollback(const RollbackOptions& o, Context& ctx)
{
    if (::geteuid() != 0) return refuse(ctx, "rollback changes kernel parameters and needs root; run it with sudo");
    auto done = change::rollback(ctx.env(), change::RollbackRequest{o.id, o.discard, o.keep});
    if (!done) return refuse(ctx, done.error().message);
    const auto& out = *done;
    const int id = out.restored;
    if (out.discarded) {
        if (ctx.globals.json())
            Context::print_json({{"changed", false}, {"discarded", std::to_string(id)}});
        else if (!ctx.globals.quiet)
            std::cout << "discarded snapshot " << id << "\n";
        return k_exit_ok;
    }
    for (const auto& n : out.notes)
        spdlog::warn("{}", n);
    const auto& change = out.change;
    const auto& snap = out.snap;
    if (ctx.globals.json()) {
        nlohmann::json changes = nlohmann::json::array();
        for (const auto& c : change.live)
            changes.push_back(
                {{"key", c.key}, {"from", model::normalize_live(c.from)}, {"to", model::normalize_live(c.to)}});
        nlohmann::json files = nlohmann::json::array();
        for (const auto& f : change.files)
            files.push_back({{"path", f.path}, {"action", f.action}});
        for (const auto& e : change.entries)
            files.push_back(
                {{"path", e.path}, {"action", e.to.kind == snapshot::EntryKind::absent ? "remove" : "restore"}});
        nlohmann::json modules = nlohmann::json::array();
        for (const auto& m : snap.modules)
            modules.push_back({{"name", m.name}, {"action", m.action}, {"host_wide", true}});
        nlohmann::json params = nlohmann::json::array();
        for (const auto& c : change.params)
            params.push_back({{"module", c.module}, {"param", c.param}, {"from", c.from}, {"to", c.kept}});
        Context::print_json({{"changed", !change.empty()},
                             {"modules", modules},
                             {"module_params", params},
                             {"restored", std::to_string(id)},
                             {"snapshot", std::to_string(snap.id)},
                             {"changes", changes},
                             {"files", files}});
    } else if (!ctx.globals.quiet) {
        for (const auto& c : change.params)
            std::cout << "  module parameter " << c.module << "." << c.param << ": " << c.from << " -> " << c.kept
                      << " (host-wide)\n";
        for (const auto& c : change.live)
            std::cout << "  " << c.key << ": " << model::normalize_live(c.from) << " -> " << model::normalize_live(c.to)
                      << "\n";
        for (const auto& f : change.files)
            std::cout << "  " << f.action << " " << f.path << "\n";
        for (const auto& e : change.entries)
            std::cout << "  " << (e.to.kind == snapshot::EntryKind::absent ? "remove " : "restore ") << e.path << "\n";
        for (const auto& m : snap.modules)
            std::cout << "  " << (m.action == "unload" ? "unloaded" : "loaded") << " module " << m.name
                      << " (host-wide)\n";
        std::cout << "rolled back snapshot " << id << ": " << change.live.size() << " keys, "
                  << change.files.size() + change.entries.size() << " files restored (snapshot " << snap.id
                  << " records the replaced state; `sysknob rollback " << snap.id << "` redoes it)\n";
    }
    return k_exit_ok;
}

}  // namespace sysknob::cli
