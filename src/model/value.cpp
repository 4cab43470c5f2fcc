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

bool live_equals(std::string_view live, const Value& desired)
{
    if (desired.kind == ValueKind::string) {
        if (!live.empty() && live.back() == '\n') live.remove_suffix(1);
        if (live == desired.text) return true;
        // The kernel prints string lists (tcp_allowed_congestion_control)
        // with its own separators; equal token lists are the same value.
        return normalize_live(live) == normalize_live(desired.text) && !util::split_ws(desired.text).empty();
    }
    size_t i = 0;
    for (auto tok : util::split_ws(live)) {
        if (i >= desired.numbers.size()) return false;
        auto n = util::parse_i64(tok);
        if (!n || *n != desired.numbers[i]) return false;
        ++i;
    }
    return i == desired.numbers.size();
}

}  // namespace sysknob::model
