#pragma once
// The Host port on this machine: the system clock, gethostname(), the
// effective uid and SUDO_USER, uname().
#include "ports/host.hpp"

namespace sysknob::os {

class SystemHost final : public ports::Host {
  public:
    std::string now_utc() override;
    std::string hostname() override;
    std::string user() override;
    std::string kernel_release() override;
};

}  // namespace sysknob::os
