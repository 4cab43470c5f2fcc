#include "os/paths.hpp"

#include <cstdlib>
#include <limits.h>
#include <unistd.h>

#include "util/file.hpp"

namespace sysknob::os {

namespace {

// A binary that sits next to a CMakeCache.txt runs from a build tree: its
// shipped profiles are the source tree's, so tests and the README work
// before anything is installed.
std::string data_dir()
{
    if (const char* env = std::getenv("SYSKNOB_DATADIR"); env && *env) return env;
    char exe[PATH_MAX];
    ssize_t n = ::readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        std::string dir(exe, static_cast<size_t>(n));
        dir.resize(dir.rfind('/'));
        if (util::file_exists(dir + "/CMakeCache.txt")) return SYSKNOB_SOURCE_DATADIR;
    }
    return SYSKNOB_DATADIR;
}

}  // namespace

Paths Paths::make(const std::string& root)
{
    Paths p;
    p.root = root;
    while (!p.root.empty() && p.root.back() == '/')
        p.root.pop_back();
    p.shipped_dir = data_dir();
    return p;
}

}  // namespace sysknob::os
