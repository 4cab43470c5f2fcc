#include "boot/boot_replay.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <deque>
#include <unordered_map>

#include "boot/write_effects.hpp"
#include "model/value.hpp"

namespace sysknob::boot {
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

std::string_view trim(std::string_view s)
{
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())))
        s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
        s.remove_suffix(1);
    return s;
}

bool is_zero(std::string_view text)
{
    return kernel_text(text) == "0";
}

constexpr uint32_t k_none = UINT32_MAX;

// Strings numbered in the order they are first seen; a number stays valid
// (and its text in place) for the interner's life.
class Interner {
  public:
    uint32_t id(std::string_view s)
    {
        if (auto it = m_ids.find(s); it != m_ids.end()) return it->second;
        m_strings.emplace_back(s);
        auto n = static_cast<uint32_t>(m_strings.size() - 1);
        m_ids.emplace(m_strings.back(), n);
        return n;
    }
    uint32_t find(std::string_view s) const
    {
        auto it = m_ids.find(s);
        return it == m_ids.end() ? k_none : it->second;
    }
    const std::string& str(uint32_t n) const { return m_strings[n]; }
    size_t size() const { return m_strings.size(); }

  private:
    std::deque<std::string> m_strings;
    std::unordered_map<std::string_view, uint32_t> m_ids;
};

// What both orders of a replay share: the keys and values as numbers, and
// what depends on a key alone (its value before the boot, the effects its
// write triggers, the keys they reach), worked out once per key. The
// replay writes every key several times (two orders, udev's runs), and
// looking these up by text in maps, a node and a few strings per key, was
// most of a no-op apply over thousands of interfaces (bench/, callgrind).
struct Shared {
    struct Fired {
        const WriteEffect* effect;
        Binding binding;
        // Per target: the key it names (k_none when per interface), and
        // for a per-interface target the key for each interface, by the
        // interface's index (filled as interfaces are seen).
        std::vector<uint32_t> target_key;
        std::vector<std::vector<uint32_t>> per_if;
    };
    struct Key {
        bool in_table = false;
        bool base_known = false;
        uint32_t base = k_none;  // value before the boot (input or [[boot_value]]), k_none: unknown
        uint32_t fired = k_none;  // index in fired_lists once worked out
    };

    Shared(const BootResult& result, const ReplayInput& in) : input(in)
    {
        for (const auto& a : result.table)
            key(id_of(a.key)).in_table = true;
        existing.reserve(in.existing_keys.size());
        for (const auto& k : in.existing_keys)
            existing.push_back(id_of(k));
        sort_by_path(existing);
    }

    // glob(3) returns matches sorted by path (the C locale's strcmp). Each
    // path is built once, not in every comparison.
    void sort_by_path(std::vector<uint32_t>& ids) const
    {
        std::vector<std::pair<std::string, uint32_t>> by_path;
        by_path.reserve(ids.size());
        for (uint32_t k : ids)
            by_path.emplace_back(key_to_path(keys.str(k)), k);
        std::sort(by_path.begin(), by_path.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
        for (size_t i = 0; i < by_path.size(); ++i)
            ids[i] = by_path[i].second;
    }

    uint32_t id_of(std::string_view k)
    {
        uint32_t n = keys.id(k);
        if (n >= info.size()) info.resize(n + 1);
        return n;
    }
    Key& key(uint32_t n) { return info[n]; }

    uint32_t base_of(uint32_t n)
    {
        if (info[n].base_known) return info[n].base;
        const std::string& k = keys.str(n);
        uint32_t v = k_none;
        if (auto it = input.before.find(k); it != input.before.end()) {
            v = values.id(kernel_text(it->second));
        } else {
            for (const auto& bv : boot_values())
                if (bv.key == k) {
                    v = values.id(bv.value);
                    break;
                }
            if (v == k_none)
                for (const auto& bv : boot_values())
                    if (match(bv.key, k, /*if_any=*/true)) {
                        v = values.id(bv.value);
                        break;
                    }
        }
        info[n].base_known = true;
        info[n].base = v;
        return v;
    }

    // The effects a write of key n triggers (the `except` list applied; the
    // "change" condition depends on the values and is the replay's).
    std::vector<Fired>& fired_by(uint32_t n)
    {
        if (info[n].fired != k_none) return fired_lists[info[n].fired];
        std::vector<Fired> out;
        const std::string k = keys.str(n);
        for (const auto& e : write_effects()) {
            auto b = match(e.trigger, k);
            if (!b) continue;
            if (std::find(e.except.begin(), e.except.end(), b->entry) != e.except.end()) continue;
            Fired f{&e, *b, {}, {}};
            for (const auto& target : e.targets) {
                bool per_if = target.key.find("{if}") != std::string_view::npos;
                f.target_key.push_back(per_if && e.action != EffectAction::mark_written
                                           ? k_none
                                           : id_of(substitute(target.key, *b)));
            }
            f.per_if.resize(e.targets.size());
            out.push_back(std::move(f));
        }
        fired_lists.push_back(std::move(out));
        info[n].fired = static_cast<uint32_t>(fired_lists.size() - 1);
        return fired_lists.back();
    }

    // The key of per-interface target t of `f` for interface index i.
    uint32_t target_for(Fired& f, size_t t, size_t i, const std::string& iface)
    {
        auto& ids = f.per_if[t];
        if (ids.size() <= i) ids.resize(i + 1, k_none);
        if (ids[i] == k_none) ids[i] = id_of(substitute(f.effect->targets[t].key, Binding{iface, f.binding.entry}));
        return ids[i];
    }

    // The number of the value the kernel prints for a written text.
    uint32_t kernel_value(const std::string& raw)
    {
        uint32_t r = raw_values.id(raw);
        if (r >= kernel_of_raw.size()) kernel_of_raw.resize(r + 1, k_none);
        if (kernel_of_raw[r] == k_none) kernel_of_raw[r] = values.id(kernel_text(raw));
        return kernel_of_raw[r];
    }

    const ReplayInput& input;
    std::vector<uint32_t> existing;  // input.existing_keys, in glob(3) order (both orders start from it)
    Interner keys;
    Interner values;
    Interner raw_values;
    std::vector<uint32_t> kernel_of_raw;
    std::vector<Key> info;
    std::deque<std::vector<Fired>> fired_lists;  // a deque: references stay valid as it grows
};

// Where a key's value came from (ReplayValue without the strings).
struct Provenance {
    const SysctlAssignment* source = nullptr;
    const WriteEffect* effect = nullptr;  // null: written directly
    uint32_t trigger = k_none;
    bool created_later = false;
};

class Replay {
  public:
    struct Slot {
        uint32_t state = k_none;  // value now, k_none: never set in this replay
        uint32_t shown = k_none;  // the value recorded with `prov` (ReplayValue::value)
        bool written = false;     // the kernel's "entry written" bit (mark_written)
        bool touched = false;     // a write or an effect set it: `prov` says how
        bool unknown_before = false;
        const SysctlAssignment* skipped = nullptr;  // systemd skipped its write as equal
        Provenance prov;
    };

    // udev_first: udev's coldplug runs (udev_coldplug) come before the
    // systemd-sysctl run, else after it.
    Replay(const BootResult& result, const ReplayInput& input, Shared& shared, bool udev_first = false)
        : m_result(result), m_input(input), m_sh(shared), m_udev_first(udev_first)
    {
        m_interfaces = input.interfaces;
        m_existing = shared.existing;
    }

    void run()
    {
        if (m_input.udev_coldplug && m_udev_first) coldplug();
        for (const auto& a : m_result.table)
            apply_entry(a, {});
        if (m_input.udev_coldplug && !m_udev_first) coldplug();
        for (const auto& name : m_input.later_interfaces)
            later_interface(name);
    }

    // The value a key ends at, or k_none if unknown.
    uint32_t value_of(uint32_t n)
    {
        if (n < m_slots.size() && m_slots[n].state != k_none) return m_slots[n].state;
        return m_sh.base_of(n);
    }

    const Slot* slot_if(uint32_t n) const { return n < m_slots.size() ? &m_slots[n] : nullptr; }
    size_t slots() const { return m_slots.size(); }

  private:
    Slot& slot(uint32_t n)
    {
        if (n >= m_slots.size()) m_slots.resize(std::max<size_t>(n + 1, m_sh.keys.size()));
        return m_slots[n];
    }

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
    // The same writes as apply_entry() with the interface's prefixes, in
    // table order, but each run visits only the table entries and existing
    // keys under its interface (bucketed once by interface_of()): run for
    // every interface over the whole table and every existing key, it was
    // quadratic in the interfaces (a no-op glob over 1000 of them spent
    // 1.9 G instructions here, bench/).
    void coldplug()
    {
        struct Bucket {
            std::vector<size_t> exact;     // table indices
            std::vector<size_t> existing;  // m_existing indices, in its order
        };
        std::unordered_map<std::string_view, Bucket> by_iface;
        std::vector<size_t> globs;
        const auto& table = m_result.table;
        for (size_t i = 0; i < table.size(); ++i) {
            const auto& a = table[i];
            if (a.is_exclusion) continue;
            if (a.is_glob)
                globs.push_back(i);
            else if (auto name = interface_of(a.key))
                by_iface[*name].exact.push_back(i);
        }
        if (!globs.empty())
            for (size_t j = 0; j < m_existing.size(); ++j)
                if (auto name = interface_of(m_sh.keys.str(m_existing[j]))) by_iface[*name].existing.push_back(j);
        for (const auto& iface : m_input.interfaces) {
            if (iface.name == "lo") continue;
            if (iface.name.find('.') != std::string::npos) {
                // Not a canonical segment ("eth0/100" is): the prefixes as given.
                auto prefixes = prefixes_of(iface.name);
                for (const auto& a : table)
                    apply_entry(a, prefixes);
                continue;
            }
            auto it = by_iface.find(iface.name);
            if (it == by_iface.end()) continue;  // nothing under it: the run writes nothing
            const Bucket& b = it->second;
            size_t e = 0, g = 0;
            while (e < b.exact.size() || g < globs.size()) {
                if (g == globs.size() || (e < b.exact.size() && b.exact[e] < globs[g])) {
                    const auto& a = table[b.exact[e++]];
                    systemd_write(m_sh.id_of(a.key), a.value, a);
                    continue;
                }
                const auto& a = table[globs[g++]];
                for (size_t j : b.existing) {
                    uint32_t k = m_existing[j];
                    if (!m_sh.key(k).in_table && glob_matches(a.key, m_sh.keys.str(k))) systemd_write(k, a.value, a);
                }
            }
        }
    }

    // The interface a key is under in the sense of udev's run
    // (--prefix=/net/ipv{4,6}/{conf,neigh}/NAME): the segment after
    // net.ipv4.conf., net.ipv4.neigh., net.ipv6.conf. or net.ipv6.neigh.
    // and a dot, else none.
    static std::optional<std::string_view> interface_of(std::string_view key)
    {
        for (std::string_view head : {"net.ipv4.conf.", "net.ipv4.neigh.", "net.ipv6.conf.", "net.ipv6.neigh."}) {
            if (!key.starts_with(head)) continue;
            std::string_view rest = key.substr(head.size());
            size_t dot = rest.find('.');
            if (dot == std::string_view::npos) return std::nullopt;
            return rest.substr(0, dot);
        }
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
            if (under(a.key)) systemd_write(m_sh.id_of(a.key), a.value, a);
            return;
        }
        for (size_t j = 0; j < m_existing.size(); ++j) {
            uint32_t k = m_existing[j];
            const std::string& key = m_sh.keys.str(k);
            if (!under(key) || m_sh.key(k).in_table || !glob_matches(a.key, key)) continue;
            systemd_write(k, a.value, a);
        }
    }

    // sysctl_write(): nothing happens when the key already reads as the value.
    void systemd_write(uint32_t k, const std::string& value, const SysctlAssignment& source)
    {
        uint32_t current = value_of(k);
        if (current == k_none) slot(k).unknown_before = true;
        if (current != k_none && m_sh.values.str(current) == value) {
            slot(k).skipped = &source;
            return;
        }
        slot(k).skipped = nullptr;
        kernel_write(k, m_sh.kernel_value(value), source);
    }

    void set(uint32_t k, uint32_t text, const SysctlAssignment& source, const WriteEffect* e, uint32_t trigger)
    {
        Slot& s = slot(k);
        s.state = text;
        s.shown = text;
        s.touched = true;
        s.prov = Provenance{&source, e, e != nullptr ? trigger : k_none, false};
    }

    void kernel_write(uint32_t k, uint32_t text, const SysctlAssignment& source)
    {
        uint32_t old = value_of(k);
        set(k, text, source, nullptr, k_none);
        auto& fired = m_sh.fired_by(k);
        for (auto& f : fired) {
            const WriteEffect& e = *f.effect;
            if (e.when == EffectWhen::change && old != k_none && old == text) continue;
            for (size_t t = 0; t < e.targets.size(); ++t) {
                const auto& target = e.targets[t];
                uint32_t value = target.value == EffectValue::same ? text
                                 : target.value == EffectValue::negate
                                     ? m_sh.values.id(is_zero(m_sh.values.str(text)) ? "1" : "0")
                                     : m_sh.values.id("0");
                if (e.action == EffectAction::mark_written) {
                    slot(f.target_key[t]).written = true;
                    continue;
                }
                if (f.target_key[t] != k_none) {
                    set(f.target_key[t], value, source, &e, k);
                    continue;
                }
                for (size_t i = 0; i < m_interfaces.size(); ++i) {
                    const auto& iface = m_interfaces[i];
                    uint32_t tk = m_sh.target_for(f, t, i, iface.name);
                    if (e.action == EffectAction::copy_to_unwritten &&
                        (iface.entries_written || iface.written_entries.count(f.binding.entry) != 0 ||
                         slot(tk).written))
                        continue;
                    set(tk, value, source, &e, k);
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
                uint32_t own = m_sh.id_of(mine + "." + key.substr(dflt.size()));
                uint32_t k = m_sh.id_of(key);
                m_existing.push_back(own);
                bool touched = k < m_slots.size() && m_slots[k].touched;
                uint32_t v = value_of(k);
                if (v == k_none) continue;
                slot(own).state = v;
                if (!touched) continue;
                Provenance p = m_slots[k].prov;
                p.created_later = true;
                p.trigger = k;
                Slot& o = slot(own);
                o.shown = v;
                o.touched = true;
                o.prov = p;
            }
        }
        m_sh.sort_by_path(m_existing);
        m_interfaces.push_back(BootInterface{name, false, {}});
        for (const auto& a : m_result.table)
            apply_entry(a, prefixes);
    }


    const BootResult& m_result;
    const ReplayInput& m_input;
    Shared& m_sh;
    bool m_udev_first = false;
    std::vector<BootInterface> m_interfaces;
    std::vector<uint32_t> m_existing;  // key numbers, in glob(3) order
    std::vector<Slot> m_slots;         // by key number
};

// The ReplayValue of a touched slot, its strings made.
ReplayValue value_of_slot(const Shared& sh, const Replay::Slot& s)
{
    ReplayValue v{sh.values.str(s.shown), *s.prov.source, {}, {}, {}, s.prov.created_later, false, {}, {}, {}, {}, {}};
    if (s.prov.trigger != k_none) v.trigger_key = sh.keys.str(s.prov.trigger);
    if (s.prov.effect != nullptr) v.effect_id = std::string(s.prov.effect->id);
    if (s.prov.created_later)
        v.mechanism = "created after the boot writes, it takes " + v.trigger_key + "'s value";
    else if (s.prov.effect != nullptr)
        v.mechanism = replace_all(std::string(s.prov.effect->mechanism), "{trigger}", v.trigger_key);
    return v;
}

std::string_view base_name(std::string_view path)
{
    size_t slash = path.rfind('/');
    return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

}  // namespace

std::string kernel_text(std::string_view value)
{
    std::string_view v = trim(value);
    bool negative = !v.empty() && v.front() == '-';
    std::string_view digits = negative ? v.substr(1) : v;
    if (digits.empty() || digits.size() > 18 ||
        !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return std::string(v);
    long long n = std::stoll(std::string(digits));
    return std::to_string(negative ? -n : n);
}

namespace {

// The result of one replay: every touched key (or those of `only`).
ReplayResult collect(const Shared& sh, const Replay& r, const util::StringMap* only, bool effects_only)
{
    ReplayResult out;
    for (uint32_t n = 0; n < r.slots(); ++n) {
        const auto& s = *r.slot_if(n);
        if (!s.touched && s.skipped == nullptr && !s.unknown_before) continue;
        const std::string& key = sh.keys.str(n);
        if (only != nullptr && !only->contains(key)) continue;
        if (effects_only) {
            if (!s.touched || s.prov.effect == nullptr) continue;
            // The rest only for the keys kept (the order merge adds its own).
        }
        if (s.touched) out.values.emplace(key, value_of_slot(sh, s));
        if (s.skipped != nullptr) out.skipped_equal.emplace(key, *s.skipped);
        if (s.unknown_before) out.unknown_before.insert(key);
    }
    return out;
}

}  // namespace

ReplayResult replay_boot(const BootResult& result, const ReplayInput& input, const util::StringMap* only,
                         bool effects_only)
{
    Shared shared(result, input);
    if (!input.udev_coldplug) {
        Replay r(result, input, shared);
        r.run();
        return collect(shared, r, only, effects_only);
    }
    // Both orders of udev's coldplug runs and systemd-sysctl; what differs
    // is order_dependent.
    Replay after(result, input, shared, false), first(result, input, shared, true);
    after.run();
    first.run();
    ReplayResult out = collect(shared, after, only, effects_only);
    const size_t n_keys = std::max(after.slots(), first.slots());
    for (uint32_t n = 0; n < n_keys; ++n) {
        const auto* sa = after.slot_if(n);
        const auto* sf = first.slot_if(n);
        if (sf == nullptr || (!sf->touched && sf->skipped == nullptr && !sf->unknown_before)) {
            if (sa == nullptr || !sa->touched) continue;
        }
        const std::string& key = shared.keys.str(n);
        if (only != nullptr && !only->contains(key)) continue;
        bool touched_after = sa != nullptr && sa->touched, touched_first = sf != nullptr && sf->touched;
        uint32_t a = after.value_of(n), f = first.value_of(n);  // interned: equal text, equal number
        bool order_dependent = (touched_after || touched_first) && a != f;
        if (effects_only && !order_dependent && out.values.count(key) == 0) continue;
        if (effects_only && order_dependent && sa != nullptr && out.values.count(key) == 0) {
            // Kept for its order alone: what after's run says of it too.
            if (sa->unknown_before) out.unknown_before.insert(key);
            if (sa->skipped != nullptr) out.skipped_equal.emplace(key, *sa->skipped);
        }
        if (sf != nullptr) {
            if (sf->unknown_before) out.unknown_before.insert(key);
            // A write skipped as equal in either order (udev's later run may write it).
            if (sf->skipped != nullptr) out.skipped_equal.emplace(key, *sf->skipped);
        }
        if (!order_dependent) continue;
        auto it = out.values.find(key);
        if (it == out.values.end()) {
            // Touched in the other order only (or left out by effects_only).
            ReplayValue v = value_of_slot(shared, touched_after ? *sa : *sf);
            v.value = a == k_none ? std::string() : shared.values.str(a);
            it = out.values.emplace(key, std::move(v)).first;
        }
        ReplayValue& v = it->second;
        v.order_dependent = true;
        v.other_value = f == k_none ? std::string() : shared.values.str(f);
        if (touched_first) {
            ReplayValue o = value_of_slot(shared, *sf);
            v.other_source = std::move(o.source);
            v.other_effect_id = std::move(o.effect_id);
            v.other_trigger_key = std::move(o.trigger_key);
            v.other_mechanism = std::move(o.mechanism);
        }
    }
    return out;
}

bool effect_can_reach(std::string_view key)
{
    for (const auto& e : write_effects()) {
        if (e.action == EffectAction::mark_written) continue;
        for (const auto& t : e.targets) {
            auto b = match(t.key, key);
            if (b && std::find(e.except.begin(), e.except.end(), b->entry) == e.except.end()) return true;
        }
    }
    return false;
}

std::vector<std::string_view> zeroed_by(std::string_view written)
{
    std::vector<std::string_view> out;
    for (const auto& e : write_effects()) {
        if (e.action != EffectAction::set || e.trigger != written) continue;
        for (const auto& t : e.targets)
            if (t.value == EffectValue::zero) out.push_back(t.key);
    }
    return out;
}

bool effect_reaches(std::string_view written, std::string_view target)
{
    for (const auto& e : write_effects()) {
        if (e.action == EffectAction::mark_written) continue;
        auto b = match(e.trigger, written);
        if (!b || std::find(e.except.begin(), e.except.end(), b->entry) != e.except.end()) continue;
        for (const auto& t : e.targets) {
            auto tb = match(t.key, target);
            if (tb && tb->entry == b->entry) return true;
        }
    }
    return false;
}

std::vector<Shadow> effect_shadows(const ReplayResult& replay, const util::StringMap& ours,
                                   std::string_view our_fragment_name)
{
    std::vector<Shadow> out;
    for (const auto& [key, our_value] : ours) {
        auto it = replay.values.find(key);
        if (it == replay.values.end()) continue;
        const ReplayValue& found = it->second;
        // The outcome that is not ours. With udev_coldplug a key can end
        // either way (order_dependent): then that is the other order's.
        ReplayValue v = found;
        if (found.order_dependent) {
            bool value_ours = model::live_in_sync(found.value, our_value);
            if (value_ours && model::live_in_sync(found.other_value, our_value)) continue;
            if (value_ours) {
                v.value = found.other_value;
                v.source = found.other_source;
                v.effect_id = found.other_effect_id;
                v.trigger_key = found.other_trigger_key;
                v.mechanism = found.other_mechanism;
            }
        } else if (v.effect_id.empty() || model::live_in_sync(v.value, our_value)) {
            continue;
        }
        // The value is the one the effect left (ip_forward = 1 leaves
        // conf.all.accept_redirects at 0), the file and line the write's.
        SysctlAssignment by = v.source;
        by.value = v.value;
        std::string where = by.file + ":" + std::to_string(by.line);
        std::string words = v.mechanism + " (" + where + ")";
        if (v.effect_id == "ipv4-default-copy") {
            // The words of the issue: name the interface and why it was open.
            auto segs = segments(key);
            std::string iface = segs.size() == 5 ? std::string(segs[3]) : key;
            words = "a later write of " + v.trigger_key + " in " + where + " reaches " + iface +
                    " because its own value was never written";
            auto skipped = replay.skipped_equal.find(key);
            if (skipped != replay.skipped_equal.end() && base_name(skipped->second.file) == our_fragment_name)
                words += " (systemd-sysctl skips our write of " + key + ": at boot it already holds " + our_value + ")";
            words += "; this assumes " + iface + " has no IPv4 address yet when systemd-sysctl runs";
        }
        if (v.effect_id.empty()) words = "written by " + where;
        if (found.order_dependent) {
            auto segs = segments(key);
            std::string iface = segs.size() == 5 ? std::string(segs[3]) : key;
            words += "; this depends on the boot's order: udev's systemd-sysctl run for " + iface +
                     " (99-systemd.rules, replayed for interfaces present at boot) is not ordered against "
                     "systemd-sysctl.service: " + key + " ends at " + found.other_value + " when udev runs first, " +
                     found.value + " when it runs after";
        }
        out.push_back(Shadow{key, our_value, by, false, ShadowScope::systemd, words});
    }
    return out;
}

}  // namespace sysknob::boot
