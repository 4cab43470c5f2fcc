#pragma once
// What `sysknob import` tells the operator about what it read, with or
// without --take-over: the grouped summary on standard error and the
// findings in JSON. Prints only.
#include <string>

#include "cli/context.hpp"
#include "import/imported.hpp"

namespace sysknob::cli {

// "imported N keys from M files" + `where` (" into 'web.toml'"), then, unless
// `quiet`, the findings grouped by kind with file:line.
void print_import_summary(const import::Imported& imported, const std::string& where, bool quiet);

// [{"kind", "key", "file", "line", "message"}]
nlohmann::json import_findings_json(const import::Imported& imported);

}  // namespace sysknob::cli
