#include <iostream>
#include <string_view>

#include "cli/commands.hpp"
#include "os/log.hpp"
#include "util/unleak.hpp"

namespace sysknob::cli {

namespace {

void add_globals(CLI::App& app, Globals& g)
{
    app.add_option("--root", g.root, "resolve every configuration, state and lock path under DIR")->type_name("DIR");
    app.add_option("--kernel", g.kernel, "validate for this kernel release instead of the running one")
        ->type_name("RELEASE");
    app.add_option("--format", g.format, "output format")
        ->check(CLI::IsMember({"text", "json", "prometheus"}))
        ->type_name("text|json|prometheus");
    app.add_flag("-q,--quiet", g.quiet, "print errors only");
    app.add_flag("-v,--verbose", g.verbose, "print more: every change, notes, info diagnostics");
    app.add_flag("--no-color", g.no_color, "never colour messages");
}

// The command named on the command line, found as CLI11 will find it: the
// first argument that is neither an option nor the value of a global option
// that takes one. "" when there is none (--help, --version, a usage error).
std::string_view command_in(int argc, char** argv)
{
    for (int i = 1; i < argc; ++i) {
        std::string_view a = argv[i];
        if (a == "--") return {};
        if (a == "--root" || a == "--kernel" || a == "--format") {
            ++i;
            continue;
        }
        if (!a.empty() && a.front() == '-') continue;
        return a;
    }
    return {};
}

}  // namespace

int run(int argc, char** argv)
{
    CLI::App app{"sysknob: manage Linux kernel parameters (sysctl) declaratively", "sysknob"};
    app.set_version_flag("--version", "sysknob " SYSKNOB_VERSION);
    app.require_subcommand(1);
    app.fallthrough();
    Globals g;
    add_globals(app, g);

    ListOptions list_o;
    ShowOptions show_o;
    LintOptions lint_o;
    DiffOptions diff_o;
    ApplyOptions apply_o;
    SnapshotsOptions snapshots_o;
    RollbackOptions rollback_o;
    StatusOptions status_o;
    ImportOptions import_o;
    ExportOptions export_o;
    DoctorOptions doctor_o;
    // Only the command being run gets its options: setting up every
    // command's options was a tenth of a no-op apply (bench/). The others
    // are named, for --help and for CLI11's errors.
    const std::string_view named = command_in(argc, argv);
    auto full = [&](std::string_view command) { return named.empty() || named == command; };
    auto* list = register_list(app, list_o, full("list"));
    auto* show = register_show(app, show_o, full("show"));
    auto* lint = register_lint(app, lint_o, full("lint"));
    auto* diff = register_diff(app, diff_o, full("diff"));
    auto* apply = register_apply(app, apply_o, full("apply"));
    auto* snapshots = register_snapshots(app, snapshots_o, full("snapshots"));
    auto* rollback = register_rollback(app, rollback_o, full("rollback"));
    auto* status = register_status(app, status_o, full("status"));
    auto* import = register_import(app, import_o, full("import"));
    auto* export_ = register_export(app, export_o, full("export"));
    auto* doctor = register_doctor(app, doctor_o, full("doctor"));
    for (auto* sub : app.get_subcommands({}))
        sub->fallthrough();

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version
        std::cerr << "sysknob: " << e.what() << "\nRun 'sysknob --help' for usage.\n";
        return k_exit_usage;
    }

    // Only doctor speaks the Prometheus text format.
    if (g.format == "prometheus" && !*doctor) {
        std::cerr << "sysknob: --format prometheus is only for 'doctor'\nRun 'sysknob --help' for usage.\n";
        return k_exit_usage;
    }
    os::setup_logging(g.quiet     ? os::Verbosity::quiet
                      : g.verbose ? os::Verbosity::verbose
                                  : os::Verbosity::normal,
                      !g.no_color);
    try {
        // Never destroyed: the process exits right after, and the kernel
        // closes the descriptors the tree keeps (util/unleak.hpp).
        Context& ctx = util::make_until_exit<Context>(g);
        int rc = k_exit_usage;
        if (*list)
            rc = run_list(list_o, ctx);
        else if (*show)
            rc = run_show(show_o, ctx);
        else if (*lint)
            rc = run_lint(lint_o, ctx);
        else if (*diff)
            rc = run_diff(diff_o, ctx);
        else if (*apply)
            rc = run_apply(apply_o, ctx);
        else if (*snapshots)
            rc = run_snapshots(snapshots_o, ctx);
        else if (*rollback)
            rc = run_rollback(rollback_o, ctx);
        else if (*status)
            rc = run_status(status_o, ctx);
        else if (*import)
            rc = run_import(import_o, ctx);
        else if (*export_)
            rc = run_export(export_o, ctx);
        else if (*doctor)
            rc = run_doctor(doctor_o, ctx);
        return rc;
    } catch (const std::exception& e) {
        std::cerr << "sysknob: internal error: " << e.what() << "\n";
        return k_exit_error;
    }
    return k_exit_usage;
}

}  // namespace sysknob::cli
