// The boot replay as it was before it numbered its keys (sysknob 0.1.0,
// boot/boot_replay.cpp: maps of strings, every udev run over the whole
// table): kept as the reference the faster one is held to, by the
// differential test in tests/unit/test_boot_replay_differential.cpp. The
// two must give the same ReplayResult for every input.
#include "support/boot_replay_reference.hpp"

#include <algorithm>
#include <cctype>

#include "boot/write_effects.hpp"

namespace sysknob::boot::reference {
namespace {

std::vector<std::string_view> segments(std::string_view key)
{
    std::vector<std::string_view> out;
    size_t start = 0;
    for (;;) {
        size_t dot = key.find('.', start);
        out.push_back(key.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
        if (dot == std::string_view::npos) return out;
        start = dot + 1;
    }
}

bool is_interface(std::string_view segment)
{
    return segment != "all" && segment != "default";
}

struct Binding {
    std::string iface;
    std::string entry;
};

// The segment of `s` that starts at `pos` (up to the next dot or the end);
// `pos` moves past it and its dot, to npos after the last one.
std::string_view next_segment(std::string_view s, size_t& pos)
{
    size_t dot = s.find('.', pos);
    std::string_view seg = s.substr(pos, dot == std::string_view::npos ? std::string_view::npos : dot - pos);
    pos = dot == std::string_view::npos ? std::string_view::npos : dot + 1;
    return seg;
}

// Matches a key against a template with "{if}" and "{entry}" segments.
// Segment by segment in place: the replay matches every write against every
// effect and every [[boot_value]], and splitting both into vectors first was
// half of a no-op apply (bench/, callgrind).
std::optional<Binding> match(std::string_view pattern, std::string_view key, bool if_any = false)
{
    // Most pairs differ in the literal text before the first placeholder or
    // after the last one: two comparisons reject them.
    size_t open = pattern.find('{');
    if (open == std::string_view::npos) return pattern == key ? std::optional<Binding>(Binding{}) : std::nullopt;
    std::string_view tail = pattern.substr(pattern.rfind('}') + 1);
    if (key.size() < open + tail.size() || key.substr(0, open) != pattern.substr(0, open) || !key.ends_with(tail))
        return std::nullopt;
    std::string_view iface, entry;
    bool has_if = false, has_entry = false;
    size_t pp = 0, kp = 0;
    while (pp != std::string_view::npos && kp != std::string_view::npos) {
        std::string_view p = next_segment(pattern, pp), k = next_segment(key, kp);
        if (p == "{if}") {
            if (!if_any && !is_interface(k)) return std::nullopt;
            iface = k, has_if = true;
        } else if (p == "{entry}") {
            entry = k, has_entry = true;
        } else if (p != k) {
            return std::nullopt;
        }
    }
    if (pp != kp) return std::nullopt;  // one has more segments than the other
    Binding b;
    if (has_if) b.iface = std::string(iface);
    if (has_entry) b.entry = std::string(entry);
    return b;
}

std::string substitute(std::string_view pattern, const Binding& b)
{
    std::string out;
    for (auto seg : segments(pattern)) {
        if (!out.empty()) out += '.';
        if (seg == "{if}")
            out += b.iface;
        else if (seg == "{entry}")
            out += b.entry;
        else
            out += seg;
    }
    return out;
}

std::string replace_all(std::string text, std::string_view from, std::string_view to)
{
    for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
        text.replace(at, from.size(), to);
    return text;
}

bool is_zero(std::string_view text)
{
    return kernel_text(text) == "0";
}

class Replay {
  public:
    // udev_first: udev's coldplug runs (udev_coldplug) come before the
    // systemd-sysctl run, else after it.
    Replay(const BootResult& result, const ReplayInput& input, bool udev_first = false)
        : m_result(result), m_input(input), m_udev_first(udev_first)
    {
        for (const auto& a : result.table)
            m_in_table.insert(a.key);
        m_interfaces = input.interfaces;
        m_existing = input.existing_keys;
        sort_existing();
    }

    ReplayResult run()
    {
        if (m_input.udev_coldplug && m_udev_first) coldplug();
        for (const auto& a : m_result.table)
            apply_entry(a, {});
        if (m_input.udev_coldplug && !m_udev_first) coldplug();
        for (const auto& name : m_input.later_interfaces)
            later_interface(name);
        return m_out;
    }

    // The value a key ends at (as the kernel prints it), or none if unknown.
    std::optional<std::string> final_value(const std::string& key) { return value_of(key); }

  private:
    static std::vector<std::string> prefixes_of(const std::string& name)
    {
        std::vector<std::string> out;
        for (const char* family : {"net.ipv4", "net.ipv6"}) {
            out.push_back(std::string(family) + ".conf." + name);
            out.push_back(std::string(family) + ".neigh." + name);
        }
        return out;
    }

    // udev's systemd-sysctl run for each interface present but lo
    // (99-systemd.rules: ACTION=="add", SUBSYSTEM=="net", KERNEL!="lo").
    void coldplug()
    {
        for (const auto& iface : m_input.interfaces) {
            if (iface.name == "lo") continue;
            auto prefixes = prefixes_of(iface.name);
            for (const auto& a : m_result.table)
                apply_entry(a, prefixes);
        }
    }

    std::optional<std::string> value_of(const std::string& key)
    {
        if (auto it = m_state.find(key); it != m_state.end()) return it->second;
        if (auto it = m_input.before.find(key); it != m_input.before.end()) return kernel_text(it->second);
        for (const auto& bv : boot_values())
            if (bv.key == key) return std::string(bv.value);
        for (const auto& bv : boot_values())
            if (match(bv.key, key, /*if_any=*/true)) return std::string(bv.value);
        return std::nullopt;
    }

    // One entry of systemd's table, limited to keys under `prefixes` (the
    // udev run for one interface) when not empty.
    void apply_entry(const SysctlAssignment& a, const std::vector<std::string>& prefixes)
    {
        if (a.is_exclusion) return;
        auto under = [&](const std::string& key) {
            if (prefixes.empty()) return true;
            for (const auto& p : prefixes)
                if (key.size() > p.size() && key.compare(0, p.size(), p) == 0 && key[p.size()] == '.') return true;
            return false;
        };
        if (!a.is_glob) {
            if (under(a.key)) systemd_write(a.key, a.value, a);
            return;
        }
        for (const auto& key : m_existing) {
            if (!under(key) || m_in_table.count(key) != 0 || !glob_matches(a.key, key)) continue;
            systemd_write(key, a.value, a);
        }
    }

    // sysctl_write(): nothing happens when the key already reads as the value.
    void systemd_write(const std::string& key, const std::string& value, const SysctlAssignment& source)
    {
        auto current = value_of(key);
        if (!current) m_out.unknown_before.insert(key);
        if (current && *current == value) {
            m_out.skipped_equal[key] = source;
            return;
        }
        m_out.skipped_equal.erase(key);
        kernel_write(key, kernel_text(value), source);
    }

    void set(const std::string& key, const std::string& text, const SysctlAssignment& source, const WriteEffect* e,
             const std::string& trigger)
    {
        m_state[key] = text;
        ReplayValue v{text, source, {}, {}, {}, false, false, {}, {}, {}, {}, {}};
        if (e != nullptr) {
            v.effect_id = std::string(e->id);
            v.trigger_key = trigger;
            v.mechanism = replace_all(std::string(e->mechanism), "{trigger}", trigger);
        }
        m_out.values[key] = std::move(v);
    }

    void kernel_write(const std::string& key, const std::string& text, const SysctlAssignment& source)
    {
        auto old = value_of(key);
        set(key, text, source, nullptr, {});
        for (const auto& e : write_effects()) {
            auto b = match(e.trigger, key);
            if (!b) continue;
            if (std::find(e.except.begin(), e.except.end(), b->entry) != e.except.end()) continue;
            if (e.when == EffectWhen::change && old && *old == text) continue;
            for (const auto& target : e.targets) {
                std::string value = target.value == EffectValue::same     ? text
                                    : target.value == EffectValue::negate ? (is_zero(text) ? "1" : "0")
                                                                          : "0";
                bool per_if = target.key.find("{if}") != std::string_view::npos;
                if (e.action == EffectAction::mark_written) {
                    m_written.insert(substitute(target.key, *b));
                    continue;
                }
                if (!per_if) {
                    set(substitute(target.key, *b), value, source, &e, key);
                    continue;
                }
                for (const auto& iface : m_interfaces) {
                    Binding t{iface.name, b->entry};
                    std::string k = substitute(target.key, t);
                    if (e.action == EffectAction::copy_to_unwritten &&
                        (iface.entries_written || iface.written_entries.count(b->entry) != 0 ||
                         m_written.count(k) != 0))
                        continue;
                    set(k, value, source, &e, key);
                }
            }
        }
    }

    // A device created after the boot run: conf.default's values at its
    // creation (inetdev_init(), ipv6_add_dev()), then udev's systemd-sysctl
    // run for its own keys.
    void later_interface(const std::string& name)
    {
        std::vector<std::string> prefixes;
        for (const char* family : {"net.ipv4", "net.ipv6"}) {
            std::string dflt = std::string(family) + ".conf.default.";
            std::string mine = std::string(family) + ".conf." + name;
            prefixes.push_back(mine);
            prefixes.push_back(std::string(family) + ".neigh." + name);
            for (const auto& key : m_input.existing_keys) {
                if (key.compare(0, dflt.size(), dflt) != 0) continue;
                std::string own = mine + "." + key.substr(dflt.size());
                m_existing.push_back(own);
                auto touched = m_out.values.find(key);
                auto v = value_of(key);
                if (!v) continue;
                m_state[own] = *v;
                if (touched == m_out.values.end()) continue;
                ReplayValue rv = touched->second;
                rv.created_later = true;
                rv.trigger_key = key;
                rv.mechanism = "created after the boot writes, it takes " + key + "'s value";
                m_out.values[own] = std::move(rv);
            }
        }
        sort_existing();
        m_interfaces.push_back(BootInterface{name, false, {}});
        for (const auto& a : m_result.table)
            apply_entry(a, prefixes);
    }

    // glob(3) returns matches sorted by path (the C locale's strcmp). Each
    // path is built once, not in every comparison.
    void sort_existing()
    {
        std::vector<std::pair<std::string, std::string>> by_path;
        by_path.reserve(m_existing.size());
        for (auto& k : m_existing)
            by_path.emplace_back(key_to_path(k), std::move(k));
        std::sort(by_path.begin(), by_path.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
        for (size_t i = 0; i < by_path.size(); ++i)
            m_existing[i] = std::move(by_path[i].second);
    }

    const BootResult& m_result;
    const ReplayInput& m_input;
    bool m_udev_first = false;
    std::set<std::string> m_in_table;
    std::vector<BootInterface> m_interfaces;
    std::vector<std::string> m_existing;
    std::map<std::string, std::string> m_state;
    std::set<std::string> m_written;
    ReplayResult m_out;
};


}  // namespace

ReplayResult replay_boot(const BootResult& result, const ReplayInput& input)
{
    if (!input.udev_coldplug) return Replay(result, input).run();
    // Both orders of udev's coldplug runs and systemd-sysctl; what differs
    // is order_dependent.
    Replay after(result, input, false), first(result, input, true);
    ReplayResult out = after.run();
    ReplayResult other = first.run();
    std::set<std::string> keys;
    for (const auto& kv : out.values)
        keys.insert(kv.first);
    for (const auto& kv : other.values)
        keys.insert(kv.first);
    for (const auto& key : keys) {
        auto a = after.final_value(key);
        auto f = first.final_value(key);
        if (a == f) continue;
        auto it = out.values.find(key);
        if (it == out.values.end()) {
            ReplayValue v = other.values.at(key);
            v.value = a.value_or("");
            it = out.values.emplace(key, std::move(v)).first;
        }
        ReplayValue& v = it->second;
        v.order_dependent = true;
        v.other_value = f.value_or("");
        if (auto o = other.values.find(key); o != other.values.end()) {
            v.other_source = o->second.source;
            v.other_effect_id = o->second.effect_id;
            v.other_trigger_key = o->second.trigger_key;
            v.other_mechanism = o->second.mechanism;
        }
    }
    for (const auto& k : other.unknown_before)
        out.unknown_before.insert(k);
    // A write skipped as equal in either order (udev's later run may write it).
    for (const auto& kv : other.skipped_equal)
        out.skipped_equal.insert(kv);
    return out;
}


}  // namespace sysknob::boot::reference
