#pragma once
// The parameter catalogue: what sysknob knows about each sysctl key, kept as
// data in schemas/catalogue.toml and compiled into a table at build time by
// tools/catalogue_gen.cpp. Pure; no I/O.
#include <cstdint>
#include <span>
#include <string_view>

namespace sysknob::kernel {

enum class ParamType { integer, string };

struct Param {
    std::string_view key;  // may hold "*" for one interface segment: net.ipv4.conf.*.rp_filter
    ParamType type;
    int arity;  // 1 = scalar, N = vector of N integers, 0 = any length
    bool has_min, has_max;
    int64_t min, max;  // per element
    std::string_view unit;
    bool per_netns;
    std::string_view module;      // module that must be loaded for the key to exist
    std::string_view added_in;    // mainline release, "" = always there (before 2.6.12)
    std::string_view removed_in;  // first release without it, "" = still there
    std::string_view noop_since;  // still present but has no effect since
    std::string_view changed_in;  // meaning changed in
    std::string_view change_note;
    std::string_view replaced_by;  // the modern name of a legacy key
    std::string_view description;
    bool verified;
};

// All entries, sorted by key.
std::span<const Param> catalogue();

// Exact lookup; a concrete interface key (net.ipv4.conf.eth0.rp_filter) also
// matches the family entry that has "*" in that position.
const Param* find_param(std::string_view key);

}  // namespace sysknob::kernel
