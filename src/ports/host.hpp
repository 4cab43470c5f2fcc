#pragma once
// Host: the clock and who and where a change runs, for a snapshot's
// header. A port so that the change engine reads no clock, host name, uid
// or environment itself and tests get fixed answers; the real one is
// os/system_host.
#include <string>

namespace sysknob::ports {

class Host {
  public:
    virtual ~Host() = default;
    // Now, "YYYY-MM-DDTHH:MM:SSZ" (UTC).
    virtual std::string now_utc() = 0;
    virtual std::string hostname() = 0;
    // "uid 0", plus " (sudo by NAME)" when run through sudo.
    virtual std::string user() = 0;
    // The running kernel's release ("6.1.0-18-amd64").
    virtual std::string kernel_release() = 0;
};

}  // namespace sysknob::ports
