#pragma once
// The global lock: one sysknob changes the system at a time. flock() on
// /run/lock/sysknob.lock (under --root); released when the Lock dies or the
// process does, so a killed apply never leaves a stale lock.
#include <string>

#include "util/result.hpp"

namespace sysknob::os {

class Lock {
  public:
    Lock() = default;
    Lock(Lock&& o) noexcept : m_fd(o.m_fd) { o.m_fd = -1; }
    Lock& operator=(Lock&&) = delete;
    ~Lock();
    // Waits up to `timeout_ms` for the lock.
    static Result<Lock> acquire(const std::string& path, int timeout_ms);

  private:
    int m_fd = -1;
};

}  // namespace sysknob::os
