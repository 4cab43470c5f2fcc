#pragma once
// FakeModuleLoader: an in-memory ports::ModuleLoader for unit tests. A test
// declares modules as available (with dependencies and default parameters),
// built in or loaded, and inspects every load, unload and parameter write in
// order. Errors can be injected per module (load, unload) and per parameter
// (write); a write can be made to keep a different value (the kernel's
// rounding), and a parameter can be read-only (mode 0444).
#include <cerrno>
#include <cstring>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "ports/module_loader.hpp"

namespace sysknob::test {

class FakeModuleLoader final : public ports::ModuleLoader {
  public:
    struct Module {
        ports::ModuleState state = ports::ModuleState::available;
        std::vector<std::string> deps;
        std::map<std::string, std::string> defaults;  // parameters a load creates
        std::map<std::string, std::string> params;    // live parameters (while loaded or built in)
        std::set<std::string> read_only;
        int refcount = 0;
    };
    std::map<std::string, Module> modules;
    std::vector<std::string> events;  // "load nf_conntrack hashsize=1024", "unload x", "param m.p=v"
    std::map<std::string, int> fail_load, fail_unload;
    std::map<std::string, int> fail_param;               // "module.param" -> errno
    std::map<std::string, std::string> round_param;      // "module.param" -> value the kernel keeps

    Module& add(const std::string& name, ports::ModuleState s = ports::ModuleState::available)
    {
        auto& m = modules[name];
        m.state = s;
        return m;
    }
    bool is_loaded(const std::string& name) const
    {
        auto it = modules.find(name);
        return it != modules.end() && it->second.state == ports::ModuleState::loaded;
    }

    std::string release() override { return "6.1.0-test"; }

    Result<ports::ModuleState> state(std::string_view module) override
    {
        auto it = modules.find(std::string(module));
        return it == modules.end() ? ports::ModuleState::absent : it->second.state;
    }

    Result<std::vector<std::string>> load(std::string_view module, std::string_view options) override
    {
        std::string name(module);
        events.push_back("load " + name + (options.empty() ? "" : " " + std::string(options)));
        auto it = modules.find(name);
        if (it == modules.end() || it->second.state == ports::ModuleState::absent)
            return fail("module '" + name + "' was not found for kernel " + release(), ENOENT);
        if (auto f = fail_load.find(name); f != fail_load.end())
            return fail("cannot load module '" + name + "': " + std::strerror(f->second), f->second);
        std::vector<std::string> inserted;
        for (const auto& d : it->second.deps)
            if (modules[d].state == ports::ModuleState::available) {
                insert(d, "");
                inserted.push_back(d);
            }
        if (it->second.state == ports::ModuleState::available) {
            insert(name, std::string(options));
            inserted.push_back(name);
        }
        return inserted;
    }

    Result<int> refcount(std::string_view module) override
    {
        auto it = modules.find(std::string(module));
        if (it == modules.end() || it->second.state != ports::ModuleState::loaded)
            return fail("module '" + std::string(module) + "' is not loaded", ENOENT);
        return it->second.refcount;
    }

    Result<void> unload(std::string_view module) override
    {
        std::string name(module);
        events.push_back("unload " + name);
        auto it = modules.find(name);
        if (it == modules.end() || it->second.state != ports::ModuleState::loaded)
            return fail("cannot unload module '" + name + "': " + std::strerror(ENOENT), ENOENT);
        if (auto f = fail_unload.find(name); f != fail_unload.end())
            return fail("cannot unload module '" + name + "': " + std::strerror(f->second), f->second);
        if (it->second.refcount > 0)
            return fail("cannot unload module '" + name + "': " + std::strerror(EWOULDBLOCK), EWOULDBLOCK);
        it->second.state = ports::ModuleState::available;
        it->second.params.clear();
        return {};
    }

    Result<ports::ParamValue> read_param(std::string_view module, std::string_view param) override
    {
        auto* m = live(module);
        if (!m || !m->params.count(std::string(param)))
            return fail("module '" + std::string(module) + "' has no live parameter '" + std::string(param) + "'",
                        ENOENT);
        return ports::ParamValue{m->params.at(std::string(param)), !m->read_only.count(std::string(param))};
    }

    Result<std::string> write_param(std::string_view module, std::string_view param, std::string_view value) override
    {
        std::string id = std::string(module) + "." + std::string(param);
        events.push_back("param " + id + "=" + std::string(value));
        auto* m = live(module);
        if (!m || !m->params.count(std::string(param))) return fail("cannot write '" + id + "': no such parameter", ENOENT);
        if (m->read_only.count(std::string(param)))
            return fail("cannot write '" + id + "': " + std::strerror(EACCES), EACCES);
        if (auto f = fail_param.find(id); f != fail_param.end())
            return fail("cannot write '" + std::string(value) + "' to module parameter '" + id + "': " +
                            std::strerror(f->second),
                        f->second);
        auto r = round_param.find(id);
        m->params[std::string(param)] = r != round_param.end() ? r->second : std::string(value);
        return m->params[std::string(param)];
    }

  private:
    Module* live(std::string_view module)
    {
        auto it = modules.find(std::string(module));
        if (it == modules.end()) return nullptr;
        auto s = it->second.state;
        return s == ports::ModuleState::loaded || s == ports::ModuleState::builtin ? &it->second : nullptr;
    }
    void insert(const std::string& name, const std::string& options)
    {
        auto& m = modules[name];
        m.state = ports::ModuleState::loaded;
        m.params = m.defaults;
        size_t pos = 0;
        while (pos < options.size()) {
            size_t sp = options.find(' ', pos);
            std::string opt = options.substr(pos, sp == std::string::npos ? std::string::npos : sp - pos);
            if (auto eq = opt.find('='); eq != std::string::npos) m.params[opt.substr(0, eq)] = opt.substr(eq + 1);
            pos = sp == std::string::npos ? options.size() : sp + 1;
        }
    }
};

}  // namespace sysknob::test
