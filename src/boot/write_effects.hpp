#pragma once
// The kernel's own side effects of sysctl writes, kept as data in
// schemas/write_effects.toml and compiled into a table at build time by
// tools/catalogue_gen.cpp (--effects). Pure; no I/O. The boot replay
// (boot/boot_replay.hpp) applies them; nothing about them is hard-coded there.
#include <span>
#include <string_view>

namespace sysknob::boot {

enum class EffectWhen { write, change };
enum class EffectAction { mark_written, copy_to_unwritten, set };
enum class EffectValue { same, negate, zero };

struct EffectTarget {
    std::string_view key;  // may hold "{if}" and "{entry}"
    EffectValue value;
};

struct WriteEffect {
    std::string_view id;
    std::string_view trigger;  // may hold "{if}" and "{entry}"
    std::span<const std::string_view> except;
    EffectWhen when;
    EffectAction action;
    std::span<const EffectTarget> targets;
    std::string_view mechanism;  // words; "{trigger}" stands for the key written
    std::string_view source;
};

// The compiled-in value of a key before anything writes it.
struct BootValue {
    std::string_view key;  // may hold "{if}" (any interface, all and default too)
    std::string_view value;
    std::string_view source;
};

// In file order.
std::span<const WriteEffect> write_effects();
std::span<const BootValue> boot_values();

}  // namespace sysknob::boot
