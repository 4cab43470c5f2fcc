#pragma once
// What every command shares: the global options, paths, the live tree, the
// target kernel, and the printing of results and diagnostics. cli/ is the
// only layer that prints.
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "kernel/target.hpp"
#include "model/diagnostic.hpp"
#include "os/paths.hpp"
#include "os/proc_machine_probe.hpp"
#include "os/proc_sysctl_tree.hpp"
#include "ports/module_loader.hpp"
#include "profile/loader.hpp"

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
    ports::ModuleLoader& modules();

    // The target kernel; reads /proc/meminfo and a few keys on first use.
    const kernel::Target& target();
    std::string running_release() const;

    // Loads, composes and (optionally) lints; prints diagnostics to stderr
    // (text) and returns them for JSON. Sets `ok` false when any error.
    struct Loaded {
        profile::LoadResult load;
        model::Diagnostics diagnostics;
        bool ok = true;
    };
    Loaded load_and_lint(const std::vector<std::string>& args, bool strict);

    void print_diagnostics(const model::Diagnostics& d) const;
    static void print_json(const nlohmann::json& j);

  private:
    void add_facts_for(const model::ResolvedProfile& r);
    std::unique_ptr<kernel::Target> m_target;
    std::unique_ptr<ports::ModuleLoader> m_modules;
};

nlohmann::json diagnostic_json(const model::Diagnostic& d);

}  // namespace sysknob::cli
