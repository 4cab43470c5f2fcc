#pragma once
// Import from sysctl.conf / sysctl.d files: each parsed exactly as
// systemd-sysctl parses it (boot/sysctl_d_parser.hpp). Pure.
#include <vector>

#include "boot/boot_model.hpp"
#include "import/assemble.hpp"
#include "import/imported.hpp"

namespace sysknob::import {

// The assignments of `files`, read in the order given (later wins), with
// the comment block above each line. Parse issues (lines that are not
// assignments, over-long lines) become not_imported findings.
std::vector<RawAssignment> sysctl_assignments(const std::vector<SourceFile>& files, std::vector<Finding>& findings);

// Files in the order given -> Imported.
Imported import_sysctl_files(const std::vector<SourceFile>& files);

// What systemd-sysctl reads at boot, in its reading order: the files that
// count after masking by name, each labelled with its logical path
// ("/etc/sysctl.d/10-x.conf", not prefixed by --root). Files masked by a
// /dev/null link and files shadowed by a same-named file of a higher
// directory are left out, as boot leaves them out.
std::vector<SourceFile> boot_sources(const boot::BootResult& model, const std::vector<boot::ConfigFile>& files);

}  // namespace sysknob::import
