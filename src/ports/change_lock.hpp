#pragma once
// ChangeLock: one change (apply, rollback) at a time. Held until release()
// or the object dies; a killed process never leaves it held. The real one
// is os/lock (flock on /run/lock/sysknob.lock under the root).
#include "util/result.hpp"

namespace sysknob::ports {

class ChangeLock {
  public:
    virtual ~ChangeLock() = default;
    // Waits up to `timeout_ms`; the error says who holds it or why not.
    virtual Result<void> acquire(int timeout_ms) = 0;
    virtual void release() = 0;
};

}  // namespace sysknob::ports
