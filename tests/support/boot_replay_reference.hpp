#pragma once
// The reference boot replay (see the .cpp): for the differential test only.
#include "boot/boot_replay.hpp"

namespace sysknob::boot::reference {

ReplayResult replay_boot(const BootResult& result, const ReplayInput& input);

}  // namespace sysknob::boot::reference
