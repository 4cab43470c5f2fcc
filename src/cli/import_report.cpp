#include "cli/import_report.hpp"

#include <iostream>
#include <vector>

#include "import/assemble.hpp"

namespace sysknob::cli {

using import::Finding;
using import::FindingKind;

void print_import_summary(const import::Imported& imported, const std::string& where, bool quiet)
{
    std::cerr << "imported " << imported.settings.size() << " key" << (imported.settings.size() == 1 ? "" : "s")
              << (imported.modules.empty() ? "" : " and " + std::to_string(imported.modules.size()) + " module(s)")
              << " from " << imported.files.size() << " file" << (imported.files.size() == 1 ? "" : "s") << where
              << "\n";
    if (quiet) return;
    for (auto kind : {FindingKind::absent, FindingKind::dangerous, FindingKind::conflict, FindingKind::drift,
                      FindingKind::hand_value, FindingKind::not_imported, FindingKind::lint}) {
        std::vector<const Finding*> group;
        for (const auto& f : imported.findings)
            if (f.kind == kind) group.push_back(&f);
        if (group.empty()) continue;
        std::cerr << "\n" << import::finding_kind_name(kind) << " (" << group.size() << "):\n";
        for (const auto* f : group)
            std::cerr << "  " << import::printable_text(f->file) << ":" << f->line << ": "
                      << import::printable_text(f->message) << "\n";
    }
}

nlohmann::json import_findings_json(const import::Imported& imported)
{
    nlohmann::json findings = nlohmann::json::array();
    for (const auto& f : imported.findings)
        findings.push_back({{"kind", import::finding_kind_name(f.kind)},
                            {"key", f.key},
                            {"file", f.file},
                            {"line", f.line},
                            {"message", f.message}});
    return findings;
}

}  // namespace sysknob::cli
