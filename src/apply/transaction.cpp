#include "apply/transaction.hpp"

#include <algorithm>

#include "apply/coupled.hpp"
#include "boot/boot_replay.hpp"

namespace sysknob::apply {

Result<void> undo_live(const std::vector<LiveChange>& written, ports::SysctlTree& tree,
                       const std::vector<LiveChange>& coupled)
{
    std::vector<LiveChange> restores = written;
    if (!coupled.empty()) {
        for (const auto& c : coupled) {
            bool zeroed = std::any_of(written.begin(), written.end(), [&](const LiveChange& w) {
                auto keys = boot::zeroed_by(w.key);
                return std::find(keys.begin(), keys.end(), c.key) != keys.end();
            });
            if (zeroed) restores.push_back(c);
        }
        drop_implied_restores(restores, RestoreSide::from);
    }
    Result<void> first = {};
    for (auto it = restores.rbegin(); it != restores.rend(); ++it) {
        auto r = tree.write(it->key, it->from);
        if (!r && first) first = r;
    }
    return first;
}

Result<void> write_live(const std::vector<LiveChange>& changes, ports::SysctlTree& tree, const WrittenHook& hook,
                        const std::vector<LiveChange>& coupled)
{
    std::vector<LiveChange> written;
    written.reserve(changes.size());
    for (const auto& c : changes) {
        auto r = tree.write(c.key, c.to);
        if (!r) {
            Error e = r.error();
            auto undone = undo_live(written, tree, coupled);
            if (!undone) {
                e.message += "; could not put back every earlier value (" + undone.error().message + ")";
            } else if (!written.empty()) {
                e.message += "; the " + std::to_string(written.size()) + " value" + (written.size() > 1 ? "s" : "") +
                             " already written " + (written.size() > 1 ? "were" : "was") + " put back";
            }
            return tl::unexpected(e);
        }
        written.push_back(c);
        if (hook) hook(c);
    }
    return {};
}

}  // namespace sysknob::apply
