#include "import/review.hpp"

#include <map>

#include "model/key.hpp"
#include "profile/lint.hpp"
#include "profile/toml_reader.hpp"

namespace sysknob::import {

namespace {

FindingKind kind_of(const std::string& rule)
{
    // SK1001 unknown, SK1005 absent here, SK2002 newer than the kernel,
    // SK3008 optional and absent: the key is not on this kernel.
    if (rule == "SK1001" || rule == "SK1005" || rule == "SK2002" || rule == "SK3008") return FindingKind::absent;
    // Removed, no-op, changed meaning, legacy name, and the cross-key risk
    // rules (tcp_tw_recycle with timestamps, short timers...).
    if (rule.starts_with("SK2") || rule == "SK3001" || rule == "SK3006") return FindingKind::dangerous;
    return FindingKind::lint;
}

}  // namespace

model::Diagnostics add_lint_findings(Imported& imported, const std::string& text, const std::string& label,
                                     const kernel::Target& target)
{
    auto read = profile::read_profile_text(text, label, "imported");
    if (model::has_errors(read.diagnostics)) return read.diagnostics;
    model::ResolvedProfile resolved;
    model::compose_into(resolved, read.profile);
    std::map<std::string, const ImportedSetting*> origin;
    for (const auto& s : imported.settings)
        origin[s.key] = &s;
    for (const auto& d : profile::lint(resolved, target)) {
        auto it = origin.find(d.key);
        Finding f{kind_of(d.id), d.key, d.where.file, d.where.line, d.id + " " + d.message};
        if (!d.hint.empty()) f.message += " (" + d.hint + ")";
        if (it != origin.end()) {
            f.file = it->second->file;
            f.line = it->second->line;
        }
        imported.findings.push_back(std::move(f));
    }
    return read.diagnostics;
}

void add_drift_findings(Imported& imported, ports::SysctlTree& tree)
{
    for (const auto& s : imported.settings) {
        if (model::key_has_glob(s.key)) continue;
        auto live = tree.read(s.key, ports::Intent::read);
        if (!live || model::live_equals(live->text, s.value)) continue;
        imported.findings.push_back(Finding{FindingKind::drift, s.key, s.file, s.line,
                                            "live value '" + model::normalize_live(live->text) +
                                                "' differs from the files' '" + s.value.render() +
                                                "': the host is not running what its files say"});
    }
}

}  // namespace sysknob::import
