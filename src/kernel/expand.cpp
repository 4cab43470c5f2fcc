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
            std::sort(grown.begin(), grown.end());
            return grown;
        }
        prefixes = std::move(grown);
        rest = rest.substr(next + 1);
    }
}

}  // namespace sysknob::kernel
