#pragma once
// Values: what a key holds. Desired values come from profiles; live values
// are the kernel's text. Pure; no I/O.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sysknob::model {

enum class ValueKind { integer, string, vector };

struct Value {
    ValueKind kind = ValueKind::integer;
    std::vector<int64_t> numbers;  // integer: one; vector: several
    std::string text;              // string: as written, never rewritten

    static Value of_integer(int64_t v) { return Value{ValueKind::integer, {v}, {}}; }
    static Value of_string(std::string s) { return Value{ValueKind::string, {}, std::move(s)}; }
    static Value of_vector(std::vector<int64_t> v) { return Value{ValueKind::vector, std::move(v), {}}; }

    // The kernel's text form with single spaces: "4096 131072 6291456".
    std::string render() const;
    bool operator==(const Value&) const = default;
};

// Normalises kernel output: trailing newline dropped, runs of blanks and
// tabs made one space, ends trimmed.
std::string normalize_live(std::string_view text);

// Does the live text already hold the desired value? Numbers compare as
// numbers token by token ("0010" equals "10"); strings compare exactly
// after the trailing newline is dropped.
bool live_equals(std::string_view live, const Value& desired);

}  // namespace sysknob::model
