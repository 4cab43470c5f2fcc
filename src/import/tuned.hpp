#pragma once
// Import from a tuned profile (tuned.conf(5), tuned 2.x): its [sysctl] and
// [modules] sections after tuned's profile merge. Pure: files come through
// the `read` function the caller gives (cli/ reads them under --root).
//
// Modelled on tuned 2.20 (tuned/profiles/loader.py, merger.py,
// locator.py, plugins/plugin_sysctl.py, plugins/plugin_modules.py):
//   - tuned.conf is an ini file ('=' delimiter, '#' and ';' comments, a '#'
//     after whitespace starts an inline comment, option names keep their case);
//   - [main] include=A,B (',' or ';' separated) loads A, then B, then the
//     profile itself, each later one overriding options of the same section;
//     a section with replace=1 drops what earlier profiles put in it;
//   - a profile name is looked up in /etc/tuned/profiles, /etc/tuned,
//     /usr/lib/tuned/profiles, /usr/lib/tuned (the first holding NAME/tuned.conf
//     wins; tuned 2.23 moved the shipped ones to .../profiles), and a profile
//     including its own name reaches the next directory;
//   - [sysctl] values are unquoted ("..."), and a leading '>' or '<' makes
//     tuned write the value only when it raises or lowers the current one;
//   - ${name} is a [variables] entry (also from a variables include= file);
//     ${f:function:...} and ${i:...} are computed by tuned at run time.
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "import/assemble.hpp"
#include "import/imported.hpp"

namespace sysknob::import {

// Reads a file by its logical path ("/usr/lib/tuned/x/tuned.conf"); nullopt
// when it does not exist or cannot be read.
using ReadFile = std::function<std::optional<std::string>(const std::string& path)>;

// tuned's profile directories, highest precedence first.
const std::vector<std::string>& tuned_profile_dirs();

// Whether the text is a tuned profile rather than a sysctl.d file: it has
// an ini section header ([main], [sysctl], ...) on a line of its own.
bool looks_like_tuned(std::string_view content);

// The [sysctl] assignments of the profile in `conf` and everything it
// includes, in tuned's merge order (included profiles first). Files read,
// [modules] entries and findings are added to `into`.
std::vector<RawAssignment> tuned_assignments(const SourceFile& conf, const ReadFile& read, Imported& into);

// tuned_assignments() then assemble().
Imported import_tuned(const SourceFile& conf, const ReadFile& read);

}  // namespace sysknob::import
