#pragma once
// The common end of every import source: assignments in reading order ->
// the settings boot would leave, plus what the operator must decide about
// the rest. Pure.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "import/imported.hpp"

namespace sysknob::import {

// One assignment as a source states it, in the order boot (or tuned's
// profile merge) reads it.
struct RawAssignment {
    std::string key;  // canonical (boot::normalize_key); may hold glob characters
    std::string value;
    std::string comment;
    std::string file;
    int line = 0;
    bool optional = false;      // '-key = value'
    bool is_exclusion = false;  // '-key' alone
};

// Later assignments of a key replace earlier ones, as in systemd-sysctl's
// table; each earlier one with another value is reported as a conflict at
// its own file:line. Keys and values a profile cannot hold become
// not_imported findings. Settings keep the reading order of their winning
// assignment. `into` already holds the files and any findings of the source.
void assemble(const std::vector<RawAssignment>& in_order, Imported& into);

// The value as a profile holds it: integers and vectors of integers where
// the text is plain decimal numbers (and the catalogue does not call the key
// a string), otherwise the text with runs of blanks made one space, as
// sysctl(8) and the kernel read it. nullopt for an empty value.
std::optional<model::Value> value_from_text(std::string_view key, std::string_view text);

// The comment block above 1-based `line` of `content`: contiguous '#' or ';'
// lines, skipping assignment lines of the same block (a comment above a
// group of keys is about all of them), stopping at a blank line. Markers,
// decoration and control characters dropped; the lines joined with spaces.
std::string comment_above(std::string_view content, int line);

// The text with every byte that is not part of well-formed UTF-8 (no
// overlong forms, no surrogates) and every control character replaced by
// '?': what a TOML comment or string can carry and the profile reader
// takes back. Sets *changed when anything was replaced.
std::string printable_text(std::string_view text, bool* changed = nullptr);

}  // namespace sysknob::import
