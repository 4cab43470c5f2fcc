#pragma once
// What the operator must decide about an imported profile: lint findings
// (absent keys, removed or risky settings) at the line each key came from,
// and live values that already differ from the files. Reads the live tree
// through the SysctlTree port only; writes nothing.
#include <string>

#include "import/imported.hpp"
#include "kernel/target.hpp"
#include "model/diagnostic.hpp"
#include "ports/sysctl_tree.hpp"

namespace sysknob::import {

// Reads `text` (the written profile, labelled `label`) back with the
// profile reader and lints it for `target`. Lint diagnostics become
// findings of `imported` (absent, dangerous or lint) placed at the
// origin of the key they are about. Returns the reader's own diagnostics,
// which are empty unless the writer produced something it cannot read.
model::Diagnostics add_lint_findings(Imported& imported, const std::string& text, const std::string& label,
                                     const kernel::Target& target);

// One drift finding per exact imported key whose live value differs.
void add_drift_findings(Imported& imported, ports::SysctlTree& tree);

}  // namespace sysknob::import
