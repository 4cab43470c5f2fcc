#include "kernel/expand.hpp"

#include <algorithm>

namespace sysknob::kernel {

std::vector<std::string> expand_key(ports::SysctlTree& tree, const std::string& pattern)
{
    auto star = pattern.find('*');
    if (star == std::string::npos) return {pattern};
    std::vector<std::string> prefixes = {pattern.substr(0, star)};  // ends with '.'
    std::string rest = pattern.substr(star + 1);                    // "" or ".x..."
    for (;;) {
        auto next = rest.find('*');
        std::string middle = next == std::string::npos ? rest : rest.substr(0, next);
        std::vector<std::string> grown;
        for (const auto& p : prefixes) {
            auto names = tree.list(p.substr(0, p.size() - 1));
            if (!names) continue;
            for (const auto& n : *names)
                grown.push_back(p + n + middle);
        }
        if (next == std::string::npos) {
            // Leaves are not probed here: reading them reports a missing one.
            // /proc/sys lists a directory in name order already; sorting is
            // needed only where the '.' -> '/' swap of a name changes it.
            if (!std::is_sorted(grown.begin(), grown.end())) std::sort(grown.begin(), grown.end());
            return grown;
        }
        prefixes = std::move(grown);
        rest = rest.substr(next + 1);
    }
}

ports::Access probe_first(ports::SysctlTree& tree, const std::string& pattern)
{
    auto star = pattern.find('*');
    if (star == std::string::npos) return tree.probe(pattern);
    std::string prefix = pattern.substr(0, star);  // ends with '.'
    std::string rest = pattern.substr(star + 1);
    auto names = tree.list(prefix.substr(0, prefix.size() - 1));
    if (!names) return ports::Access::absent;
    if (!std::is_sorted(names->begin(), names->end())) std::sort(names->begin(), names->end());
    for (const auto& n : *names)
        if (auto a = probe_first(tree, prefix + n + rest); a != ports::Access::absent) return a;
    return ports::Access::absent;
}

}  // namespace sysknob::kernel
