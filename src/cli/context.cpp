#include "cli/context.hpp"

#include <iostream>

#include "os/module_loader_factory.hpp"

namespace sysknob::cli {

ports::ModuleLoader& LazyModuleLoader::get()
{
    if (!m_loader) m_loader = os::make_module_loader(m_paths.sys_module);
    return *m_loader;
}

Context::Context(const Globals& g)
    : globals(g),
      paths(os::Paths::make(g.root)),
      tree(paths.proc_sys),
      machine(paths.proc),
      m_modules(paths),
      m_files(paths),
      m_boot(paths),
      m_lock(paths),
      m_env{tree, m_modules, m_files, m_boot, m_host, m_events, m_lock}
{
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

change::Loaded Context::load_and_lint(const std::vector<std::string>& args, bool strict,
                                      const profile::GivenTexts& given)
{
    target();
    return change::load_and_lint(args, paths.profile_dirs(), *m_target, machine, strict, given);
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

nlohmann::json diagnostics_json(const model::Diagnostics& ds)
{
    nlohmann::json out = nlohmann::json::array();
    for (const auto& d : ds)
        out.push_back(diagnostic_json(d));
    return out;
}

}  // namespace sysknob::cli
