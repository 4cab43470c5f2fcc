#pragma once
// The plan: desired settings against observed live values, one item per
// concrete key (globs expanded, each key once with its final value).
// observe() is the only read of the system, through the SysctlTree port.
#include <map>
#include <string>
#include <vector>

#include "model/profile.hpp"
#include "ports/sysctl_tree.hpp"
#include "util/string_map.hpp"

namespace sysknob::plan {

enum class Status { same, change, missing, unwritable };
const char* status_name(Status s);

struct Item {
    std::string key;       // concrete key
    std::string pattern;   // the profile's key (may be a glob)
    std::string desired;   // kernel text form, single spaces
    std::string live;      // normalised live value; "" when missing
    std::string raw_live;  // as read, for exact restore
    Status status = Status::same;
    bool optional = false;
    bool restore = false;  // returning to the pre-sysknob value (key dropped by the new profile)
    std::string after_load;  // the module this change loads to bring the key ("" = the key is here now)
    std::string error;     // why missing / unwritable
};

struct Plan {
    std::vector<Item> items;           // in write order
    std::vector<std::string> skipped;  // optional keys absent here

    size_t change_count() const;
    bool in_sync() const;       // nothing to change, nothing missing or unwritable
    bool has_refusals() const;  // a non-optional key missing or unwritable
};

// Builds the plan. `restore` maps keys that the previous apply set and the
// new profile no longer sets to the value they had before sysknob.
// `loading` names the modules the change will load: a key absent now that
// the catalogue says one of them brings is planned as a change (after_load
// set, live value unknown) instead of missing.
Plan make_plan(const model::ResolvedProfile& profile, ports::SysctlTree& tree, ports::Intent intent,
               const util::StringMap& restore = {}, const std::vector<std::string>& loading = {});

}  // namespace sysknob::plan
