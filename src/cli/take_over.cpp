#include "cli/take_over.hpp"

#include <iostream>
#include <unistd.h>

#include "change/take_over.hpp"
#include "cli/import_report.hpp"
#include "cli/plan_report.hpp"
#include "os/log.hpp"
#include "util/path.hpp"
#include "util/unleak.hpp"

namespace sysknob::cli {

namespace {

int refuse(Context& ctx, const std::string& message, bool dry_run)
{
    std::cerr << "sysknob: import: " << message << "\n";
    if (ctx.globals.json())
        Context::print_json({{"changed", false}, {"dry_run", dry_run}, {"snapshot", nullptr}, {"error", message}});
    return k_exit_error;
}

// The files of later directories a mask at `mask` keeps out of force.
std::vector<std::string> hidden_by(const change::TakeOverOutcome& out, const std::string& mask)
{
    std::vector<std::string> hides;
    for (const auto& m : out.plan.masked)
        if (m != mask && util::base_name(m) == util::base_name(mask)) hides.push_back(m);
    return hides;
}

// Everything a take-over does, as a dry run shows it: the profile, the
// keys and files of the apply (print_plan), each entry moved aside with
// its backup path, and each /dev/null mask with the files it hides.
void print_take_over_plan(const change::TakeOverOutcome& out, std::ostream& os)
{
    os << "  profile " << out.profile_path
       << (out.profile_written ? " (written by the take-over)" : " (the reviewed one, applied as it is)") << "\n";
    print_plan(*out.prepared, os, /*would=*/true);
    for (const auto& m : out.plan.moved)
        os << "  move aside " << m << " -> " << out.backup_dir << m << "\n";
    for (const auto& step : out.plan.steps) {
        if (step.action != "mask") continue;
        auto hides = hidden_by(out, step.path);
        os << "  mask " << step.path << " -> /dev/null";
        for (size_t i = 0; i < hides.size(); ++i)
            os << (i ? ", " : " (hides ") << hides[i];
        os << (hides.empty() ? "" : ")") << "\n";
    }
}

// apply's document (plan_report) and the take-over's own fields.
nlohmann::json report(const change::TakeOverOutcome& out, const import::Imported& imported, bool dry_run)
{
    const auto& p = *out.prepared;
    const int id = dry_run ? 0 : out.snap.id;
    nlohmann::json j = plan_report(p, /*changed=*/!dry_run, id, p.loaded.diagnostics);
    nlohmann::json moves = nlohmann::json::array(), masks = nlohmann::json::array();
    for (const auto& m : out.plan.moved)
        moves.push_back({{"path", m}, {"backup", out.backup_dir + m}});
    for (const auto& step : out.plan.steps)
        if (step.action == "mask")
            masks.push_back({{"path", step.path}, {"target", step.to.content}, {"hides", hidden_by(out, step.path)}});
    j["dry_run"] = dry_run;
    j["profile"] = out.profile_path;
    j["profile_written"] = out.profile_written;
    j["keys_changed"] = p.change.live.size();
    j["moved"] = out.plan.moved;
    j["masked"] = out.plan.masked;
    j["moves"] = moves;
    j["masks"] = masks;
    j["backup"] = out.plan.moved.empty() ? nlohmann::json(nullptr) : nlohmann::json(out.backup_dir);
    j["findings"] = import_findings_json(imported);
    return j;
}

}  // namespace

int run_take_over(const ImportOptions& o, Context& ctx, const import::Imported& imported, const std::string& text,
                  const TakeOverSources& sources)
{
    if (::geteuid() != 0 && !o.dry_run)
        return refuse(ctx, "--take-over changes kernel parameters and files and needs root (or use --dry-run)", false);
    if (sources.tuned)
        return refuse(ctx,
                      "--take-over takes over sysctl.d files, not tuned profiles (tuned applies its own at "
                      "start: switch it off with `tuned-adm off`); import the tuned profile without "
                      "--take-over; nothing was changed",
                      o.dry_run);

    change::TakeOverRequest req;
    req.name = o.name;
    req.text = text;
    req.uid = ::geteuid();
    req.gid = ::getegid();
    req.priority = o.priority;
    req.dry_run = o.dry_run;
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
    // The grouped summary import prints, also here: what was read, what
    // was left out and why, before what the take-over did with it.
    if (!ctx.globals.json()) {
        std::string where = "; nothing was written";
        if (done && out.profile_written)
            where = " into '" + out.profile_path + "'" + (o.dry_run ? " (dry run: not written)" : "");
        else if (done)
            where = "; the reviewed profile '" + out.profile_path + "' " + (o.dry_run ? "would be" : "is") +
                    " applied as it is";
        print_import_summary(imported, where, ctx.globals.quiet);
    }
    if (!done) return refuse(ctx, done.error().message, o.dry_run);

    const auto& p = *out.prepared;
    for (const auto& sh : p.shadows)
        spdlog::warn("'{}' will be overridden at boot by {}:{}, a file that was not taken over", sh.key, sh.by.file,
                     sh.by.line);
    const std::string name = p.loaded.load.resolved.display_name();
    if (ctx.globals.json()) {
        Context::print_json(report(out, imported, o.dry_run));
    } else if (o.dry_run) {
        std::cout << "would take over for profile " << name << ":\n";
        print_take_over_plan(out, std::cout);
        std::cout << "dry run: nothing was changed (the take-over would be snapshot " << out.snap.id << ")\n";
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
