#include "boot/sysctl_d_parser.hpp"

#include <algorithm>
#include <fnmatch.h>

#include "model/key.hpp"

namespace sysknob::boot {
namespace {

// systemd's WHITESPACE for strstrip(): note that '\f' and '\v' are not in it,
// so a form feed stays part of a key or value exactly as systemd keeps it.
bool is_strip_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

std::string_view strstrip(std::string_view s)
{
    while (!s.empty() && is_strip_space(s.front()))
        s.remove_prefix(1);
    while (!s.empty() && is_strip_space(s.back()))
        s.remove_suffix(1);
    return s;
}

// Splits text into lines as systemd's read_line_full() does: a line ends at
// '\n', '\r' or NUL; one line end is a run of end markers in which each kind
// occurs at most once ("\r\n" and "\n\r" are one end, "\n\n" is two), and a
// NUL ends the run at once. So CRLF files count lines like LF files, a lone
// CR splits a line, and a NUL byte splits a line rather than truncating it.
class LineReader {
  public:
    explicit LineReader(std::string_view text) : m_text(text) {}

    enum class Status { line, eof, too_long };

    Status next(std::string_view& line)
    {
        if (m_pos >= m_text.size()) return Status::eof;
        size_t start = m_pos;
        size_t end = start;
        while (end < m_text.size() && !is_eol(m_text[end])) {
            if (end - start >= k_long_line_max) return Status::too_long;
            ++end;
        }
        // read_line() checks the limit before reading each character,
        // the end marker included.
        if (end - start >= k_long_line_max) return Status::too_long;
        line = m_text.substr(start, end - start);
        unsigned seen = 0;
        while (end < m_text.size() && is_eol(m_text[end])) {
            unsigned kind = eol_kind(m_text[end]);
            if ((seen & kind) != 0 || (seen & k_nul) != 0) break;
            seen |= kind;
            ++end;
        }
        m_pos = end;
        return Status::line;
    }

  private:
    static constexpr unsigned k_lf = 1, k_cr = 2, k_nul = 4;
    static bool is_eol(char c) { return c == '\n' || c == '\r' || c == '\0'; }
    static unsigned eol_kind(char c) { return c == '\n' ? k_lf : c == '\r' ? k_cr : k_nul; }

    std::string_view m_text;
    size_t m_pos = 0;
};

// A line shown in an issue: bounded, and with control bytes made visible, so
// a hostile file cannot flood or garble the terminal.
std::string excerpt(std::string_view s)
{
    constexpr size_t k_max = 80;
    std::string out;
    for (char c : s.substr(0, k_max)) {
        auto u = static_cast<unsigned char>(c);
        out += (u < 0x20 || u == 0x7f) ? '?' : c;
    }
    if (s.size() > k_max) out += "...";
    return out;
}

}  // namespace

std::string key_to_path(std::string_view key)
{
    return model::key_to_path(key);
}
std::string path_to_key(std::string_view path)
{
    return model::key_to_path(path);
}

bool key_is_glob(std::string_view key)
{
    return key.find_first_of("*?[") != std::string_view::npos;
}

std::string normalize_key(std::string_view key)
{
    // A dotted key without a slash and without empty segments is already
    // its normal form: every step below gives it back unchanged.
    if (!key.empty() && key.find('/') == std::string_view::npos && key.front() != '.' && key.back() != '.' &&
        key.find("..") == std::string_view::npos)
        return std::string(key);
    // sysctl_normalize(): only when the first separator is a dot is the key
    // in dotted form; a slash first means path form, taken as it is.
    std::string path(key);
    size_t first = path.find_first_of("./");
    if (first != std::string::npos && path[first] == '.') path = model::key_to_path(path);

    // path_simplify(): drop empty and "." components and a trailing slash.
    // ".." is kept, as systemd keeps it; the leading slash is dropped below.
    std::string simple;
    size_t i = 0;
    while (i <= path.size()) {
        size_t j = path.find('/', i);
        if (j == std::string::npos) j = path.size();
        std::string_view part(path.data() + i, j - i);
        if (!part.empty() && part != ".") {
            if (!simple.empty()) simple += '/';
            simple += part;
        }
        i = j + 1;
    }
    return model::key_to_path(simple);
}

bool glob_matches(std::string_view pattern, std::string_view key)
{
    std::string p = key_to_path(pattern);
    std::string k = key_to_path(key);
    return ::fnmatch(p.c_str(), k.c_str(), FNM_PATHNAME | FNM_PERIOD) == 0;
}

ParsedFile parse_sysctl_d(std::string_view content, std::string_view file)
{
    ParsedFile out;
    auto issue = [&](int line, std::string message) {
        out.issues.push_back(ParseIssue{std::string(file), line, std::move(message)});
    };

    LineReader reader(content);
    int line_no = 0;
    std::string_view raw;
    for (;;) {
        auto status = reader.next(raw);
        if (status == LineReader::Status::eof) break;
        if (status == LineReader::Status::too_long) {
            // systemd returns from parse_file() here: what came before counts,
            // nothing after does.
            issue(line_no + 1,
                  "line longer than " + std::to_string(k_long_line_max) + " bytes, ignoring the rest of the file");
            break;
        }
        ++line_no;

        std::string_view p = strstrip(raw);
        if (p.empty() || p.front() == '#' || p.front() == ';') continue;

        SysctlAssignment a;
        a.file = std::string(file);
        a.line = line_no;
        size_t eq = p.find('=');
        if (eq != std::string_view::npos) {
            if (p.front() == '-') {
                a.ignore_failure = true;
                p.remove_prefix(1);
                --eq;
            }
            a.value = std::string(strstrip(p.substr(eq + 1)));
            p = p.substr(0, eq);
        } else if (p.front() == '-') {
            // "Negative match": the key stays in systemd's table without a
            // value, which only keeps globs away from it.
            a.is_exclusion = true;
            p.remove_prefix(1);
        } else {
            issue(line_no, "line is not an assignment, ignoring: '" + excerpt(p) + "'");
            continue;
        }

        a.key = normalize_key(strstrip(p));
        if (a.key.empty()) {
            // systemd would try to write the directory /proc/sys itself and
            // fail; no value can result from it.
            issue(line_no, "empty key, ignoring: '" + excerpt(strstrip(raw)) + "'");
            continue;
        }
        a.is_glob = key_is_glob(a.key);
        out.assignments.push_back(std::move(a));
    }
    return out;
}

}  // namespace sysknob::boot
