#pragma once
// What every command shares: the global options, and the os/ adapters
// behind the ports that the core and change/ work through (paths, the live
// tree, modules, files, boot configuration, host, journal, lock), plus the
// printing of results and diagnostics. cli/ is the only layer that prints.
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "change/env.hpp"
#include "change/load.hpp"
#include "kernel/target.hpp"
#include "model/diagnostic.hpp"
#include "os/change_events.hpp"
#include "os/disk_boot_config.hpp"
#include "os/disk_file_store.hpp"
#include "os/lock.hpp"
#include "os/paths.hpp"
#include "os/proc_machine_probe.hpp"
#include "os/proc_sysctl_tree.hpp"
#include "os/system_host.hpp"
#include "ports/module_loader.hpp"

namespace sysknob::cli {

// Exit codes (man/sysknob.8, EXIT STATUS). One meaning each; scripts rely on them.
enum ExitCode : int {
    k_exit_ok = 0,      // success; in sync; nothing to do
    k_exit_error = 1,   // invalid profile, refused or failed change; system left as it was
    k_exit_drift = 2,   // diff/status/apply --check found differences
    k_exit_usage = 64,  // unknown option, missing argument
};

struct Globals {
    std::string root;
    std::string kernel;  // --kernel RELEASE, "" = running
    std::string format = "text";
    bool quiet = false;
    bool verbose = false;
    bool no_color = false;
    bool json() const { return format == "json"; }
};

// A ModuleLoader created on first use (libkmod is opened only then).
class LazyModuleLoader final : public ports::ModuleLoader {
  public:
    explicit LazyModuleLoader(const os::Paths& paths) : m_paths(paths) {}
    std::string release() override { return get().release(); }
    Result<ports::ModuleState> state(std::string_view m) override { return get().state(m); }
    Result<std::vector<std::string>> load(std::string_view m, std::string_view o) override { return get().load(m, o); }
    Result<int> refcount(std::string_view m) override { return get().refcount(m); }
    Result<void> unload(std::string_view m) override { return get().unload(m); }
    Result<ports::ParamValue> read_param(std::string_view m, std::string_view p) override
    {
        return get().read_param(m, p);
    }
    Result<std::string> write_param(std::string_view m, std::string_view p, std::string_view v) override
    {
        return get().write_param(m, p, v);
    }

  private:
    ports::ModuleLoader& get();
    const os::Paths& m_paths;
    std::unique_ptr<ports::ModuleLoader> m_loader;
};

class Context {
  public:
    explicit Context(const Globals& g);
    const Globals& globals;
    os::Paths paths;
    os::ProcSysctlTree tree;
    os::ProcMachineProbe machine;

    // Lint options that shape the target; set before the first target().
    bool container = false;             // --container
    std::optional<uint64_t> mem_total;  // --mem-total (offline)

    // Kernel modules and their live parameters; libkmod is opened on first use.
    ports::ModuleLoader& modules() { return m_modules; }
    // The ports change:: works through.
    change::Env& env() { return m_env; }

    // The target kernel; reads /proc/meminfo and a few keys on first use.
    const kernel::Target& target();
    std::string running_release() { return m_host.kernel_release(); }

    // change::load_and_lint() with this context's profile directories and
    // target. Prints nothing.
    change::Loaded load_and_lint(const std::vector<std::string>& args, bool strict,
                                 const profile::GivenTexts& given = {});

    void print_diagnostics(const model::Diagnostics& d) const;
    static void print_json(const nlohmann::json& j);

  private:
    std::unique_ptr<kernel::Target> m_target;
    LazyModuleLoader m_modules;
    os::DiskFileStore m_files;
    os::DiskBootConfig m_boot;
    os::SystemHost m_host;
    os::LoggedChangeEvents m_events;
    os::FileChangeLock m_lock;
    change::Env m_env;
};

nlohmann::json diagnostic_json(const model::Diagnostic& d);
// Every diagnostic, as a JSON array: the "diagnostics" member of each command's document.
nlohmann::json diagnostics_json(const model::Diagnostics& ds);

}  // namespace sysknob::cli
