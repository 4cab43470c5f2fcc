#include "plan/plan.hpp"

#include <algorithm>
#include <cerrno>
#include <deque>
#include <unordered_map>
#include <unordered_set>

#include "kernel/catalogue.hpp"
#include "kernel/expand.hpp"
#include "kernel/order.hpp"
#include "model/key.hpp"

namespace sysknob::plan {

const char* status_name(Status s)
{
    switch (s) {
    case Status::same: return "same";
    case Status::change: return "change";
    case Status::missing: return "missing";
    case Status::unwritable: return "unwritable";
    }
    return "?";
}

size_t Plan::change_count() const
{
    return static_cast<size_t>(
        std::count_if(items.begin(), items.end(), [](const Item& i) { return i.status == Status::change; }));
}

bool Plan::in_sync() const
{
    return std::all_of(items.begin(), items.end(), [](const Item& i) { return i.status == Status::same; });
}

bool Plan::has_refusals() const
{
    return std::any_of(items.begin(), items.end(), [](const Item& i) {
        return !i.optional && (i.status == Status::missing || i.status == Status::unwritable);
    });
}

namespace {

// Whether the key is in sync: model::live_in_sync() of the live text and
// item.desired (the value's render(), or the baseline text of a restore).
void observe(Item& item, ports::SysctlTree& tree, ports::Intent intent, const std::vector<std::string>& loading)
{
    auto live = tree.read(item.key, intent);
    if (!live && live.error().code == ENOENT && !loading.empty()) {
        // Not here yet, but a module this change loads brings it: lint
        // checked the value against the catalogue; its value before is read
        // once the module is in (change/execute.cpp).
        if (const auto* p = kernel::find_param(item.key);
            p && !p->module.empty() && std::find(loading.begin(), loading.end(), p->module) != loading.end()) {
            item.status = Status::change;
            item.after_load = std::string(p->module);
            return;
        }
    }
    if (!live) {
        item.status = Status::missing;
        item.error = live.error().message;
        return;
    }
    item.raw_live = live->text;
    if (!item.raw_live.empty() && item.raw_live.back() == '\n') item.raw_live.pop_back();
    item.live = model::normalize_live(live->text);
    bool same = model::live_in_sync(live->text, item.desired);
    if (same) {
        item.status = Status::same;
    } else if (intent == ports::Intent::write ? !live->writable : tree.probe(item.key) != ports::Access::writable) {
        item.status = Status::unwritable;
        item.error = "'" + item.key + "' is read-only in this network namespace";
    } else {
        item.status = Status::change;
    }
}

}  // namespace

Plan make_plan(const model::ResolvedProfile& profile, ports::SysctlTree& tree, ports::Intent intent,
               const util::StringMap& restore, const std::vector<std::string>& loading)
{
    // Linear in the number of concrete keys: a glob over thousands of
    // interfaces yields thousands of items (bench/, W4), so every per-key
    // step is a hash lookup or an append, never a scan or a tree walk.
    Plan plan;
    std::unordered_set<std::string_view> explicit_keys;
    for (const auto& s : profile.settings)
        if (!model::key_has_glob(s.key)) explicit_keys.insert(s.key);

    struct Concrete {
        const model::Setting* setting;
        std::string key;
    };
    std::deque<Concrete> concrete;                      // stable addresses for `seen`
    std::unordered_map<std::string_view, size_t> seen;  // key -> index in concrete
    for (const auto& s : profile.settings) {
        if (!model::key_has_glob(s.key)) {
            concrete.push_back({&s, s.key});
            seen.emplace(concrete.back().key, concrete.size() - 1);
            continue;
        }
        // An explicit key wins over a glob for its path, as in systemd-sysctl
        // (v245+) and procps 4; a key matched by two globs takes the later one.
        auto keys = kernel::expand_key(tree, s.key);
        if (keys.empty() && !s.optional) plan.skipped.push_back(s.key + " (matches nothing here)");
        seen.reserve(seen.size() + keys.size());
        for (auto& k : keys) {
            if (explicit_keys.count(k)) continue;
            if (auto it = seen.find(k); it != seen.end()) {
                concrete[it->second].setting = &s;
                continue;
            }
            concrete.push_back({&s, std::move(k)});
            seen.emplace(concrete.back().key, concrete.size() - 1);
        }
    }
    // Restored keys are picked before the keys move out of `concrete`.
    std::vector<const std::pair<std::string, std::string>*> restored;
    for (const auto& r : restore)
        if (!seen.count(r.first) && !explicit_keys.count(r.first)) restored.push_back(&r);
    seen.clear();
    plan.items.reserve(concrete.size() + restored.size());
    const model::Setting* rendered_for = nullptr;
    std::string rendered;
    for (auto& c : concrete) {
        if (c.setting != rendered_for) rendered = c.setting->value.render(), rendered_for = c.setting;
        Item item;
        item.key = std::move(c.key);
        item.pattern = c.setting->key;
        item.desired = rendered;
        item.optional = c.setting->optional;
        observe(item, tree, intent, loading);
        if (item.optional && item.status == Status::missing) {
            plan.skipped.push_back(item.key);
            continue;
        }
        plan.items.push_back(std::move(item));
    }
    for (const auto* r : restored) {
        const auto& [key, value] = *r;
        Item item;
        item.key = key;
        item.pattern = key;
        item.desired = value;
        item.restore = true;
        observe(item, tree, intent, {});
        if (item.status == Status::missing) continue;  // the interface is gone; nothing to restore
        plan.items.push_back(std::move(item));
    }
    // Write order: rank, then key. The rank is computed once per item, and
    // the items are moved once, into their place.
    std::vector<std::pair<int, uint32_t>> order;
    order.reserve(plan.items.size());
    for (size_t i = 0; i < plan.items.size(); ++i)
        order.emplace_back(kernel::write_rank(plan.items[i].pattern), static_cast<uint32_t>(i));
    auto less = [&](const std::pair<int, uint32_t>& a, const std::pair<int, uint32_t>& b) {
        if (a.first != b.first) return a.first < b.first;
        return plan.items[a.second].key < plan.items[b.second].key;
    };
    // The items come in a few sorted runs (each glob's expansion is sorted,
    // the restored keys too): merging the runs costs n log(runs)
    // comparisons where a sort would cost n log n.
    std::vector<size_t> runs{0};
    for (size_t i = 1; i < order.size(); ++i)
        if (less(order[i], order[i - 1])) runs.push_back(i);
    runs.push_back(order.size());
    while (runs.size() > 2) {
        std::vector<size_t> merged{0};
        size_t k = 0;
        for (; k + 2 < runs.size(); k += 2) {
            std::inplace_merge(order.begin() + static_cast<std::ptrdiff_t>(runs[k]),
                               order.begin() + static_cast<std::ptrdiff_t>(runs[k + 1]),
                               order.begin() + static_cast<std::ptrdiff_t>(runs[k + 2]), less);
            merged.push_back(runs[k + 2]);
        }
        if (k + 1 < runs.size()) merged.push_back(runs.back());  // an odd run out, carried as it is
        runs = std::move(merged);
    }
    std::vector<Item> sorted;
    sorted.reserve(plan.items.size());
    for (const auto& [rank, i] : order)
        sorted.push_back(std::move(plan.items[i]));
    plan.items = std::move(sorted);
    return plan;
}

}  // namespace sysknob::plan
