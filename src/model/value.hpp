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

// The one answer to "is this key in sync": does the kernel's text `live`
// hold the value `expected` (a desired value's render(), a snapshot's or
// the state's text)? Used by plan, status, rollback and the boot model.
// Equal after the trailing newline is dropped; else the blank-separated
// tokens pair up, each equal as text or, when both are integers, as
// numbers ("0010" is 10; the kernel prints string lists such as
// tcp_allowed_congestion_control with its own separators). Nothing is
// in sync with a blank-only value it does not equal exactly.
bool live_in_sync(std::string_view live, std::string_view expected);

// live_in_sync() with a profile's value.
bool live_equals(std::string_view live, const Value& desired);

}  // namespace sysknob::model
