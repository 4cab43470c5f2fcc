#include <algorithm>
#include <dirent.h>
#include <iostream>
#include <sys/stat.h>
#include <unistd.h>

#include "boot/boot_model.hpp"
#include "cli/commands.hpp"
#include "cli/import_report.hpp"
#include "cli/take_over.hpp"
#include "import/review.hpp"
#include "import/sysctl_files.hpp"
#include "import/take_over.hpp"
#include "import/toml_writer.hpp"
#include "import/tuned.hpp"
#include "os/atomic_file.hpp"
#include "os/sysctl_d_tree.hpp"
#include "util/file.hpp"

namespace sysknob::cli {

CLI::App* register_import(CLI::App& app, ImportOptions& o, bool full)
{
    auto* c = app.add_subcommand(
        "import", "turn existing sysctl.conf, sysctl.d files and tuned profiles into a profile; changes nothing");
    if (!full) return c;  // named only, for --help and errors (run.cpp)
    c->add_option("SOURCE", o.sources,
                  "sysctl.conf or sysctl.d files, directories of them, tuned.conf files or tuned profile directories; "
                  "later ones win");
    c->add_flag("--boot", o.boot, "everything systemd-sysctl reads at boot, with its precedence (under --root)");
    c->add_option("--name", o.name, "name of the profile written (default: the name of the --output file, else imported)")->type_name("NAME");
    auto* out = c->add_option("-o,--output", o.output, "write the profile to FILE instead of standard output")
                    ->type_name("FILE")
                    ->check(k_output_file);
    auto* take = c->add_flag("--take-over", o.take_over,
                             "apply the profile (/etc/sysknob/profiles/NAME.toml), move the imported /etc files aside "
                             "and mask package files with /dev/null links, in one snapshot that rollback undoes")
                     ->excludes(out);
    c->add_flag("--dry-run", o.dry_run, "with --take-over: print what it would do, change nothing")->needs(take);
    c->add_option("--priority", o.priority,
                  "with --take-over: fragment name prefix NN in /etc/sysctl.d/NN-sysknob.conf, as for apply")
        ->check(CLI::Range(0, 99))
        ->type_name("NN")
        ->needs(take);
    return c;
}

namespace {

using import::Finding;
using import::FindingKind;
using import::Imported;
using import::RawAssignment;
using import::SourceFile;

constexpr size_t k_max_source = 16u << 20;

bool plain_name(const std::string& s)
{
    if (s.empty() || s.size() > 64) return false;
    for (char c : s)
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
            return false;
    return true;
}

bool is_directory(const std::string& path)
{
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// A directory of sysctl.d files as systemd-sysctl reads one directory:
// entries named *.conf, not hidden, in byte order of their names.
Result<std::vector<std::string>> conf_files_in(const std::string& dir)
{
    DIR* h = ::opendir(dir.c_str());
    if (!h) return fail("cannot read directory '" + dir + "': " + std::strerror(errno), errno);
    std::vector<std::string> names;
    while (auto* e = ::readdir(h)) {
        std::string name = e->d_name;
        if (name.empty() || name.front() == '.' || !name.ends_with(".conf")) continue;
        names.push_back(name);
    }
    ::closedir(h);
    std::sort(names.begin(), names.end());
    std::vector<std::string> out;
    for (const auto& n : names)
        out.push_back(dir + (dir.ends_with("/") ? "" : "/") + n);
    return out;
}

class Gatherer {
  public:
    Gatherer(Context& ctx, Imported& out) : m_ctx(ctx), m_out(out) {}

    // Reads one SOURCE argument; fails for what the operator must fix
    // (missing file, unreadable directory).
    Result<void> add(const std::string& arg)
    {
        if (is_directory(arg)) {
            std::string tuned = arg + (arg.ends_with("/") ? "" : "/") + "tuned.conf";
            if (util::file_exists(tuned)) return add_file(tuned);
            TRY(auto files, conf_files_in(arg));
            if (files.empty())
                m_out.findings.push_back(Finding{FindingKind::not_imported, "", arg, 0,
                                                 "directory has no *.conf files, nothing imported from it"});
            for (const auto& f : files)
                TRY_VOID(add_file(f));
            return {};
        }
        return add_file(arg);
    }

    void add_boot()
    {
        std::vector<boot::ParseIssue> issues;
        auto files = os::read_sysctl_d_tree(m_ctx.paths.root, issues);
        for (const auto& i : issues)
            m_out.findings.push_back(Finding{FindingKind::not_imported, "", i.file, i.line, i.message});
        if (!files) {
            m_out.findings.push_back(
                Finding{FindingKind::not_imported, "", m_ctx.paths.root, 0, files.error().message});
            return;
        }
        auto model = boot::build_boot_model(*files);
        auto sources = import::boot_sources(model, *files);
        for (const auto& f : sources)
            m_boot_labels.push_back(f.path);  // logical already
        add_sysctl(sources);
    }

    const std::vector<RawAssignment>& assignments() const { return m_assignments; }

    // Where each file read is on the system --root describes (take-over).
    TakeOverSources take_over_sources() const
    {
        TakeOverSources out;
        out.tuned = m_tuned;
        const std::string& root = m_ctx.paths.root;
        for (const auto& label : m_out.files) {
            std::string path = label;
            if (!path.starts_with('/')) {
                char cwd[4096];
                path = ::getcwd(cwd, sizeof cwd) ? std::string(cwd) + "/" + path : std::string();
            }
            if (std::find(m_boot_labels.begin(), m_boot_labels.end(), label) != m_boot_labels.end())
                out.logical[label] = label;
            else if (root.empty())
                out.logical[label] = path;
            else if (path.starts_with(root + "/"))
                out.logical[label] = path.substr(root.size());
            else
                out.logical[label] = "";
        }
        return out;
    }

  private:
    Result<void> add_file(const std::string& path)
    {
        TRY(auto text, util::read_file(path, k_max_source, util::Follow::symlinks));
        SourceFile f{path, std::move(text)};
        if (import::looks_like_tuned(f.content)) {
            m_tuned = true;
            auto root = m_ctx.paths.root;
            import::ReadFile read = [root](const std::string& p)
                                        ->std::optional<std::string> {
                                            auto t = util::read_file(root + p, k_max_source, util::Follow::symlinks);
            if (!t) return std::nullopt;
            return std::move(*t);
        };
        auto more = import::tuned_assignments(f, read, m_out);
        m_assignments.insert(m_assignments.end(), more.begin(), more.end());
        return {};
    }
    add_sysctl({f});
    return {};
}

    void add_sysctl(const std::vector<SourceFile>& files)
{
    for (const auto& f : files) {
        m_out.files.push_back(f.path);
        m_out.fingerprints[f.path] = import::fingerprint(f.content);
    }
    auto more = import::sysctl_assignments(files, m_out.findings);
    m_assignments.insert(m_assignments.end(), more.begin(), more.end());
}

Context& m_ctx;
Imported& m_out;
std::vector<RawAssignment> m_assignments;
std::vector<std::string> m_boot_labels;
bool m_tuned = false;
};  // namespace

nlohmann::json to_json(const Imported& imported, const std::string& text)
{
    nlohmann::json settings = nlohmann::json::array();
    for (const auto& s : imported.settings)
        settings.push_back({{"key", s.key},
                            {"value", s.value.render()},
                            {"comment", s.comment},
                            {"optional", s.optional},
                            {"file", s.file},
                            {"line", s.line}});
    return {{"files", imported.files}, {"settings", settings}, {"findings", import_findings_json(imported)}, {"profile", text}};
}

// An import that fails (exit 1) still prints its JSON document, with the
// error, as the other commands do (sysknob(8), JSON OUTPUT).
int import_failed(Context& ctx, const std::string& message)
{
    std::cerr << "sysknob: import: " << message << "\n";
    if (ctx.globals.json())
        Context::print_json({{"files", nlohmann::json::array()},
                             {"settings", nlohmann::json::array()},
                             {"findings", nlohmann::json::array()},
                             {"profile", nullptr},
                             {"error", message}});
    return k_exit_error;
}

}  // namespace sysknob::cli

int run_import(const ImportOptions& o, Context& ctx)
{
    if (o.sources.empty() && !o.boot) {
        std::cerr << "sysknob: import: give a SOURCE or --boot\nRun 'sysknob import --help' for usage.\n";
        return k_exit_usage;
    }
    // A profile is known by its file name (SK0011): a profile written to
    // web.toml is named web, and --name cannot say otherwise.
    std::string name = o.name;
    if (std::string_view out = o.output; out.ends_with(".toml")) {
        std::string stem(out.substr(0, out.size() - 5));
        stem = stem.substr(stem.rfind('/') + 1);
        if (!name.empty() && name != stem) {
            std::cerr << "sysknob: import: --name '" << import::printable_text(name) << "' and --output '"
                      << import::printable_text(o.output)
                      << "' disagree: a profile is known by its file name; drop --name or write to " << name
                      << ".toml\n";
            return k_exit_usage;
        }
        name = stem;
    }
    if (name.empty()) name = "imported";
    if (!plain_name(name)) {
        std::cerr << "sysknob: import: profile name '" << import::printable_text(name)
                  << "' is not a plain name: use letters, digits, '-' and '_'"
                  << (o.name.empty() ? " in the --output file's name" : "") << "\n";
        return k_exit_usage;
    }
    Imported imported;
    Gatherer gather(ctx, imported);
    if (o.boot) gather.add_boot();
    for (const auto& s : o.sources) {
        if (auto r = gather.add(s); !r) return import_failed(ctx, r.error().message);
    }
    import::assemble(gather.assignments(), imported);
    if (ctx.target().live) import::add_drift_findings(imported, ctx.tree);

    std::string description = "Imported from " + std::to_string(imported.files.size()) + " file" +
                              (imported.files.size() == 1 ? "" : "s") + " by sysknob import";
    std::string label = o.output.empty() ? "<import>" : o.output;
    std::string first = import::write_profile(imported, name, description);
    auto unreadable = import::add_lint_findings(imported, first, label, ctx.target());
    if (model::has_errors(unreadable)) {
        // The writer promises text the reader takes back; this is a bug.
        ctx.print_diagnostics(unreadable);
        std::cerr << "sysknob: internal error: import wrote a profile it cannot read back\n";
        return k_exit_error;
    }
    std::string text = import::write_profile(imported, name, description);
    if (o.take_over) {
        ImportOptions named = o;
        named.name = name;
        return run_take_over(named, ctx, imported, text, gather.take_over_sources());
    }

    if (!o.output.empty()) {
        if (auto w = os::write_file_atomic(o.output, text, 0644); !w) return import_failed(ctx, w.error().message);
    } else if (!ctx.globals.json()) {
        std::cout << text;
    }
    if (ctx.globals.json())
        Context::print_json(to_json(imported, text));
    else
        print_import_summary(imported, " into " + (o.output.empty() ? "standard output" : "'" + o.output + "'"),
                             ctx.globals.quiet);
    return k_exit_ok;
}

}  // namespace sysknob::cli
