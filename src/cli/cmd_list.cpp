#include <iostream>

#include "cli/commands.hpp"

namespace sysknob::cli {

CLI::App* register_list(CLI::App& app, ListOptions&, bool /*full*/)
{
    return app.add_subcommand("list", "list the profiles found, with their descriptions");
}

int run_list(const ListOptions&, Context& ctx)
{
    auto found = profile::list_profiles(ctx.paths.profile_dirs());
    // A directory that exists but cannot be read is said, not skipped.
    for (const auto& bad : profile::unreadable_profile_dirs(ctx.paths.profile_dirs()))
        std::cerr << "sysknob: warning: cannot read profile directory " << bad << "\n";
    if (ctx.globals.json()) {
        nlohmann::json arr = nlohmann::json::array();
        for (const auto& p : found)
            arr.push_back({{"name", p.name},
                           {"description", p.description},
                           {"path", p.path},
                           {"overrides_shipped", p.overrides_shipped}});
        Context::print_json({{"profiles", arr}});
        return k_exit_ok;
    }
    size_t width = 4;
    for (const auto& p : found)
        width = std::max(width, p.name.size());
    for (const auto& p : found) {
        std::cout << p.name << std::string(width - p.name.size() + 2, ' ') << p.description << "\n"
                  << std::string(width + 2, ' ') << p.path << (p.overrides_shipped ? " (overrides shipped)" : "")
                  << "\n";
    }
    if (found.empty())
        std::cerr << "no profiles in " << ctx.paths.etc_profiles() << " or " << ctx.paths.shipped_profiles() << "\n";
    return k_exit_ok;
}

}  // namespace sysknob::cli
