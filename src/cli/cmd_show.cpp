#include <iostream>

#include "cli/commands.hpp"

namespace sysknob::cli {

CLI::App* register_show(CLI::App& app, ShowOptions& o, bool full)
{
    auto* c = app.add_subcommand("show", "print the resolved profile, each key with the file that set it");
    if (!full) return c;  // named only, for --help and errors (run.cpp)
    c->add_option("PROFILE", o.profiles, "profile names or paths; later ones win")->required();
    return c;
}

int run_show(const ShowOptions& o, Context& ctx)
{
    auto load = profile::load_profiles(o.profiles, ctx.paths.profile_dirs());
    ctx.print_diagnostics(load.diagnostics);
    if (model::has_errors(load.diagnostics)) {
        if (ctx.globals.json()) {
            nlohmann::json d = diagnostics_json(load.diagnostics);
            Context::print_json({{"ok", false}, {"diagnostics", d}});
        }
        return k_exit_error;
    }
    const auto& r = load.resolved;
    if (ctx.globals.json()) {
        nlohmann::json settings = nlohmann::json::array();
        for (const auto& s : r.settings)
            settings.push_back({{"key", s.key},
                                {"value", s.value.render()},
                                {"comment", s.comment},
                                {"optional", s.optional},
                                {"profile", s.profile},
                                {"file", s.where.file},
                                {"line", s.where.line}});
        nlohmann::json modules = nlohmann::json::array();
        for (const auto& m : r.modules) {
            nlohmann::json params = nlohmann::json::object();
            for (const auto& p : m.params)
                params[p.name] = p.value;
            modules.push_back({{"name", m.name}, {"load", m.load}, {"params", params}});
        }
        Context::print_json({{"profiles", r.names},
                             {"files", r.files},
                             {"description", r.description},
                             {"settings", settings},
                             {"modules", modules}});
        return k_exit_ok;
    }
    std::cout << "# profile " << r.display_name() << (r.description.empty() ? "" : ": " + r.description) << "\n";
    for (const auto& s : r.settings) {
        std::cout << s.key << " = " << s.value.render() << (s.optional ? "  (optional)" : "") << "\n"
                  << "    # " << s.where.file << ":" << s.where.line;
        if (!s.comment.empty()) std::cout << ": " << s.comment;
        std::cout << "\n";
    }
    for (const auto& m : r.modules) {
        std::cout << "[modules." << m.name << "] load = " << (m.load ? "true" : "false");
        for (const auto& p : m.params)
            std::cout << ", " << p.name << " = " << p.value;
        std::cout << "    # " << m.where.file << ":" << m.where.line << "\n";
    }
    return k_exit_ok;
}

}  // namespace sysknob::cli
