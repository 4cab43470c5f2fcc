#include "cli/context.hpp"

#include <iostream>
#include <sys/utsname.h>

#include "os/module_loader_factory.hpp"
#include "profile/lint.hpp"
#include "util/strings.hpp"

namespace sysknob::cli {

Context::Context(const Globals& g)
    : globals(g), paths(os::Paths::make(g.root)), tree(paths.proc_sys), machine(paths.proc)
{
}

ports::ModuleLoader& Context::modules()
{
    if (!m_modules) m_modules = os::make_module_loader(paths.sys_module);
    return *m_modules;
}

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
    t.container = container;
    if (!t.live && mem_total) {
        t.machine.mem_total_bytes = mem_total;
        t.mem_total_bytes = *mem_total;
    }
    return t;
}

// Reads the few live facts that cross-key rules need, only when the
// profile has the keys they are about (keeps the common path lean).
// Offline (--kernel) the machine is not this one: nothing is read, and
// only what the user passed (--mem-total) is known.
void Context::add_facts_for(const model::ResolvedProfile& r)
{
    auto& t = const_cast<kernel::Target&>(target());
    if (!t.live) return;
    static constexpr const char* machine_keys[] = {"net.netfilter.nf_conntrack_max", "fs.file-max", "kernel.pid_max",
                                                   "vm.nr_hugepages", "vm.min_free_kbytes", "vm.overcommit_memory",
                                                   "vm.overcommit_ratio"};
    bool wants_machine = false;
    for (const char* k : machine_keys)
        wants_machine = wants_machine || r.find(k);
    if (wants_machine && !t.machine.mem_total_bytes) {
        t.machine = machine.read();
        if (t.machine.mem_total_bytes) t.mem_total_bytes = *t.machine.mem_total_bytes;
    }
    if (r.find("net.netfilter.nf_conntrack_max") && t.conntrack_buckets.empty())
        if (auto b = tree.read("net.netfilter.nf_conntrack_buckets", ports::Intent::read)) t.conntrack_buckets = b->text;
    if (r.find("net.ipv4.tcp_congestion_control") && t.available_congestion_control.empty())
        if (auto cc = tree.read("net.ipv4.tcp_available_congestion_control", ports::Intent::read))
            for (auto tok : util::split_ws(cc->text))
                t.available_congestion_control.emplace_back(tok);
    if (r.find("net.ipv4.ip_local_port_range") && !r.find("net.ipv4.ip_unprivileged_port_start"))
        if (auto v = tree.read("net.ipv4.ip_unprivileged_port_start", ports::Intent::read))
            t.unprivileged_port_start = util::parse_i64(util::trim(v->text));
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
