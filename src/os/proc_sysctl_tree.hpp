#pragma once
// The real SysctlTree: /proc/sys of the current network namespace.
// Reads are open/read/close; a key read with Intent::write is opened
// read-write and its descriptor kept, so the later write is one pwrite and
// the writability check costs nothing extra (bench/: syscalls per key).
#include <string>
#include <unordered_map>
#include <vector>

#include "ports/sysctl_tree.hpp"

namespace sysknob::os {

class ProcSysctlTree final : public ports::SysctlTree {
  public:
    explicit ProcSysctlTree(std::string proc_sys = "/proc/sys");
    ~ProcSysctlTree() override;
    ProcSysctlTree(const ProcSysctlTree&) = delete;
    ProcSysctlTree& operator=(const ProcSysctlTree&) = delete;

    ports::Access probe(std::string_view key) override;
    Result<ports::LiveValue> read(std::string_view key, ports::Intent intent) override;
    Result<void> write(std::string_view key, std::string_view value) override;
    Result<std::vector<std::string>> list(std::string_view prefix) override;

  private:
    std::string path_of(std::string_view key) const;
    const char* scratch_path(std::string_view key);  // path_of() into m_path
    std::string m_base;
    std::string m_path, m_key;                                          // reused buffers
    std::unordered_map<std::string, int> m_open;                        // key -> O_RDWR descriptor
    std::unordered_map<std::string, std::vector<std::string>> m_lists;  // prefix -> names, listed once
    size_t m_max_open = 0;
};

}  // namespace sysknob::os
