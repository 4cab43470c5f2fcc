#include "import/assemble.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "boot/sysctl_d_parser.hpp"
#include "kernel/catalogue.hpp"
#include "model/key.hpp"
#include "util/strings.hpp"

namespace sysknob::import {

namespace {

// Plain decimal: what a profile integer round-trips to. The kernel's
// proc_get_long() parses with base 0 (lib/kstrtox.c via
// kernel/sysctl.c:proc_get_long, Linux 6.x), so "010" is 8 and "0x10" 16 to
// the kernel: such text stays a string rather than being rewritten.
std::optional<int64_t> plain_decimal(std::string_view tok)
{
    std::string_view digits = tok;
    if (!digits.empty() && digits.front() == '-') digits.remove_prefix(1);
    if (digits.empty() || (digits.size() > 1 && digits.front() == '0')) return std::nullopt;
    for (char c : digits)
        if (c < '0' || c > '9') return std::nullopt;
    if (tok == "-0") return std::nullopt;
    return util::parse_i64(tok);
}

std::string quoted(std::string_view s)
{
    return "'" + std::string(s) + "'";
}

std::string where(const RawAssignment& a)
{
    return a.file + ":" + std::to_string(a.line);
}

// Length of the well-formed UTF-8 sequence at s[i], 0 when there is none
// (Unicode 15, table 3-7).
size_t utf8_length(std::string_view s, size_t i)
{
    auto at = [&](size_t k) { return i + k < s.size() ? static_cast<unsigned char>(s[i + k]) : 0u; };
    unsigned c = at(0);
    auto cont = [](unsigned b) { return b >= 0x80 && b <= 0xbf; };
    if (c < 0x80) return 1;
    if (c >= 0xc2 && c <= 0xdf) return cont(at(1)) ? 2 : 0;
    if (c >= 0xe0 && c <= 0xef) {
        unsigned lo = c == 0xe0 ? 0xa0 : 0x80, hi = c == 0xed ? 0x9f : 0xbf;
        return at(1) >= lo && at(1) <= hi && cont(at(2)) ? 3 : 0;
    }
    if (c >= 0xf0 && c <= 0xf4) {
        unsigned lo = c == 0xf0 ? 0x90 : 0x80, hi = c == 0xf4 ? 0x8f : 0xbf;
        return at(1) >= lo && at(1) <= hi && cont(at(2)) && cont(at(3)) ? 4 : 0;
    }
    return 0;
}

}  // namespace

std::string printable_text(std::string_view text, bool* changed)
{
    std::string out;
    out.reserve(text.size());
    bool replaced = false;
    for (size_t i = 0; i < text.size();) {
        auto c = static_cast<unsigned char>(text[i]);
        size_t n = utf8_length(text, i);
        if (n == 0 || c < 0x20 || c == 0x7f) {
            out += '?';
            replaced = true;
            ++i;
            continue;
        }
        out.append(text.substr(i, n));
        i += n;
    }
    if (changed) *changed = replaced;
    return out;
}

const char* finding_kind_name(FindingKind k)
{
    switch (k) {
    case FindingKind::not_imported: return "not imported";
    case FindingKind::hand_value: return "needs a value written by hand";
    case FindingKind::conflict: return "conflict between files";
    case FindingKind::absent: return "absent on this kernel";
    case FindingKind::dangerous: return "dangerous or obsolete";
    case FindingKind::lint: return "lint";
    case FindingKind::drift: return "live value differs from the files";
    }
    return "?";
}

std::optional<model::Value> value_from_text(std::string_view key, std::string_view text)
{
    auto tokens = util::split_ws(text);
    if (tokens.empty()) return std::nullopt;
    const kernel::Param* p = kernel::find_param(key);
    bool numeric = !(p && p->type == kernel::ParamType::string);
    std::vector<int64_t> numbers;
    for (auto tok : tokens) {
        auto n = numeric ? plain_decimal(tok) : std::nullopt;
        if (!n) {
            numeric = false;
            break;
        }
        numbers.push_back(*n);
    }
    if (numeric) {
        // A vector key given one number stays an integer: the kernel fills
        // the first element only, and lint reports the arity.
        if (numbers.size() == 1) return model::Value::of_integer(numbers[0]);
        return model::Value::of_vector(std::move(numbers));
    }
    return model::Value::of_string(model::normalize_live(text));
}

std::string comment_above(std::string_view content, int line)
{
    // Lines as '\n' separates them, a trailing '\r' dropped: the parser
    // (boot/sysctl_d_parser.cpp) counts lines the same way for LF and CRLF
    // files, the only ones with comments worth keeping.
    std::vector<std::string_view> lines = util::split(content, '\n');
    std::vector<std::string> block;
    for (int i = line - 2; i >= 0 && i < static_cast<int>(lines.size()); --i) {
        std::string_view l = util::trim(lines[static_cast<size_t>(i)]);
        if (l.empty()) break;
        if (l.front() != '#' && l.front() != ';') {
            if (!block.empty()) break;  // a block of keys under one comment
            continue;
        }
        while (!l.empty() && (l.front() == '#' || l.front() == ';'))
            l.remove_prefix(1);
        l = util::trim(l);
        bool decoration = true;
        for (char c : l)
            decoration = decoration && (c == '#' || c == '-' || c == '=' || c == '*' || c == '_' || c == ' ');
        if (decoration) continue;
        block.push_back(printable_text(l));
    }
    std::string out;
    for (auto it = block.rbegin(); it != block.rend(); ++it) {
        if (!out.empty()) out += ' ';
        out += *it;
    }
    return model::normalize_live(out);
}

void assemble(const std::vector<RawAssignment>& in_order, Imported& into)
{
    // Last assignment per key, and every assignment of it, in reading order.
    std::map<std::string, std::vector<const RawAssignment*>> history;
    std::vector<std::string> order;  // keys by the position of their winning assignment
    std::map<std::string, size_t> winner_pos;
    for (size_t i = 0; i < in_order.size(); ++i) {
        const auto& a = in_order[i];
        history[a.key].push_back(&a);
        winner_pos[a.key] = i;
    }
    std::vector<std::pair<size_t, std::string>> by_pos;
    for (const auto& [key, pos] : winner_pos)
        by_pos.emplace_back(pos, key);
    std::sort(by_pos.begin(), by_pos.end());

    for (const auto& [pos, key] : by_pos) {
        const RawAssignment& w = in_order[pos];
        const auto& all = history[key];
        for (const RawAssignment* earlier : all) {
            if (earlier == &w) continue;
            bool same = earlier->is_exclusion == w.is_exclusion && earlier->value == w.value;
            if (same) continue;
            std::string what = earlier->is_exclusion ? "'-" + key + "'" : quoted(key) + " = " + quoted(earlier->value);
            std::string winner = w.is_exclusion ? "an exclusion '-" + key + "'" : quoted(w.value);
            into.findings.push_back(Finding{FindingKind::conflict, key, earlier->file, earlier->line,
                                            what + " is overridden by " + winner + " at " + where(w) +
                                                ": the later one wins and is imported"});
        }
        if (w.is_exclusion) {
            into.findings.push_back(Finding{FindingKind::not_imported, key, w.file, w.line,
                                            "'-" + key +
                                                "' only keeps globs off the key at boot; a profile cannot express "
                                                "an exclusion: write the value the key should have instead"});
            continue;
        }
        std::string profile_key = key;
        if (auto problem = model::key_problem(profile_key)) {
            std::string hint = boot::key_is_glob(key) ? "; a profile glob is a whole '*' segment: write the keys it "
                                                        "should reach, or widen it to '*'"
                                                      : "";
            into.findings.push_back(Finding{FindingKind::not_imported, key, w.file, w.line,
                                            quoted(key) + " cannot be a profile key: " + *problem + hint});
            continue;
        }
        bool unprintable = false;
        printable_text(model::normalize_live(w.value), &unprintable);
        if (unprintable) {
            into.findings.push_back(Finding{FindingKind::not_imported, key, w.file, w.line,
                                            "the value of " + quoted(key) +
                                                " holds control characters or bytes that are not UTF-8; a profile "
                                                "value is one line of text"});
            continue;
        }
        auto value = value_from_text(key, w.value);
        if (!value) {
            into.findings.push_back(Finding{FindingKind::not_imported, key, w.file, w.line,
                                            quoted(key) + " has an empty value, which boot writes as an empty "
                                                          "string; a profile value cannot be empty"});
            continue;
        }
        into.settings.push_back(ImportedSetting{key, std::move(*value), w.comment, w.optional, w.file, w.line});
    }

    // A key that is a directory of another ("net.ipv4 = 1" beside
    // "net.ipv4.ip_forward = 1") cannot be both a value and a table in TOML;
    // the kernel refuses writing a directory anyway.
    std::set<std::string> prefixes;
    for (const auto& s : into.settings)
        for (size_t dot = s.key.find('.'); dot != std::string::npos; dot = s.key.find('.', dot + 1))
            prefixes.insert(s.key.substr(0, dot));
    std::erase_if(into.settings, [&](const ImportedSetting& s) {
        if (prefixes.count(s.key) == 0) return false;
        into.findings.push_back(Finding{FindingKind::not_imported, s.key, s.file, s.line,
                                        quoted(s.key) + " names a directory of other keys, not a key"});
        return true;
    });
}

}  // namespace sysknob::import
