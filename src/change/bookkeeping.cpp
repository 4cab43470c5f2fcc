#include "change/bookkeeping.hpp"

#include <algorithm>
#include <cerrno>

#include "change/execute.hpp"
#include "kernel/catalogue.hpp"
#include "model/key.hpp"
#include "persist/paths.hpp"
#include "util/strings.hpp"

namespace sysknob::change {

namespace {

bool covered(const std::vector<std::string>& patterns, std::string_view key)
{
    return std::any_of(patterns.begin(), patterns.end(),
                       [&](const std::string& p) { return model::key_matches(p, key); });
}

bool vanished(const std::vector<std::string>& patterns, const std::string& key, ports::SysctlTree& tree)
{
    return std::any_of(patterns.begin(), patterns.end(), [&](const std::string& p) {
        return model::key_matches(p, key) && interface_gone(tree, key, p);
    });
}

}  // namespace

// The kernel removes a device's directories when it is unregistered
// (NETDEV_UNREGISTER: devinet_sysctl_unregister() in net/ipv4/devinet.c,
// addrconf_sysctl_unregister() in net/ipv6/addrconf.c,
// neigh_sysctl_unregister() in net/core/neighbour.c; v6.12); all and
// default live as long as the namespace.
bool interface_gone(ports::SysctlTree& tree, std::string_view key, std::string_view pattern)
{
    auto key_segs = util::split(key, '.');
    auto pat_segs = util::split(pattern, '.');
    if (key_segs.size() != pat_segs.size()) return false;
    size_t star = 0;
    while (star < pat_segs.size() && pat_segs[star] != "*")
        ++star;
    if (star == pat_segs.size() || key_segs[star] == "all" || key_segs[star] == "default") return false;
    std::string dir;
    for (size_t i = 0; i <= star; ++i)
        dir += (i ? "." : "") + std::string(key_segs[i]);
    auto listed = tree.list(dir);
    return !listed && listed.error().code == ENOENT;
}

bool interface_gone(ports::SysctlTree& tree, std::string_view key)
{
    const auto* p = kernel::find_param(key);
    return p && p->key.find('*') != std::string_view::npos && interface_gone(tree, key, p->key);
}

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
