#pragma once
// Lexical path helpers: no file system access, no normalisation of "." or
// "..", no links followed. Pure.
#include <string>
#include <string_view>

namespace sysknob::util {

// The directory part: "/etc/sysctl.d" for "/etc/sysctl.d/10-x.conf", "/"
// for "/x", "." for a name without a '/'.
inline std::string dir_of(std::string_view path)
{
    auto slash = path.rfind('/');
    if (slash == std::string_view::npos) return ".";
    if (slash == 0) return "/";
    return std::string(path.substr(0, slash));
}

// The last component: "10-x.conf" for "/etc/sysctl.d/10-x.conf".
inline std::string base_name(std::string_view path)
{
    return std::string(path.substr(path.rfind('/') + 1));
}

// Whether `path` is strictly inside `dir` ("/a/b" is below "/a", "/ab" is not).
inline bool is_below(std::string_view path, std::string_view dir)
{
    return !dir.empty() && path.size() > dir.size() && path.starts_with(dir) && path[dir.size()] == '/';
}

}  // namespace sysknob::util
