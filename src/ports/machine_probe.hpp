#pragma once
// MachineProbe: reads the machine facts (memory, open files, pids) that
// machine-aware lint rules need. It exists so tests can substitute it
// (a fake returns chosen numbers); the real one is os/proc_machine_probe,
// which only reads /proc.
#include "kernel/target.hpp"

namespace sysknob::ports {

class MachineProbe {
  public:
    virtual ~MachineProbe() = default;
    // Every fact it could read; unreadable ones stay unset.
    virtual kernel::Machine read() = 0;
};

}  // namespace sysknob::ports
