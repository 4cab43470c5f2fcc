#include "kernel/catalogue.hpp"

#include <algorithm>
#include <string>

#include "util/strings.hpp"

namespace sysknob::kernel {

namespace {

// Per-interface families: net.ipv4.conf.IF.x, net.ipv6.conf.IF.x,
// net.ipv4.neigh.IF.x, net.ipv6.neigh.IF.x. The interface is segment 3.
bool interface_family(std::string_view key, std::string& generic)
{
    static constexpr std::string_view prefixes[] = {"net.ipv4.conf.", "net.ipv6.conf.", "net.ipv4.neigh.",
                                                    "net.ipv6.neigh."};
    for (auto p : prefixes) {
        if (key.substr(0, p.size()) != p) continue;
        auto rest = key.substr(p.size());
        // The interface is the longest prefix that leaves one more segment;
        // parameter names under conf/neigh contain no dots.
        auto dot = rest.rfind('.');
        if (dot == std::string_view::npos || dot == 0) return false;
        generic.assign(p);
        generic += '*';
        generic += rest.substr(dot);
        return true;
    }
    return false;
}

const Param* exact(std::string_view key)
{
    auto all = catalogue();
    auto it =
        std::lower_bound(all.begin(), all.end(), key, [](const Param& p, std::string_view k) { return p.key < k; });
    if (it != all.end() && it->key == key) return &*it;
    return nullptr;
}

}  // namespace

const Param* find_param(std::string_view key)
{
    if (const Param* p = exact(key)) return p;
    std::string generic;
    if (interface_family(key, generic)) return exact(generic);
    return nullptr;
}

std::string_view default_for(const Param& p, std::string_view release)
{
    if (!p.has_default_value) return {};
    if (!p.default_changed_in.empty() && util::compare_release(release, p.default_changed_in) < 0)
        return p.default_before;
    return p.default_value;
}

std::string_view namespace_name(Namespace ns)
{
    switch (ns) {
    case Namespace::net: return "net";
    case Namespace::ipc: return "ipc";
    case Namespace::user: return "user";
    case Namespace::uts: return "uts";
    case Namespace::global: return "global";
    }
    return "global";
}

}  // namespace sysknob::kernel
