#pragma once
// The module half of a change: load modules before the first live write,
// write live module parameters with read-back, and take both back. Effects
// only through the ModuleLoader port. Loading is host-wide (ports/module_loader).
#include <string>
#include <vector>

#include "ports/module_loader.hpp"

namespace sysknob::apply {

struct ModuleLoad {
    std::string name;
    std::string options;  // "hashsize=262144": parameters given at load time
};

struct ParamChange {
    std::string module, param;
    std::string from;  // the live value before, to restore
    std::string to;    // the value asked for
    std::string kept;  // what the kernel kept (read back); filled by write_params
};

// Loads each module in order. Returns every module inserted (dependencies
// first), the ones already loaded left out. On failure unloads what this
// call inserted, last first, and returns the error (naming the module).
Result<std::vector<std::string>> load_modules(const std::vector<ModuleLoad>& loads, ports::ModuleLoader& loader);

// Unloads `names` last first, each only when its use count is 0. Returns the
// names removed; `kept` gets a line for each one left loaded and why.
std::vector<std::string> unload_unused(const std::vector<std::string>& names, ports::ModuleLoader& loader,
                                       std::vector<std::string>& kept);

// Writes each parameter and records what the kernel kept. On failure puts
// back the ones written, last first, and returns the error.
Result<void> write_params(std::vector<ParamChange>& changes, ports::ModuleLoader& loader);

// Writes each change's `from`, last first; keeps going and returns the first error.
Result<void> undo_params(const std::vector<ParamChange>& written, ports::ModuleLoader& loader);

}  // namespace sysknob::apply
