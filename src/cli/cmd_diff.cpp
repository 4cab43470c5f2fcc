#include <iostream>

#include "change/prepare.hpp"
#include "cli/commands.hpp"
#include "cli/shadows.hpp"
#include "os/log.hpp"
#include "util/unleak.hpp"

namespace sysknob::cli {

CLI::App* register_diff(CLI::App& app, DiffOptions& o, bool full)
{
    auto* c = app.add_subcommand("diff", "show desired against live values; exit 2 on drift");
    if (!full) return c;  // named only, for --help and errors (run.cpp)
    c->add_option("PROFILE", o.profiles, "profile names or paths; later ones win")->required();
    return c;
}

int run_diff(const DiffOptions& o, Context& ctx)
{
    auto prepared = change::prepare(ctx.env(), ctx.load_and_lint(o.profiles, /*strict=*/false), {});
    if (!prepared) {
        const std::string& message = prepared.error().message;
        std::cerr << "sysknob: " << message << "\n";
        if (ctx.globals.json())
            Context::print_json({{"in_sync", false},
                                 {"changes", nlohmann::json::array()},
                                 {"shadowed", nlohmann::json::array()},
                                 {"diagnostics", nlohmann::json::array()},
                                 {"error", message}});
        return k_exit_error;
    }
    // Kept until exit: freeing a large plan node by node costs more than it (util/unleak.hpp).
    auto& p = util::make_until_exit<change::Prepared>(std::move(*prepared));
    ctx.print_diagnostics(p.loaded.diagnostics);
    if (!p.loaded.ok) {
        if (ctx.globals.json()) {
            nlohmann::json d = diagnostics_json(p.loaded.diagnostics);
            Context::print_json({{"in_sync", false},
                                 {"changes", nlohmann::json::array()},
                                 {"shadowed", nlohmann::json::array()},
                                 {"diagnostics", d}});
        }
        return k_exit_error;
    }
    // diff never loads a module: it says what apply would load, and the
    // keys that module brings were checked against the catalogue by lint.
    for (const auto& e : p.module_errors)
        std::cerr << "sysknob: " << e << "\n";
    bool in_sync = p.plan.in_sync() && p.shadows.empty() && p.change.load.empty() && p.change.params.empty() &&
                   p.module_errors.empty();
    for (const auto& m : p.unlisted_modules)
        spdlog::warn("module '{}' is needed at boot for this profile's keys but is not listed in any modules-load.d "
                     "file; `sysknob apply` writes /etc/modules-load.d/sysknob.conf",
                     m);
    nlohmann::json shadowed = shadows_json(p.shadows);
    if (ctx.globals.json()) {
        nlohmann::json changes = nlohmann::json::array();
        for (const auto& i : p.plan.items)
            changes.push_back(
                {{"key", i.key},
                 {"desired", i.desired},
                 {"live", i.status == plan::Status::missing || !i.after_load.empty() ? nlohmann::json(nullptr)
                                                                                     : nlohmann::json(i.live)},
                 {"status", plan::status_name(i.status)}});
        nlohmann::json modules = nlohmann::json::array();
        for (const auto& l : p.change.load)
            modules.push_back({{"name", l.name}, {"action", "load"}, {"options", l.options}, {"host_wide", true}});
        nlohmann::json params = nlohmann::json::array();
        for (const auto& c : p.change.params)
            params.push_back({{"module", c.module}, {"param", c.param}, {"live", c.from}, {"desired", c.to}});
        Context::print_json({{"in_sync", in_sync},
                             {"changes", changes},
                             {"modules", modules},
                             {"module_params", params},
                             {"module_errors", p.module_errors},
                             {"shadowed", shadowed},
                             {"skipped", p.plan.skipped},
                             {"warnings", p.warnings}});
        return !p.module_errors.empty() ? k_exit_error : in_sync ? k_exit_ok : k_exit_drift;
    }
    for (const auto& l : p.change.load)
        std::cout << "+ would load module " << l.name << (l.options.empty() ? "" : " (" + l.options + ")")
                  << " -- host-wide: every network namespace shares it\n";
    for (const auto& c : p.change.params)
        std::cout << "~ module parameter " << c.module << "." << c.param << ": " << c.from << " -> " << c.to
                  << " (host-wide)\n";
    size_t same = 0;
    for (const auto& i : p.plan.items) {
        switch (i.status) {
        case plan::Status::same:
            ++same;
            if (ctx.globals.verbose) std::cout << "  " << i.key << " = " << i.live << "\n";
            break;
        case plan::Status::change:
            if (!i.after_load.empty())
                std::cout << "~ " << i.key << ": (comes with " << i.after_load << ") -> " << i.desired << "\n";
            else
                std::cout << "~ " << i.key << ": " << i.live << " -> " << i.desired << (i.restore ? "  (restore)" : "")
                          << "\n";
            break;
        case plan::Status::missing: std::cout << "! " << i.key << ": missing -> " << i.desired << "\n"; break;
        case plan::Status::unwritable:
            std::cout << "! " << i.key << ": " << i.live << " -> " << i.desired << "  (read-only here)\n";
            break;
        }
    }
    for (const auto& sh : p.shadows) {
        if (!sh.mechanism.empty()) {
            std::cout << "! " << sh.key << ": at boot ends at '" << sh.by.value << "', not ours ('" << sh.our_value
                      << "'): " << sh.mechanism << "\n    " << shadow_fix(sh) << "\n";
            continue;
        }
        std::cout << "! " << sh.key << ": at boot " << sh.by.file << ":" << sh.by.line << " sets "
                  << (sh.by.is_exclusion ? std::string("an exclusion") : "'" + sh.by.value + "'") << " after ours ('"
                  << sh.our_value << "')\n";
    }
    if (!ctx.globals.quiet)
        std::cout << (in_sync ? "in sync: " : "drift: ") << p.plan.items.size() - same << " of " << p.plan.items.size()
                  << " keys differ\n";
    if (!p.module_errors.empty()) return k_exit_error;
    return in_sync ? k_exit_ok : k_exit_drift;
}

}  // namespace sysknob::cli
