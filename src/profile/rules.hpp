#pragma once
// The lint rules: stable ids, default severity, title and rationale. This
// table is the one list of rules; `sysknob lint --list-rules` prints it and
// the man page is checked against it (tests/cli/man_help_sync.sh). Pure.
#include <span>
#include <string_view>

#include "model/diagnostic.hpp"

namespace sysknob::profile {

struct Rule {
    std::string_view id;
    model::Severity severity;
    bool suppressible;  // SK0xxx (input that is not a profile at all) never is
    std::string_view title;
    std::string_view rationale;
};

std::span<const Rule> rules();
const Rule* find_rule(std::string_view id);

// Builds a diagnostic with the rule's default severity.
model::Diagnostic make_diagnostic(std::string_view id, std::string key, model::SourceLocation where,
                                  std::string message, std::string hint);

}  // namespace sysknob::profile
