#include "os/fault.hpp"

#ifdef SYSKNOB_TEST_HOOKS
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <string>
#include <unistd.h>

namespace sysknob::os {

void fault_point(const char* step)
{
    static int count = 0;
    const char* spec = std::getenv("SYSKNOB_FAULT");
    if (!spec) return;
    const char* colon = std::strchr(spec, ':');
    if (!colon) return;
    std::string name(spec, colon);
    if (name != "any" && name != step) return;
    if (++count == std::atoi(colon + 1)) ::kill(::getpid(), SIGKILL);
}

}  // namespace sysknob::os
#endif
