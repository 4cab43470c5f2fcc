#include <algorithm>
#include <iostream>
#include <unistd.h>

#include "change/apply.hpp"
#include "change/bookkeeping.hpp"
#include "change/prepare.hpp"
#include "cli/commands.hpp"
#include "cli/plan_report.hpp"
#include "cli/shadows.hpp"
#include "os/log.hpp"
#include "util/strings.hpp"
#include "util/unleak.hpp"

namespace sysknob::cli {

CLI::App* register_apply(CLI::App& app, ApplyOptions& o, bool full)
{
    auto* c =
        app.add_subcommand("apply", "change the live kernel and the boot files to match the profiles; snapshot first");
    if (!full) return c;  // named only, for --help and errors (run.cpp)
    c->add_option("PROFILE", o.profiles, "profile names or paths; later ones win")->required();
    auto* dry = c->add_flag("--dry-run", o.dry_run, "print the plan, change nothing");
    c->add_flag("--check", o.check, "change nothing; exit 2 if apply would change something, 0 if not")->excludes(dry);
    auto* rt = c->add_flag("--runtime-only", o.runtime_only, "change the live kernel only, write no boot files");
    c->add_flag("--persist-only", o.persist_only, "write the boot files only, leave the live kernel")->excludes(rt);
    c->add_option("--priority", o.priority, "fragment name prefix NN in /etc/sysctl.d/NN-sysknob.conf")
        ->check(CLI::Range(0, 99))
        ->type_name("NN");
    c->add_option("--keep", o.keep, "snapshots to keep (newest committed ones)")
        ->check(CLI::Range(1, 100000))
        ->type_name("N");
    return c;
}

namespace {

int refuse(Context& ctx, const std::string& message, const model::Diagnostics& diags = {})
{
    std::cerr << "sysknob: " << message << "\n";
    if (ctx.globals.json()) {
        nlohmann::json d = diagnostics_json(diags);
        Context::print_json({{"changed", false},
                             {"snapshot", nullptr},
                             {"changes", nlohmann::json::array()},
                             {"files", nlohmann::json::array()},
                             {"warnings", nlohmann::json::array()},
                             {"diagnostics", d},
                             {"error", message}});
    }
    return k_exit_error;
}

}  // namespace

int run_apply(const ApplyOptions& o, Context& ctx)
{
    bool changes_nothing = o.dry_run || o.check;
    if (!changes_nothing && ::geteuid() != 0)
        return refuse(ctx,
                      "apply changes kernel parameters and needs root; run it with sudo (or use --check / --dry-run)");
    auto& env = ctx.env();
    if (!changes_nothing)
        if (auto l = change::lock(env); !l) return refuse(ctx, l.error().message);
    if (auto pending = change::refuse_if_pending(env, !changes_nothing); !pending)
        return refuse(ctx, pending.error().message);

    change::PrepareOptions po;
    po.intent = ports::Intent::write;
    po.runtime_only = o.runtime_only;
    po.persist_only = o.persist_only;
    po.priority = o.priority;
    auto prepared = change::prepare(env, ctx.load_and_lint(o.profiles, /*strict=*/false), po);
    if (!prepared) return refuse(ctx, prepared.error().message);
    // Kept until exit: freeing a large plan node by node costs more than it (util/unleak.hpp).
    auto& p = util::make_until_exit<change::Prepared>(std::move(*prepared));
    ctx.print_diagnostics(p.loaded.diagnostics);
    if (auto why = change::apply_refusal(p, po); !why.empty()) return refuse(ctx, why, p.loaded.diagnostics);
    const std::string name = p.loaded.load.resolved.display_name();
    for (const auto& sh : p.shadows)
        if (!sh.mechanism.empty())
            p.warnings.push_back("'" + sh.key + "' will be overridden at boot ('" + sh.by.value +
                                 "'): " + sh.mechanism + "; " + shadow_fix(sh));
        else
            p.warnings.push_back("'" + sh.key + "' will be overridden at boot by " + sh.by.file + ":" +
                                 std::to_string(sh.by.line) + " (" +
                                 (sh.by.is_exclusion ? "excluded" : "'" + sh.by.value + "'") +
                                 "); remove it there or apply with a higher --priority");
    for (const auto& w : p.warnings)
        spdlog::warn("{}", w);
    // Interfaces that came or went, nothing else: the state file's record
    // of what the globs match is brought up to date, outside any snapshot,
    // and apply reports no change (change/bookkeeping.hpp).
    if (auto state = change::take_bookkeeping(p); state && !changes_nothing)
        if (auto w = change::write_bookkeeping(env, *state); !w) return refuse(ctx, w.error().message);
    if (p.change.empty()) {
        if (ctx.globals.json())
            Context::print_json(plan_report(p, false, 0, p.loaded.diagnostics));
        else if (!ctx.globals.quiet)
            std::cout << name << ": nothing to change (" << p.plan.items.size() << " keys in sync)\n";
        return k_exit_ok;
    }
    if (changes_nothing) {
        if (ctx.globals.json()) {
            Context::print_json(plan_report(p, false, 0, p.loaded.diagnostics));
        } else {
            std::cout << (o.check ? "would change" : "plan for") << " " << name << ":\n";
            print_plan(p, std::cout, /*would=*/true);
        }
        return o.check ? k_exit_drift : k_exit_ok;
    }
    if (!ctx.globals.json() && !ctx.globals.quiet) {
        std::cout << "plan for " << name << ":\n";
        print_plan(p, std::cout, /*would=*/false);
    }
    std::vector<std::string> notes;
    auto snap = change::apply_prepared(env, p, o.keep, notes);
    if (!snap) return refuse(ctx, snap.error().message);
    for (const auto& n : notes)
        spdlog::warn("{}", n);
    for (const auto& c : p.change.params)
        if (!c.kept.empty() && util::trim(c.kept) != c.to)
            spdlog::warn("the kernel kept {}.{} = {} (asked for {})", c.module, c.param, c.kept, c.to);
    if (ctx.globals.json()) {
        Context::print_json(plan_report(p, true, snap->id, p.loaded.diagnostics));
    } else if (!ctx.globals.quiet) {
        std::cout << "applied " << name << ": " << p.change.live.size() << " key"
                  << (p.change.live.size() == 1 ? "" : "s") << " changed, " << p.change.files.size() << " file"
                  << (p.change.files.size() == 1 ? "" : "s") << " written";
        if (!snap->modules.empty()) {
            std::cout << ", module" << (snap->modules.size() == 1 ? "" : "s") << " loaded:";
            for (const auto& m : snap->modules)
                std::cout << " " << m.name;
        }
        for (const auto& c : p.change.params)
            std::cout << ", " << c.module << "." << c.param << " = " << c.kept;
        std::cout << " (snapshot " << snap->id
                  << "; undo with `sysknob rollback`)\n";
    }
    return k_exit_ok;
}

}  // namespace sysknob::cli
