#pragma once
// The parameter catalogue: what sysknob knows about each sysctl key, kept as
// data in schemas/catalogue.toml and compiled into a table at build time by
// tools/catalogue_gen.cpp (which also renders man/sysknob-keys.7 from it).
// Pure; no I/O.
#include <cstdint>
#include <span>
#include <string_view>

namespace sysknob::kernel {

enum class ParamType { integer, string };

// The namespace whose instance owns the value. A container (its own
// network, IPC, user namespaces) can change only net/ipc/user/uts keys;
// a global key written from a container changes the host.
enum class Namespace { net, ipc, user, uts, global };

// What the kernel does with a value one past min/max.
enum class OutOfRange {
    einval,  // the write fails with EINVAL and the value is unchanged
    erange,  // above max the write fails with ERANGE (below min EINVAL); the value is unchanged (vm.dirty_bytes)
    clamp,   // the value is stored clamped or normalised (bridge-nf-call-*: any non-zero is 1)
    hz,      // EINVAL, but the bound depends on CONFIG_HZ (max is the HZ=1000 one)
};

struct Param {
    std::string_view key;  // may hold "*" for one interface segment: net.ipv4.conf.*.rp_filter
    ParamType type;
    int arity;  // 1 = scalar, N = vector of N integers, 0 = any length
    // Bounds the kernel itself enforces (per element): lint refuses values
    // outside them, because the write would fail.
    bool has_min, has_max;
    int64_t min, max;
    OutOfRange out_of_range;
    // A sensible range and why; lint only warns outside it.
    bool has_advice_min, has_advice_max;
    int64_t advice_min, advice_max;
    std::string_view advice;
    std::string_view unit;
    Namespace ns;
    bool per_netns;                // ns == Namespace::net
    std::string_view child_netns;  // rw | ro | absent | n/a in a child network namespace (6.18)
    std::string_view all_semantics;  // per-interface keys: how all/default/interface combine
    std::string_view all_note;
    std::string_view module;      // module that must be loaded for the key to exist
    std::string_view added_in;    // mainline release, "" = always there (before 2.6.12)
    std::string_view removed_in;  // first release without it, "" = still there
    std::string_view noop_since;  // still present but has no effect since
    bool has_default_value;
    std::string_view default_value;  // as the kernel prints it on current kernels
    std::string_view default_changed_in;  // the default differed before this release
    std::string_view default_before;
    std::string_view default_change_note;
    std::string_view meaning_changed_in;  // a value meant something else before this release
    std::span<const int64_t> meaning_values;  // empty = every value
    std::string_view meaning_change_note;
    std::string_view replaced_by;  // the modern name of a legacy key
    std::string_view description;
    std::string_view source;  // the first public source (documentation or source file)
    bool verified;
};

// All entries, sorted by key.
std::span<const Param> catalogue();

// Exact lookup; a concrete interface key (net.ipv4.conf.eth0.rp_filter) also
// matches the family entry that has "*" in that position.
const Param* find_param(std::string_view key);

// The default the kernel prints for this release, "" when the catalogue
// does not know it (computed at boot, or before a change it records no
// value for). Vector elements are separated by single spaces.
std::string_view default_for(const Param& p, std::string_view release);

std::string_view namespace_name(Namespace ns);

}  // namespace sysknob::kernel
