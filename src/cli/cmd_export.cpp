#include <iostream>

#include "cli/commands.hpp"
#include "persist/fragments.hpp"

namespace sysknob::cli {

CLI::App* register_export(CLI::App& app, ExportOptions& o, bool full)
{
    auto* c =
        app.add_subcommand("export", "print the sysctl.d fragment apply writes for the profiles; changes nothing");
    if (!full) return c;  // named only, for --help and errors (run.cpp)
    c->add_option("PROFILE", o.profiles, "profile names or paths; later ones win")->required();
    return c;
}

int run_export(const ExportOptions& o, Context& ctx)
{
    // The same load and the same renderer as apply (change/prepare.cpp), so the
    // text is byte for byte the fragment apply writes. Lint is not run: a
    // profile apply would refuse still exports, for those who leave.
    auto load = profile::load_profiles(o.profiles, ctx.paths.profile_dirs());
    ctx.print_diagnostics(load.diagnostics);
    if (model::has_errors(load.diagnostics)) {
        // --format json: one document on every path (sysknob(8), JSON OUTPUT).
        if (ctx.globals.json())
            Context::print_json({{"fragment", nullptr},
                                 {"diagnostics", diagnostics_json(load.diagnostics)},
                                 {"error", "the profile cannot be read; nothing exported"}});
        return k_exit_error;
    }
    if (ctx.globals.json())
        Context::print_json({{"fragment", persist::render_fragment(load.resolved)}});
    else
        std::cout << persist::render_fragment(load.resolved);
    return k_exit_ok;
}

}  // namespace sysknob::cli
