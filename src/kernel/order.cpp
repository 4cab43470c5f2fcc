#include "kernel/order.hpp"

namespace sysknob::kernel {

int write_rank(std::string_view key)
{
    if (key == "net.ipv4.ip_forward" || key == "net.ipv4.conf.all.forwarding" || key == "net.ipv6.conf.all.forwarding")
        return 0;
    if (key.find('*') != std::string_view::npos) return 1;  // globs before the exceptions that refine them
    return 2;
}

}  // namespace sysknob::kernel
