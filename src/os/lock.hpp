#pragma once
// The global lock: one sysknob changes the system at a time. flock() on
// /run/lock/sysknob.lock (under --root); released when the Lock dies or the
// process does, so a killed apply never leaves a stale lock.
#include <optional>
#include <string>

#include "os/paths.hpp"
#include "ports/change_lock.hpp"
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

// The ChangeLock port over a Lock on Paths::lock_file().
class FileChangeLock final : public ports::ChangeLock {
  public:
    explicit FileChangeLock(const Paths& paths) : m_paths(paths) {}
    Result<void> acquire(int timeout_ms) override;
    void release() override { m_lock.reset(); }

  private:
    const Paths& m_paths;
    std::optional<Lock> m_lock;
};

}  // namespace sysknob::os
