#pragma once
// The real MachineProbe: /proc/meminfo, /proc/sys/fs/file-nr and the
// numeric entries of /proc. Read-only.
#include <string>

#include "ports/machine_probe.hpp"

namespace sysknob::os {

class ProcMachineProbe : public ports::MachineProbe {
  public:
    explicit ProcMachineProbe(std::string proc = "/proc") : m_proc(std::move(proc)) {}
    kernel::Machine read() override;

  private:
    std::string m_proc;
};

}  // namespace sysknob::os
