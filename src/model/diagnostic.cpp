#include "model/diagnostic.hpp"

#include <algorithm>

namespace sysknob::model {

const char* severity_name(Severity s)
{
    switch (s) {
    case Severity::info: return "info";
    case Severity::warning: return "warning";
    case Severity::error: return "error";
    }
    return "error";
}

bool has_errors(const Diagnostics& d)
{
    return std::any_of(d.begin(), d.end(), [](const Diagnostic& x) { return x.severity == Severity::error; });
}

std::string render_diagnostic(const Diagnostic& d)
{
    std::string out = d.where.file.empty() ? std::string("<input>") : d.where.file;
    if (d.where.line > 0) {
        out += ':' + std::to_string(d.where.line);
        if (d.where.column > 0) out += ':' + std::to_string(d.where.column);
    }
    out += ": ";
    out += severity_name(d.severity);
    out += '[' + d.id + "]: " + d.message + '\n';
    if (!d.hint.empty()) out += "  hint: " + d.hint + '\n';
    return out;
}

}  // namespace sysknob::model
