#include "import/sysctl_files.hpp"

#include <map>

#include "import/take_over.hpp"

namespace sysknob::import {

std::vector<RawAssignment> sysctl_assignments(const std::vector<SourceFile>& files, std::vector<Finding>& findings)
{
    std::vector<RawAssignment> out;
    for (const auto& f : files) {
        boot::ParsedFile parsed = boot::parse_sysctl_d(f.content, f.path);
        for (const auto& issue : parsed.issues)
            findings.push_back(Finding{FindingKind::not_imported, "", issue.file, issue.line, issue.message});
        for (const auto& a : parsed.assignments) {
            RawAssignment r;
            r.key = a.key;
            r.value = a.value;
            r.file = a.file;
            r.line = a.line;
            r.optional = a.ignore_failure;
            r.is_exclusion = a.is_exclusion;
            r.comment = comment_above(f.content, a.line);
            out.push_back(std::move(r));
        }
    }
    return out;
}

Imported import_sysctl_files(const std::vector<SourceFile>& files)
{
    Imported out;
    for (const auto& f : files) {
        out.files.push_back(f.path);
        out.fingerprints[f.path] = fingerprint(f.content);
    }
    auto assignments = sysctl_assignments(files, out.findings);
    assemble(assignments, out);
    return out;
}

std::vector<SourceFile> boot_sources(const boot::BootResult& model, const std::vector<boot::ConfigFile>& files)
{
    std::map<std::string, const boot::ConfigFile*> by_path;
    for (const auto& f : files) {
        std::string path = f.directory;
        if (path.empty() || path.back() != '/') path += '/';
        by_path[path + f.name] = &f;
    }
    std::vector<SourceFile> out;
    for (const auto& path : model.files) {
        auto it = by_path.find(path);
        if (it == by_path.end() || it->second->masked_to_devnull) continue;
        out.push_back(SourceFile{path, it->second->content});
    }
    return out;
}

}  // namespace sysknob::import
