#include "plan/plan.hpp"

#include <algorithm>
#include <set>

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

void observe(Item& item, ports::SysctlTree& tree, ports::Intent intent, const model::Value* desired)
{
    auto live = tree.read(item.key, intent);
    if (!live) {
        item.status = Status::missing;
        item.error = live.error().message;
        return;
    }
    item.raw_live = live->text;
    if (!item.raw_live.empty() && item.raw_live.back() == '\n') item.raw_live.pop_back();
    item.live = model::normalize_live(live->text);
    bool same = desired ? model::live_equals(live->text, *desired) : model::normalize_live(item.desired) == item.live;
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
               const std::map<std::string, std::string>& restore)
{
    Plan plan;
    std::set<std::string> explicit_keys;
    for (const auto& s : profile.settings)
        if (!model::key_has_glob(s.key)) explicit_keys.insert(s.key);

    std::vector<std::pair<const model::Setting*, std::string>> concrete;
    std::set<std::string> seen;
    for (const auto& s : profile.settings) {
        if (!model::key_has_glob(s.key)) {
            concrete.emplace_back(&s, s.key);
            seen.insert(s.key);
            continue;
        }
        // An explicit key wins over a glob for its path, as in systemd-sysctl
        // (v245+) and procps 4; a key matched by two globs takes the later one.
        auto keys = kernel::expand_key(tree, s.key);
        if (keys.empty() && !s.optional) plan.skipped.push_back(s.key + " (matches nothing here)");
        for (auto& k : keys) {
            if (explicit_keys.count(k)) continue;
            if (!seen.insert(k).second) {
                for (auto& c : concrete)
                    if (c.second == k) c.first = &s;
                continue;
            }
            concrete.emplace_back(&s, std::move(k));
        }
    }
    plan.items.reserve(concrete.size() + restore.size());
    for (auto& [s, key] : concrete) {
        Item item;
        item.key = key;
        item.pattern = s->key;
        item.desired = s->value.render();
        item.optional = s->optional;
        observe(item, tree, intent, &s->value);
        if (item.optional && item.status == Status::missing) {
            plan.skipped.push_back(item.key);
            continue;
        }
        plan.items.push_back(std::move(item));
    }
    for (const auto& [key, value] : restore) {
        if (seen.count(key) || explicit_keys.count(key)) continue;
        Item item;
        item.key = key;
        item.pattern = key;
        item.desired = value;
        item.restore = true;
        observe(item, tree, intent, nullptr);
        if (item.status == Status::missing) continue;  // the interface is gone; nothing to restore
        plan.items.push_back(std::move(item));
    }
    std::stable_sort(plan.items.begin(), plan.items.end(), [](const Item& a, const Item& b) {
        int ra = kernel::write_rank(a.pattern), rb = kernel::write_rank(b.pattern);
        if (ra != rb) return ra < rb;
        return a.key < b.key;
    });
    return plan;
}

}  // namespace sysknob::plan
