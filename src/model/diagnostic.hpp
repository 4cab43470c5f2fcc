#pragma once
// Diagnostics: mistakes in profiles, reported the way compilers do
// ("FILE:LINE:COL: SEVERITY[RULE-ID]: message" plus a hint). Pure.
#include <string>
#include <vector>

namespace sysknob::model {

struct SourceLocation {
    std::string file;
    int line = 0;    // 1-based; 0 = unknown
    int column = 0;  // 1-based; 0 = unknown
};

enum class Severity { info, warning, error };

const char* severity_name(Severity s);

struct Diagnostic {
    std::string id;  // stable rule id, "SK1001"
    Severity severity = Severity::error;
    std::string key;
    SourceLocation where;
    std::string message;
    std::string hint;
};

using Diagnostics = std::vector<Diagnostic>;

bool has_errors(const Diagnostics& d);

// "FILE:LINE:COL: SEVERITY[ID]: message\n  hint: ...\n"
std::string render_diagnostic(const Diagnostic& d);

}  // namespace sysknob::model
