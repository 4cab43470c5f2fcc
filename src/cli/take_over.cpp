#include "cli/take_over.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
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

// A private directory for the profile while it is only a candidate: apply
// loads profiles from files, and the profile directory is written only by
// the change itself (so rollback removes it with the rest).
class ScratchProfile {
  public:
    ~ScratchProfile()
    {
        if (m_dir.empty()) return;
        ::unlink(m_file.c_str());
        ::rmdir(m_dir.c_str());
    }
    Result<std::string> write(const std::string& name, const std::string& text)
    {
        const char* tmp = std::getenv("TMPDIR");
        std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/sysknob-import.XXXXXX";
        if (!::mkdtemp(pattern.data())) return fail("cannot create '" + pattern + "': " + std::strerror(errno), errno);
        m_dir = pattern;
        m_file = m_dir + "/" + name + ".toml";
        // A plain write: this file is no part of the change (no crash-test
        // steps, no fsync), and goes at exit.
        int fd = ::open(m_file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (fd < 0) return fail("cannot create '" + m_file + "': " + std::strerror(errno), errno);
        bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
        int e = errno;
        ::close(fd);
        if (!ok) return fail("cannot write '" + m_file + "': " + std::strerror(e), e);
        return m_file;
    }

  private:
    std::string m_dir, m_file;
};

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

    ScratchProfile scratch;
    const std::string profile_real = ctx.paths.etc_profiles() + "/" + o.name + ".toml";
    change::ProfileLoader load = [&](const std::optional<std::string>& fresh) {
        std::string from = profile_real;
        if (fresh) {
            auto path = scratch.write(o.name, *fresh);
            if (!path) {
                change::Loaded failed;
                failed.ok = false;
                failed.diagnostics.push_back(model::Diagnostic{
                    "SK0002", model::Severity::error, "", {profile_real, 0, 0}, path.error().message, ""});
                return failed;
            }
            from = *path;
        }
        auto loaded = ctx.load_and_lint({from}, /*strict=*/false);
        // Findings name the profile where it will be, not the scratch copy.
        for (auto& d : loaded.diagnostics)
            if (d.where.file == from) d.where.file = profile_real;
        return loaded;
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
