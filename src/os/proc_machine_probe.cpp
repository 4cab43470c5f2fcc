#include "os/proc_machine_probe.hpp"

#include <dirent.h>

#include "kernel/machine.hpp"
#include "util/file.hpp"
#include "util/strings.hpp"

namespace sysknob::os {

kernel::Machine ProcMachineProbe::read()
{
    kernel::Machine m;
    if (auto text = util::read_file(m_proc + "/meminfo", 1u << 20, util::Follow::symlinks))
        kernel::parse_meminfo(*text, m);
    if (auto text = util::read_file(m_proc + "/sys/fs/file-nr", 4096, util::Follow::symlinks))
        m.files_in_use = kernel::parse_file_nr(*text);
    // The highest pid in use in this pid namespace: the largest numeric
    // directory of /proc (what kernel.pid_max must stay above).
    if (DIR* d = ::opendir(m_proc.c_str())) {
        int64_t highest = 0;
        while (const dirent* e = ::readdir(d))
            if (auto n = util::parse_i64(e->d_name); n && *n > highest) highest = *n;
        ::closedir(d);
        if (highest > 0) m.highest_pid = highest;
    }
    return m;
}

}  // namespace sysknob::os
