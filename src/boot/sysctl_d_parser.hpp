#pragma once
// Parses the text of one sysctl.d file the way systemd-sysctl does
// (src/sysctl/sysctl.c, parse_file(), systemd 245..257). Pure: no I/O, no
// logging; what systemd would log is returned as issues.
//
// Keys come out in sysknob's canonical dotted form: segments separated by
// '.', a dot inside a segment (eth0.100) written '/'. That is systemd's
// normalised path form ("net/ipv4/conf/eth0.100/rp_filter") with '.' and '/'
// swapped, so the two are one-to-one.
#include <string>
#include <string_view>
#include <vector>

namespace sysknob::boot {

// One `key = value` line, or one `-key` exclusion line.
struct SysctlAssignment {
    std::string key;              // canonical dotted form, may hold glob characters
    std::string value;            // stripped; empty for exclusions (and for `key =`)
    std::string file;             // the label the caller gave (usually the file's path)
    int line = 0;                 // 1-based, counted as systemd's read_line() counts
    bool ignore_failure = false;  // `-key = value`
    bool is_glob = false;         // key holds '*', '?' or '['
    bool is_exclusion = false;    // `-key` with no '=': keeps globs off `key`
};

struct ParseIssue {
    std::string file;
    int line = 0;
    std::string message;  // house style: lower-case, no trailing period
};

struct ParsedFile {
    std::vector<SysctlAssignment> assignments;  // in file order
    std::vector<ParseIssue> issues;
};

// systemd's LONG_LINE_MAX: a longer line makes read_line() fail with
// ENOBUFS and systemd-sysctl stops reading the file there.
inline constexpr size_t k_long_line_max = 1024 * 1024;

// Parses `content`, labelling assignments and issues with `file`.
// Never fails: malformed input (no '=', empty key, over-long line, NUL
// bytes, CR line ends, invalid UTF-8) becomes issues or is handled exactly as
// systemd handles it.
ParsedFile parse_sysctl_d(std::string_view content, std::string_view file);

// systemd's sysctl_normalize() followed by the swap to dotted form:
// "net/ipv4/conf/eth0.100/rp_filter" and "net.ipv4.conf.eth0/100.rp_filter"
// both give "net.ipv4.conf.eth0/100.rp_filter"; a leading '/', repeated
// '/' and "." path components are dropped as path_simplify() drops them.
std::string normalize_key(std::string_view key);

// Canonical dotted key -> path below /proc/sys ("net/ipv4/conf/eth0.100/rp_filter"),
// and back. The swap is its own inverse.
std::string key_to_path(std::string_view key);
std::string path_to_key(std::string_view path);

// systemd's string_is_glob(): the key holds '*', '?' or '['.
bool key_is_glob(std::string_view key);

// Whether a canonical `key` is matched by the canonical glob `pattern` the way
// glob(3) under /proc/sys matches it: per path component, '*' and '?' never
// cross a '/' of the path form and never match a leading '.'.
bool glob_matches(std::string_view pattern, std::string_view key);

}  // namespace sysknob::boot
