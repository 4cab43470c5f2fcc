#pragma once
// Profiles and settings as plain data. Pure.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "model/diagnostic.hpp"
#include "model/value.hpp"

namespace sysknob::model {

// One entry of [sysctl]: key, value, comment, optional, origin.
struct Setting {
    std::string key;  // canonical form, may hold "*" segments
    Value value;
    std::string comment;
    bool optional = false;
    std::string profile;  // name of the profile that set it
    SourceLocation where;
};

// A module parameter: an integer or string, or "auto" (hashsize).
struct ModuleParam {
    std::string name;
    std::string value;  // text; "auto" resolved later
    SourceLocation where;
};

struct ModuleConfig {
    std::string name;
    bool load = false;
    std::vector<ModuleParam> params;
    SourceLocation where;
    bool load_refused = false;  // `load = false` written: sysknob must not load it, even for its keys
};

// One profile file as read, before composition.
struct Profile {
    std::string name;
    std::string description;
    std::string path;
    std::vector<std::string> extends;
    std::vector<Setting> settings;
    std::vector<ModuleConfig> modules;
    std::vector<std::string> ignore;  // rule ids
    SourceLocation extends_where;
    SourceLocation name_where;  // the `name` line; line 0 when the file has none
};

// After `extends` and several command-line profiles: each key once, with
// its final value. Settings keep the order of their first appearance.
struct ResolvedProfile {
    std::vector<std::string> names;  // command-line profiles, in order
    std::vector<std::string> files;  // every file read, parents first
    std::vector<Setting> settings;
    std::vector<ModuleConfig> modules;
    std::map<std::string, std::vector<std::string>> ignore_by_file;  // rule ids per profile file
    std::string description;

    const Setting* find(const std::string& key) const;
    std::string display_name() const;  // "base+nat-gateway"
};

// Profile names as one: "base+nat-gateway" (command-line profiles, in order).
std::string join_names(const std::vector<std::string>& names);

// Composes profiles left to right, later wins; each key keeps its first position.
void compose_into(ResolvedProfile& into, const Profile& p);

}  // namespace sysknob::model
