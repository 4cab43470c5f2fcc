#include "change/bookkeeping.hpp"

#include <algorithm>

#include "change/execute.hpp"
#include "model/key.hpp"
#include "persist/paths.hpp"

namespace sysknob::change {

namespace {

bool covered(const std::vector<std::string>& patterns, std::string_view key)
{
    return std::any_of(patterns.begin(), patterns.end(),
                       [&](const std::string& p) { return model::key_matches(p, key); });
}

// A pattern's key whose interface is gone: the kernel removes a device's
// directories when it is unregistered (NETDEV_UNREGISTER:
// devinet_sysctl_unregister() in net/ipv4/devinet.c,
// addrconf_sysctl_unregister() in net/ipv6/addrconf.c,
// neigh_sysctl_unregister() in net/core/neighbour.c; v6.12).
bool vanished(const std::vector<std::string>& patterns, const std::string& key, ports::SysctlTree& tree)
{
    return covered(patterns, key) && tree.probe(key) == ports::Access::absent;
}

}  // namespace

bool expansion_only(const snapshot::State& prev, const snapshot::State& next, const plan::Plan& plan,
                    ports::SysctlTree& tree)
{
    if (prev.profiles != next.profiles || prev.priority != next.priority || prev.modules != next.modules ||
        prev.globs != next.globs || next.globs.empty())
        return false;
    const auto& globs = next.globs;
    // Keys the previous apply recorded: the same value, or gone with their interface.
    for (const auto& [key, value] : prev.keys) {
        if (auto it = next.keys.find(key); it != next.keys.end()) {
            if (it->second != value) return false;
        } else if (!vanished(globs, key, tree)) {
            return false;
        }
    }
    // Keys new to the state: a pattern's, on an interface that has the
    // value already (udev's systemd-sysctl run for the new device applied
    // our fragment, or the device inherited net.*.conf.default).
    for (const auto& item : plan.items) {
        if (item.restore || prev.keys.contains(item.key)) continue;
        if (!covered(globs, item.key) || item.status != plan::Status::same || !item.after_load.empty()) return false;
    }
    // The baseline: entries of vanished interfaces dropped, nothing added
    // or changed (a key changed for the first time is a live write anyway).
    for (const auto& [key, value] : next.baseline) {
        auto it = prev.baseline.find(key);
        if (it == prev.baseline.end() || it->second != value) return false;
    }
    for (const auto& [key, value] : prev.baseline)
        if (!next.baseline.contains(key) && !vanished(globs, key, tree)) return false;
    return true;
}

std::optional<FileChange> take_bookkeeping(Prepared& p)
{
    auto& c = p.change;
    if (!p.state_bookkeeping || c.files.size() != 1 || c.files.front().path != persist::k_state_file) return std::nullopt;
    if (!c.load.empty() || !c.after_load.empty() || !c.params.empty() || !c.live.empty() || !c.unload.empty() ||
        !c.entries.empty())
        return std::nullopt;
    FileChange state = std::move(c.files.front());
    c.files.clear();
    return state;
}

Result<void> write_bookkeeping(Env& env, const FileChange& state)
{
    TRY(auto st, read_managed(env, state.path));
    if (st.exists) TRY_VOID(env.files.check_owned(state.path));
    return env.files.write(state.path, state.content, state.mode);
}

}  // namespace sysknob::change
