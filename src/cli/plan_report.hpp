#pragma once
// How a prepared change is shown before it is carried out: the plan's
// lines (apply, apply --dry-run, import --take-over [--dry-run]) and the
// JSON document apply prints, which take-over's extends. Prints only.
#include <ostream>

#include "change/prepare.hpp"
#include "cli/context.hpp"

namespace sysknob::cli {

// One line per module load, module parameter, key ("key: before -> after")
// and file; `would` says "would load" for a plan that is not carried out.
void print_plan(const change::Prepared& p, std::ostream& out, bool would);

// apply's document: {"changed", "snapshot", "changes", "files", "modules",
// "module_params", "warnings", "diagnostics", "skipped"}; snapshot_id 0 is null.
nlohmann::json plan_report(const change::Prepared& p, bool changed, int snapshot_id, const model::Diagnostics& diags);

}  // namespace sysknob::cli
