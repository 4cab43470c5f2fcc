#include <algorithm>
#include <iostream>
#include <string_view>

#include "cli/commands.hpp"
#include "os/log.hpp"
#include "util/unleak.hpp"

namespace sysknob::cli {

namespace {

// --root "" would be the host's own / (a script's unset variable): refused.
std::string check_root(std::string& dir)
{
    return dir.empty() ? "an empty DIR is the host itself; leave --root out to mean the host" : "";
}

// A release is what uname -r prints, or its start: MAJOR.MINOR, then
// anything (4.19, 6.1.0-18-amd64). Anything else would be compared as 0.0.
std::string check_release(std::string& release)
{
    std::string_view r = release;
    if (!r.empty() && r.front() == 'v') r.remove_prefix(1);
    size_t i = 0;
    while (i < r.size() && r[i] >= '0' && r[i] <= '9') ++i;
    bool ok = i > 0 && i < r.size() && r[i] == '.' && i + 1 < r.size() && r[i + 1] >= '0' && r[i + 1] <= '9';
    return ok ? "" : "'" + release + "' is not a kernel release; give MAJOR.MINOR as uname -r prints it (4.19, 6.1)";
}

void add_globals(CLI::App& app, Globals& g)
{
    app.add_option("--root", g.root, "resolve every configuration, state and lock path under DIR")
        ->check(CLI::Validator(check_root, "DIR", "root"))
        ->type_name("DIR");
    app.add_option("--kernel", g.kernel, "validate for this kernel release instead of the running one")
        ->check(CLI::Validator(check_release, "RELEASE", "release"))
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
    // command's options was a tenth of a no-op apply (bench/). When the
    // command is a known one and no help is asked for, the others are not
    // even created (a CLI11 subcommand costs about as much as its options);
    // otherwise they are named, for --help and for CLI11's errors.
    const std::string_view named = command_in(argc, argv);
    static constexpr std::string_view k_commands[] = {"list",     "show",   "lint",   "diff",   "apply", "snapshots",
                                                      "rollback", "status", "import", "export", "doctor"};
    bool only = std::find(std::begin(k_commands), std::end(k_commands), named) != std::end(k_commands);
    for (int i = 1; only && i < argc; ++i) {
        std::string_view a = argv[i];
        if (a == "--") break;
        only = !(a == "-h" || a.starts_with("--help") || a == "--version");
    }
    auto full = [&](std::string_view command) { return named.empty() || named == command; };
    auto add = [&](std::string_view command, auto register_fn, auto& options) -> CLI::App* {
        if (only && named != command) return nullptr;
        return register_fn(app, options, full(command));
    };
    auto* list = add("list", register_list, list_o);
    auto* show = add("show", register_show, show_o);
    auto* lint = add("lint", register_lint, lint_o);
    auto* diff = add("diff", register_diff, diff_o);
    auto* apply = add("apply", register_apply, apply_o);
    auto* snapshots = add("snapshots", register_snapshots, snapshots_o);
    auto* rollback = add("rollback", register_rollback, rollback_o);
    auto* status = add("status", register_status, status_o);
    auto* import = add("import", register_import, import_o);
    auto* export_ = add("export", register_export, export_o);
    auto* doctor = add("doctor", register_doctor, doctor_o);
    auto ran = [](const CLI::App* sub) { return sub != nullptr && sub->parsed(); };
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
    if (g.format == "prometheus" && !ran(doctor)) {
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
        if (ran(list))
            rc = run_list(list_o, ctx);
        else if (ran(show))
            rc = run_show(show_o, ctx);
        else if (ran(lint))
            rc = run_lint(lint_o, ctx);
        else if (ran(diff))
            rc = run_diff(diff_o, ctx);
        else if (ran(apply))
            rc = run_apply(apply_o, ctx);
        else if (ran(snapshots))
            rc = run_snapshots(snapshots_o, ctx);
        else if (ran(rollback))
            rc = run_rollback(rollback_o, ctx);
        else if (ran(status))
            rc = run_status(status_o, ctx);
        else if (ran(import))
            rc = run_import(import_o, ctx);
        else if (ran(export_))
            rc = run_export(export_o, ctx);
        else if (ran(doctor))
            rc = run_doctor(doctor_o, ctx);
        return rc;
    } catch (const std::exception& e) {
        std::cerr << "sysknob: internal error: " << e.what() << "\n";
        return k_exit_error;
    }
    return k_exit_usage;
}

}  // namespace sysknob::cli
