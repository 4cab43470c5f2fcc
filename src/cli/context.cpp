#include "cli/context.hpp"

#include <iostream>
#include <sys/utsname.h>

#include "profile/lint.hpp"
#include "util/file.hpp"
#include "util/strings.hpp"

namespace sysknob::cli {

Context::Context(const Globals& g) : globals(g), paths(os::Paths::make(g.root)), tree(paths.proc_sys) {}

std::string Context::running_release() const
{
    struct utsname u {};
    if (::uname(&u) != 0) return "0";
    return u.release;
}

const kernel::Target& Context::target()
{
    if (m_target) return *m_target;
    m_target = std::make_unique<kernel::Target>();
    auto& t = *m_target;
    t.tree = &tree;
    t.live = globals.kernel.empty();
    t.release = t.live ? running_release() : globals.kernel;
    return t;
}

// Reads the few live facts that cross-key rules need, only when the
// profile has the keys they are about (keeps the common path lean).
void Context::add_facts_for(const model::ResolvedProfile& r)
{
    auto& t = const_cast<kernel::Target&>(target());
    if (!t.live) return;
    if (r.find("net.netfilter.nf_conntrack_max")) {
        if (t.mem_total_bytes == 0)
            if (auto mem = util::read_file("/proc/meminfo", 1u << 20, util::Follow::symlinks)) {
                auto pos = mem->find("MemTotal:");
                if (pos != std::string::npos) {
                    auto fields = util::split_ws(std::string_view(*mem).substr(pos + 9, 40));
                    if (!fields.empty())
                        if (auto kb = util::parse_i64(fields[0])) t.mem_total_bytes = static_cast<uint64_t>(*kb) * 1024;
                }
            }
        if (t.conntrack_buckets.empty())
            if (auto b = tree.read("net.netfilter.nf_conntrack_buckets", ports::Intent::read))
                t.conntrack_buckets = b->text;
    }
    if (r.find("net.ipv4.tcp_congestion_control") && t.available_congestion_control.empty())
        if (auto cc = tree.read("net.ipv4.tcp_available_congestion_control", ports::Intent::read))
            for (auto tok : util::split_ws(cc->text))
                t.available_congestion_control.emplace_back(tok);
}

Context::Loaded Context::load_and_lint(const std::vector<std::string>& args, bool strict)
{
    Loaded out;
    out.load = profile::load_profiles(args, paths.profile_dirs());
    out.diagnostics = out.load.diagnostics;
    if (!model::has_errors(out.diagnostics)) {
        add_facts_for(out.load.resolved);
        auto more = profile::lint(out.load.resolved, target());
        out.diagnostics.insert(out.diagnostics.end(), more.begin(), more.end());
    }
    if (strict) profile::make_strict(out.diagnostics);
    out.ok = !model::has_errors(out.diagnostics);
    return out;
}

void Context::print_diagnostics(const model::Diagnostics& d) const
{
    for (const auto& x : d) {
        if (globals.quiet && x.severity != model::Severity::error) continue;
        if (x.severity == model::Severity::info && !globals.verbose && !globals.json()) continue;
        std::cerr << model::render_diagnostic(x);
    }
}

void Context::print_json(const nlohmann::json& j)
{
    std::cout << j.dump(2, ' ', /*ensure_ascii=*/false, nlohmann::json::error_handler_t::replace) << '\n';
}

nlohmann::json diagnostic_json(const model::Diagnostic& d)
{
    return {{"id", d.id},           {"severity", model::severity_name(d.severity)},
            {"key", d.key},         {"file", d.where.file},
            {"line", d.where.line}, {"column", d.where.column},
            {"message", d.message}, {"hint", d.hint}};
}

}  // namespace sysknob::cli
