#include "apply/coupled.hpp"

#include <algorithm>

#include "boot/boot_replay.hpp"
#include "boot/write_effects.hpp"
#include "kernel/catalogue.hpp"
#include "util/strings.hpp"

namespace sysknob::apply {

namespace {

bool is_zero(std::string_view v)
{
    auto n = util::parse_i64(util::trim(v));
    return n && *n == 0;
}

// Whether the kernel refuses 0 for `key` (its catalogue minimum is above 0).
bool refuses_zero(std::string_view key)
{
    const auto* p = kernel::find_param(key);
    return p && p->has_min && p->min > 0;
}

}  // namespace

std::vector<LiveChange> coupled_before(const std::vector<LiveChange>& changes, ports::SysctlTree& tree)
{
    std::vector<LiveChange> out;
    for (const auto& c : changes) {
        for (auto key : boot::zeroed_by(c.key)) {
            auto changed = [&](const LiveChange& x) { return x.key == key; };
            if (std::any_of(changes.begin(), changes.end(), changed) || std::any_of(out.begin(), out.end(), changed))
                continue;
            auto live = tree.read(key, ports::Intent::read);
            if (!live) continue;  // not here: nothing to record
            std::string now = live->text;
            if (!now.empty() && now.back() == '\n') now.pop_back();
            out.push_back(LiveChange{std::string(key), now, "0"});
        }
    }
    return out;
}

bool zero_only_by_partner(std::string_view key)
{
    if (!refuses_zero(key)) return false;
    for (const auto& e : boot::write_effects()) {
        if (e.action != boot::EffectAction::set) continue;
        for (const auto& t : e.targets)
            if (t.value == boot::EffectValue::zero && t.key == key) return true;
    }
    return false;
}

void drop_implied_restores(std::vector<LiveChange>& restores, RestoreSide side,
                           const std::vector<LiveChange>& also_written)
{
    auto value = [&](const LiveChange& c) -> const std::string& { return side == RestoreSide::from ? c.from : c.to; };
    std::vector<bool> drop(restores.size(), false);
    for (size_t i = 0; i < restores.size(); ++i) {
        if (!is_zero(value(restores[i]))) continue;
        for (const auto& w : also_written) {
            auto zeroed = boot::zeroed_by(w.key);
            if (!is_zero(w.to) && std::find(zeroed.begin(), zeroed.end(), restores[i].key) != zeroed.end())
                drop[i] = true;
        }
        for (size_t j = 0; j < restores.size() && !drop[i]; ++j) {
            if (i == j || drop[j]) continue;
            auto zeroed = boot::zeroed_by(restores[j].key);
            if (std::find(zeroed.begin(), zeroed.end(), restores[i].key) == zeroed.end()) continue;
            drop[i] = !is_zero(value(restores[j])) || refuses_zero(restores[i].key);
        }
    }
    size_t k = 0;
    for (size_t i = 0; i < restores.size(); ++i) {
        if (drop[i]) continue;
        if (k != i) restores[k] = std::move(restores[i]);
        ++k;
    }
    restores.resize(k);
}

}  // namespace sysknob::apply
