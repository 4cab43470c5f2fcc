#include <iostream>

#include "cli/commands.hpp"
#include "kernel/machine.hpp"
#include "profile/rules.hpp"

namespace sysknob::cli {

CLI::App* register_lint(CLI::App& app, LintOptions& o, bool full)
{
    auto* c = app.add_subcommand("lint", "validate profiles for the running or --kernel release; changes nothing");
    if (!full) return c;  // named only, for --help and errors (run.cpp)
    c->add_option("PROFILE", o.profiles, "profile names or paths; each is linted on its own");
    c->add_flag("--strict", o.strict, "treat warnings as errors");
    c->add_flag("--list-rules", o.list_rules, "print the lint rules with their ids and rationale");
    c->add_flag("--container", o.container,
                "the profile is for a container: report keys that are not namespaced (they would change the host)");
    c->add_option("--mem-total", o.mem_total,
                  "memory of the target machine (bytes, or with K/M/G/T) for machine-aware rules with --kernel");
    return c;
}

namespace {

int list_rules(Context& ctx)
{
    if (ctx.globals.json()) {
        nlohmann::json arr = nlohmann::json::array();
        for (const auto& r : profile::rules())
            arr.push_back({{"id", r.id},
                           {"severity", model::severity_name(r.severity)},
                           {"suppressible", r.suppressible},
                           {"title", r.title},
                           {"rationale", r.rationale}});
        Context::print_json({{"rules", arr}});
        return k_exit_ok;
    }
    for (const auto& r : profile::rules())
        std::cout << r.id << "  " << model::severity_name(r.severity) << (r.suppressible ? "" : " (always)") << "  "
                  << r.title << "\n        " << r.rationale << "\n";
    return k_exit_ok;
}

}  // namespace

int run_lint(const LintOptions& o, Context& ctx)
{
    if (o.list_rules) return list_rules(ctx);
    if (!o.mem_total.empty()) {
        auto bytes = kernel::parse_size(o.mem_total);
        if (!bytes) {
            std::cerr << "sysknob: lint: --mem-total '" << o.mem_total
                      << "' is not a size (bytes, or a number with K, M, G or T)\nRun 'sysknob lint --help' for usage.\n";
            return k_exit_usage;
        }
        if (ctx.globals.kernel.empty()) {
            std::cerr << "sysknob: lint: --mem-total describes another machine and needs --kernel; the running one is "
                         "read from /proc\nRun 'sysknob lint --help' for usage.\n";
            return k_exit_usage;
        }
        ctx.mem_total = bytes;
    }
    ctx.container = o.container;
    if (o.profiles.empty()) {
        std::cerr << "sysknob: lint: PROFILE is required\nRun 'sysknob lint --help' for usage.\n";
        return k_exit_usage;
    }
    model::Diagnostics all;
    for (const auto& p : o.profiles) {
        auto loaded = ctx.load_and_lint({p}, o.strict);
        all.insert(all.end(), loaded.diagnostics.begin(), loaded.diagnostics.end());
    }
    bool ok = !model::has_errors(all);
    if (ctx.globals.json()) {
        nlohmann::json d = diagnostics_json(all);
        Context::print_json({{"ok", ok}, {"diagnostics", d}});
    } else {
        ctx.print_diagnostics(all);
        size_t errors = 0, warnings = 0;
        for (const auto& x : all) {
            errors += x.severity == model::Severity::error;
            warnings += x.severity == model::Severity::warning;
        }
        if (!ctx.globals.quiet)
            std::cout << (ok ? "ok" : "failed") << ": " << o.profiles.size() << " profile"
                      << (o.profiles.size() > 1 ? "s" : "") << ", " << errors << " error" << (errors == 1 ? "" : "s")
                      << ", " << warnings << " warning" << (warnings == 1 ? "" : "s") << " (kernel "
                      << ctx.target().release << ")\n";
    }
    return ok ? k_exit_ok : k_exit_error;
}

}  // namespace sysknob::cli
