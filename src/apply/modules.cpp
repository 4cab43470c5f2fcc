#include "apply/modules.hpp"

#include <algorithm>

namespace sysknob::apply {

std::vector<std::string> unload_unused(const std::vector<std::string>& names, ports::ModuleLoader& loader,
                                       std::vector<std::string>& kept)
{
    std::vector<std::string> removed;
    for (auto it = names.rbegin(); it != names.rend(); ++it) {
        auto state = loader.state(*it);
        if (!state || *state != ports::ModuleState::loaded) continue;  // gone already
        // The kernel refuses a module in use anyway (delete_module with
        // O_NONBLOCK); asking first gives the operator the count.
        auto refs = loader.refcount(*it);
        if (refs && *refs > 0) {
            kept.push_back("module '" + *it + "' left loaded: in use (use count " + std::to_string(*refs) + ")");
            continue;
        }
        if (auto r = loader.unload(*it); !r) {
            kept.push_back("module '" + *it + "' left loaded: " + r.error().message);
            continue;
        }
        removed.push_back(*it);
    }
    return removed;
}

Result<std::vector<std::string>> load_modules(const std::vector<ModuleLoad>& loads, ports::ModuleLoader& loader)
{
    std::vector<std::string> inserted;
    for (const auto& l : loads) {
        auto r = loader.load(l.name, l.options);
        if (!r) {
            Error e = r.error();
            std::vector<std::string> kept;
            auto removed = unload_unused(inserted, loader, kept);
            if (!inserted.empty())
                e.message += removed.size() == inserted.size()
                                 ? "; the modules loaded before it were unloaded"
                                 : "; could not unload every module loaded before it (" + kept.front() + ")";
            return tl::unexpected(e);
        }
        for (auto& n : *r)
            if (std::find(inserted.begin(), inserted.end(), n) == inserted.end()) inserted.push_back(std::move(n));
    }
    return inserted;
}

Result<void> undo_params(const std::vector<ParamChange>& written, ports::ModuleLoader& loader)
{
    Result<void> first = {};
    for (auto it = written.rbegin(); it != written.rend(); ++it) {
        auto r = loader.write_param(it->module, it->param, it->from);
        if (!r && first) first = tl::unexpected(r.error());
    }
    return first;
}

Result<void> write_params(std::vector<ParamChange>& changes, ports::ModuleLoader& loader)
{
    std::vector<ParamChange> written;
    for (auto& c : changes) {
        auto r = loader.write_param(c.module, c.param, c.to);
        if (!r) {
            Error e = r.error();
            if (auto u = undo_params(written, loader); !u)
                e.message += "; could not put back every earlier parameter (" + u.error().message + ")";
            return tl::unexpected(e);
        }
        c.kept = *r;
        written.push_back(c);
    }
    return {};
}

}  // namespace sysknob::apply
