#pragma once
// Small string helpers; know nothing of sysctl.
#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sysknob::util {

inline bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

inline std::string_view trim(std::string_view s)
{
    while (!s.empty() && is_space(s.front()))
        s.remove_prefix(1);
    while (!s.empty() && is_space(s.back()))
        s.remove_suffix(1);
    return s;
}

// Splits on runs of whitespace; no empty fields.
std::vector<std::string_view> split_ws(std::string_view s);
// Splits on one character; keeps empty fields.
std::vector<std::string_view> split(std::string_view s, char sep);

std::optional<int64_t> parse_i64(std::string_view s);

// Levenshtein distance, bounded: returns limit+1 when larger.
size_t edit_distance(std::string_view a, std::string_view b, size_t limit);

bool starts_with(std::string_view s, std::string_view prefix);

// Joins with a separator.
std::string join(const std::vector<std::string>& parts, std::string_view sep);

// Compares release strings like "4.12", "5.15.0-91-generic", "<=2.6.11"
// numerically by their leading dotted numbers. Returns <0, 0, >0.
int compare_release(std::string_view a, std::string_view b);

}  // namespace sysknob::util
