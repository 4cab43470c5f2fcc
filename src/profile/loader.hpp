#pragma once
// Finds profiles by name or path, reads them, resolves `extends` and
// composes several profiles left to right (later wins). Reads files; no
// other side effects. Problems become diagnostics (SK0002, SK0008).
#include <map>
#include <string>
#include <vector>

#include "model/diagnostic.hpp"
#include "model/profile.hpp"

namespace sysknob::profile {

struct FoundProfile {
    std::string name;
    std::string path;
    std::string description;
    bool overrides_shipped = false;
};

struct LoadResult {
    model::ResolvedProfile resolved;
    model::Diagnostics diagnostics;
};

// A PROFILE argument with '/' or ending in ".toml" is a path; otherwise a
// name looked up in `dirs` in order (admin directory first).
bool is_path_argument(const std::string& arg);

// Profile texts known by path that are not (yet) on disk: a path found
// here is read from the map, not from the file system. import --take-over
// lints the profile it would write this way, under the name it will have.
using GivenTexts = std::map<std::string, std::string>;

// Loads and composes the command-line profiles.
LoadResult load_profiles(const std::vector<std::string>& args, const std::vector<std::string>& dirs,
                         const GivenTexts& given = {});

// Every profile in `dirs`, the first directory winning for a name, sorted by name.
std::vector<FoundProfile> list_profiles(const std::vector<std::string>& dirs);

// Each profile directory that exists but cannot be read (a symbolic link
// loop, a file, no permission), as "DIR: reason": its profiles would
// otherwise just be "not found". A missing directory is normal.
std::vector<std::string> unreadable_profile_dirs(const std::vector<std::string>& dirs);

constexpr size_t k_max_profile_bytes = 16u << 20;

}  // namespace sysknob::profile
