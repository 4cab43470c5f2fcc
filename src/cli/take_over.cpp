#include "cli/take_over.hpp"

#include <iostream>
#include <unistd.h>

#include "change/take_over.hpp"
#include "os/log.hpp"
#include "util/unleak.hpp"

namespace sysknob::cli {

namespace {

int refuse(Context& ctx, const std::string& message)
{
    std::cerr << "sysknob: import: " << message << "\n";
    if (ctx.globals.json()) Context::print_json({{"changed", false}, {"snapshot", nullptr}, {"error", message}});
    return k_exit_error;
}

}  // namespace

int run_take_over(const ImportOptions& o, Context& ctx, const import::Imported& imported, const std::string& text,
                  const TakeOverSources& sources)
{
    if (::geteuid() != 0) return refuse(ctx, "--take-over changes kernel parameters and files and needs root");
    if (sources.tuned)
        return refuse(ctx, "--take-over takes over sysctl.d files, not tuned profiles (tuned applies its own at "
                           "start: switch it off with `tuned-adm off`); import the tuned profile without "
                           "--take-over; nothing was changed");

    change::TakeOverRequest req;
    req.name = o.name;
    req.text = text;
    req.uid = ::geteuid();
    req.gid = ::getegid();
    auto logical = [&](const std::string& label) {
        auto it = sources.logical.find(label);
        return it == sources.logical.end() ? label : it->second;
    };
    for (const auto& f : imported.files) {
        std::string l = logical(f);
        if (l.empty()) {
            req.refusals.push_back("'" + f + "' is outside --root '" + ctx.paths.root + "'; it cannot be taken over");
            continue;
        }
        req.files.push_back(l);
        if (auto it = imported.fingerprints.find(f); it != imported.fingerprints.end())
            req.fingerprints[l] = it->second;
    }
    for (auto finding : imported.findings) {
        finding.file = logical(finding.file);
        req.findings.push_back(std::move(finding));
    }

    // The profile this import would write is linted from memory under the
    // path it will have: nothing is written before the change itself
    // (which writes it, so that rollback removes it with the rest), and a
    // killed take-over leaves no scratch copy behind.
    const std::string profile_real = ctx.paths.etc_profiles() + "/" + o.name + ".toml";
    change::ProfileLoader load = [&](const std::optional<std::string>& fresh) {
        profile::GivenTexts given;
        if (fresh) given.emplace(profile_real, *fresh);
        return ctx.load_and_lint({profile_real}, /*strict=*/false, given);
    };
    auto& out = util::make_until_exit<change::TakeOverOutcome>();
    auto done = change::take_over(ctx.env(), req, load, out);
    if (out.prepared) ctx.print_diagnostics(out.prepared->loaded.diagnostics);
    if (!done) return refuse(ctx, done.error().message);

    const auto& p = *out.prepared;
    for (const auto& sh : p.shadows)
        spdlog::warn("'{}' will be overridden at boot by {}:{}, a file that was not taken over", sh.key, sh.by.file,
                     sh.by.line);
    const std::string name = p.loaded.load.resolved.display_name();
    if (ctx.globals.json()) {
        Context::print_json(
            {{"changed", true},
             {"snapshot", std::to_string(out.snap.id)},
             {"profile", out.profile_path},
             {"profile_written", out.profile_written},
             {"keys_changed", p.change.live.size()},
             {"moved", out.plan.moved},
             {"masked", out.plan.masked},
             {"backup", out.plan.moved.empty() ? nlohmann::json(nullptr) : nlohmann::json(out.backup_dir)}});
    } else if (!ctx.globals.quiet) {
        std::cout << "took over for profile " << name << " (" << out.profile_path << "): " << p.change.live.size()
                  << " key" << (p.change.live.size() == 1 ? "" : "s") << " changed\n";
        for (const auto& m : out.plan.moved)
            std::cout << "  moved aside " << m << " -> " << out.backup_dir << m << "\n";
        for (const auto& m : out.plan.masked)
            std::cout << "  masked " << m << " (/etc/sysctl.d link to /dev/null)\n";
        std::cout << "snapshot " << out.snap.id << "; undo everything with `sysknob rollback`\n";
    }
    return k_exit_ok;
}

}  // namespace sysknob::cli
