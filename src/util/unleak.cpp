#include "util/unleak.hpp"

#include <cstddef>

namespace sysknob::util {

namespace {
// A handful of objects per run; the table is static storage, scanned by
// LeakSanitizer as a root.
void* g_kept[64];
std::size_t g_count = 0;
}  // namespace

void remember_until_exit(void* object)
{
    if (g_count < sizeof g_kept / sizeof g_kept[0]) g_kept[g_count++] = object;
}

}  // namespace sysknob::util
