#pragma once
// One register_<name>/run_<name> pair per command (cli/cmd_<name>.cpp).
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/context.hpp"

namespace sysknob::cli {

// --output "" (a script's unset variable) is refused as a usage error:
// it is no file, and standard output is what leaving the option out means.
inline const CLI::Validator k_output_file(
    [](std::string& f) {
        return f.empty() ? std::string("an empty FILE is no file; leave --output out to write to standard output")
                         : std::string();
    },
    "FILE", "output");

struct ListOptions {};
CLI::App* register_list(CLI::App& app, ListOptions& o, bool full);
int run_list(const ListOptions& o, Context& ctx);

struct ShowOptions {
    std::vector<std::string> profiles;
};
CLI::App* register_show(CLI::App& app, ShowOptions& o, bool full);
int run_show(const ShowOptions& o, Context& ctx);

struct LintOptions {
    std::vector<std::string> profiles;
    bool strict = false;
    bool list_rules = false;
    bool container = false;
    std::string mem_total;
};
CLI::App* register_lint(CLI::App& app, LintOptions& o, bool full);
int run_lint(const LintOptions& o, Context& ctx);

struct DiffOptions {
    std::vector<std::string> profiles;
};
CLI::App* register_diff(CLI::App& app, DiffOptions& o, bool full);
int run_diff(const DiffOptions& o, Context& ctx);

struct ApplyOptions {
    std::vector<std::string> profiles;
    bool dry_run = false;
    bool check = false;
    bool runtime_only = false;
    bool persist_only = false;
    int priority = 90;
    size_t keep = 50;
};
CLI::App* register_apply(CLI::App& app, ApplyOptions& o, bool full);
int run_apply(const ApplyOptions& o, Context& ctx);

struct SnapshotsOptions {};
CLI::App* register_snapshots(CLI::App& app, SnapshotsOptions& o, bool full);
int run_snapshots(const SnapshotsOptions& o, Context& ctx);

struct RollbackOptions {
    int id = 0;
    bool discard = false;
    size_t keep = 50;
};
CLI::App* register_rollback(CLI::App& app, RollbackOptions& o, bool full);
int run_rollback(const RollbackOptions& o, Context& ctx);

struct StatusOptions {};
CLI::App* register_status(CLI::App& app, StatusOptions& o, bool full);
int run_status(const StatusOptions& o, Context& ctx);

struct ImportOptions {
    std::vector<std::string> sources;
    bool boot = false;
    std::string name;  // empty: the --output file's name, else "imported"
    std::string output;
    bool take_over = false;
    bool dry_run = false;  // with take_over
    int priority = 90;     // with take_over: as apply's
};
CLI::App* register_import(CLI::App& app, ImportOptions& o, bool full);
int run_import(const ImportOptions& o, Context& ctx);

struct ExportOptions {
    std::vector<std::string> profiles;
};
CLI::App* register_export(CLI::App& app, ExportOptions& o, bool full);
int run_export(const ExportOptions& o, Context& ctx);

struct DoctorOptions {
    double interval = 5;
    std::string output;
    bool list_findings = false;
};
CLI::App* register_doctor(CLI::App& app, DoctorOptions& o, bool full);
int run_doctor(const DoctorOptions& o, Context& ctx);

int run(int argc, char** argv);

}  // namespace sysknob::cli
