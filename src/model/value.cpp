#include "model/value.hpp"

#include "util/strings.hpp"

namespace sysknob::model {

std::string Value::render() const
{
    if (kind == ValueKind::string) return text;
    std::string out;
    for (size_t i = 0; i < numbers.size(); ++i) {
        if (i) out += ' ';
        out += std::to_string(numbers[i]);
    }
    return out;
}

std::string normalize_live(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    for (auto tok : util::split_ws(text)) {
        if (!out.empty()) out += ' ';
        out += tok;
    }
    return out;
}

namespace {

// The next blank-separated token of `s` from `at`, "" at the end.
std::string_view next_token(std::string_view s, size_t& at)
{
    auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; };
    while (at < s.size() && blank(s[at]))
        ++at;
    size_t start = at;
    while (at < s.size() && !blank(s[at]))
        ++at;
    return s.substr(start, at - start);
}

}  // namespace

bool live_in_sync(std::string_view live, std::string_view expected)
{
    if (!live.empty() && live.back() == '\n') live.remove_suffix(1);
    if (live == expected) return true;
    // Token by token, without allocating: this runs once per planned key.
    size_t i = 0, j = 0;
    bool any = false;
    for (;;) {
        auto a = next_token(live, i);
        auto b = next_token(expected, j);
        if (a.empty() || b.empty()) return a.empty() && b.empty() && any;
        any = true;
        if (a == b) continue;
        auto x = util::parse_i64(a);
        auto y = util::parse_i64(b);
        if (!x || !y || *x != *y) return false;
    }
}

bool live_equals(std::string_view live, const Value& desired)
{
    return live_in_sync(live, desired.kind == ValueKind::string ? desired.text : desired.render());
}

}  // namespace sysknob::model
