#include "profile/lint.hpp"

#include <algorithm>
#include <map>

#include "kernel/catalogue.hpp"
#include "kernel/expand.hpp"
#include "model/key.hpp"
#include "profile/machine_rules.hpp"
#include "profile/net_rules.hpp"
#include "profile/rules.hpp"
#include "util/strings.hpp"

namespace sysknob::profile {

namespace {

using kernel::Param;
using model::Diagnostic;
using model::Diagnostics;
using model::Setting;
using model::Severity;
using model::ValueKind;

bool at_or_after(const std::string& release, std::string_view version)
{
    return !version.empty() && util::compare_release(release, version) >= 0;
}

std::string suggestion(const std::string& key, const kernel::Target& target)
{
    std::string best;
    size_t best_d = 4;
    auto consider = [&](std::string_view candidate) {
        size_t d = util::edit_distance(key, candidate, best_d);
        if (d < best_d) {
            best_d = d;
            best = std::string(candidate);
        }
    };
    for (const auto& p : kernel::catalogue())
        consider(p.key);
    // Siblings in the live tree catch keys the catalogue does not list.
    auto dot = key.rfind('.');
    if (target.tree && dot != std::string::npos) {
        std::string parent = key.substr(0, dot);
        if (auto names = target.tree->list(parent))
            for (const auto& n : *names)
                consider(parent + "." + n);
    }
    return best;
}

class Linter {
  public:
    Linter(const model::ResolvedProfile& profile, const kernel::Target& target) : m_profile(profile), m_target(target)
    {
    }

    Diagnostics run()
    {
        for (const auto& s : m_profile.settings)
            check_setting(s);
        net_rules(m_profile, m_target, m_out);
        machine_rules(m_profile, m_target, m_out);
        return std::move(m_out);
    }

  private:
    void add(std::string_view id, const Setting& s, std::string message, std::string hint)
    {
        m_out.push_back(make_diagnostic(id, s.key, s.where, std::move(message), std::move(hint)));
    }

    void check_setting(const Setting& s)
    {
        const Param* p = kernel::find_param(s.key);
        if (p && !p->replaced_by.empty()) {
            add("SK2005", s, "'" + s.key + "' is a legacy name", "use '" + std::string(p->replaced_by) + "'");
            return;
        }
        namespace_notes(s, p);
        if (!check_presence(s, p)) return;
        if (p) check_shape(s, *p);
    }

    // Returns false when the key cannot be checked further (absent).
    bool check_presence(const Setting& s, const Param* p)
    {
        const std::string& r = m_target.release;
        if (!m_target.live) {
            if (p && !p->removed_in.empty() && at_or_after(r, p->removed_in)) {
                if (s.optional)
                    add("SK3008", s, "optional '" + s.key + "' skipped: removed in " + std::string(p->removed_in), "");
                else
                    add("SK2001", s,
                        "'" + s.key + "' was removed in Linux " + std::string(p->removed_in) + " (target " + r + ")",
                        removal_hint(s.key));
                return false;
            }
            if (p && !p->added_in.empty() && !at_or_after(r, p->added_in) && p->added_in.front() != '<') {
                if (s.optional)
                    add("SK3008", s, "optional '" + s.key + "' skipped: added in " + std::string(p->added_in), "");
                else
                    add("SK2002", s,
                        "'" + s.key + "' first appeared in Linux " + std::string(p->added_in) + " (target " + r + ")",
                        "mark it optional = true or drop it for this kernel");
                return false;
            }
            if (!p && (!m_target.tree || !exists_live(s.key))) {
                unknown(s);
                return false;
            }
            version_notes(s, p);
            return true;
        }
        auto access = live_access(s.key);
        if (access == ports::Access::absent) {
            if (!p) {
                unknown(s);
                return false;
            }
            std::string why = "not present in /proc/sys on this kernel";
            std::string hint = "mark it optional = true to skip it where it does not exist";
            if (!p->removed_in.empty() && at_or_after(r, p->removed_in)) {
                why = "removed in Linux " + std::string(p->removed_in);
                hint = removal_hint(s.key);
            } else if (!p->added_in.empty() && p->added_in.front() != '<' && !at_or_after(r, p->added_in)) {
                why = "added in Linux " + std::string(p->added_in);
            } else if (!p->module.empty() && !refuses_load(p->module) && !s.optional) {
                // apply loads the module before its first write (the key's
                // module is implied even without [modules.X]): the key is
                // checked against the catalogue, as for an offline target.
                version_notes(s, p);
                return true;
            } else if (!p->module.empty()) {
                const std::string m(p->module);
                why = "module '" + m + "' is not loaded and this profile says load = false for it";
                hint = "to let apply load it, write in the profile:\n[modules." + m + "]\nload = true";
            } else if (!p->per_netns) {
                why = "not visible in this network namespace";
            }
            if (s.optional)
                add("SK3008", s, "optional '" + s.key + "' skipped: " + why, "");
            else
                add("SK1005", s, "'" + s.key + "' does not exist here: " + why, hint);
            return false;
        }
        if (access == ports::Access::read_only)
            add("SK1006", s, "'" + s.key + "' is read-only in this network namespace",
                "set it on the host (initial network namespace); apply refuses it here");
        version_notes(s, p);
        return true;
    }

    void version_notes(const Setting& s, const Param* p)
    {
        if (!p) return;
        const std::string& r = m_target.release;
        if (!p->noop_since.empty() && at_or_after(r, p->noop_since))
            add("SK2003", s, "'" + s.key + "' has no effect since Linux " + std::string(p->noop_since),
                "drop it (" + std::string(p->source) + ")");
        // Only a change of meaning is worth a warning: a default that
        // changed does not matter for a key the profile pins, since the
        // pinned value means the same on both kernels.
        if (p->meaning_changed_in.empty() || at_or_after(r, p->meaning_changed_in)) return;
        bool applies = p->meaning_values.empty();
        for (auto x : s.value.numbers)
            applies = applies || std::find(p->meaning_values.begin(), p->meaning_values.end(), x) != p->meaning_values.end();
        if (!applies) return;
        add("SK2004", s,
            "'" + s.key + "' = " + s.value.render() + " means something else before Linux " +
                std::string(p->meaning_changed_in) + " (target " + r + "): " + std::string(p->meaning_change_note),
            "check the value against the target kernel's documentation");
    }

    // A container owns only its namespaces' copies; a global key written
    // from it changes the host (or is refused when /proc/sys is read-only).
    void namespace_notes(const Setting& s, const Param* p)
    {
        if (!m_target.container || !p || p->ns != kernel::Namespace::global) return;
        add("SK1008", s,
            "'" + s.key + "' is global, not per container: written from a container it changes the whole host or is "
            "refused",
            "set it in the host's profile; a container profile can hold only net, ipc, user and uts keys");
    }

    static std::string removal_hint(const std::string& key)
    {
        if (key == "net.ipv4.tcp_tw_recycle")
            return "drop it: TIME_WAIT reuse for outgoing connections is net.ipv4.tcp_tw_reuse";
        return "drop it or mark it optional = true";
    }

    void unknown(const Setting& s)
    {
        std::string near = suggestion(s.key, m_target);
        if (s.optional && m_target.live) {
            add("SK3008", s, "optional '" + s.key + "' skipped: not present on this kernel", "");
            return;
        }
        // "net.ipv4 = 1" or "net.ipv4.conf.\"*\" = 1": the name is a directory
        // of keys in /proc/sys, which a write cannot reach.
        if (m_target.tree && s.key.find('*') == std::string::npos) {
            auto below = m_target.tree->list(s.key);  // fails for a key that is no directory
            if (below && !below->empty()) {
                add("SK1001", s, "'" + s.key + "' is a directory of keys in /proc/sys, not a key",
                    "name one of the keys below it (`sysctl -a` lists them)");
                return;
            }
        }
        add("SK1001", s, "unknown key '" + s.key + "'",
            near.empty() ? "check the name with `sysctl -a`" : "did you mean '" + near + "'?");
    }

    bool refuses_load(std::string_view module) const
    {
        for (const auto& m : m_profile.modules)
            if (m.name == module) return m.load_refused;
        return false;
    }

    bool exists_live(const std::string& key) { return live_access(key) != ports::Access::absent; }

    ports::Access live_access(const std::string& key)
    {
        if (!m_target.tree) return ports::Access::absent;
        return kernel::probe_first(*m_target.tree, key);
    }

    void check_shape(const Setting& s, const Param& p)
    {
        const auto& v = s.value;
        if (p.type == kernel::ParamType::integer && v.kind == ValueKind::string) {
            add("SK1002", s, "'" + s.key + "' takes integers, not the string '" + v.text + "'",
                p.arity == 1 ? "write a bare integer" : "write an array of integers");
            return;
        }
        if (p.type == kernel::ParamType::string && v.kind != ValueKind::string) {
            add("SK1002", s, "'" + s.key + "' takes a string", "quote the value");
            return;
        }
        if (p.type != kernel::ParamType::integer) return;
        size_t n = v.numbers.size();
        if (p.arity > 0 && n != static_cast<size_t>(p.arity)) {
            add("SK1003", s,
                "'" + s.key + "' takes " + std::to_string(p.arity) + " value" + (p.arity > 1 ? "s" : "") + ", got " +
                    std::to_string(n),
                p.arity == 1 ? "write a single integer" : "write an array of " + std::to_string(p.arity) + " integers");
            return;
        }
        for (auto x : v.numbers) {
            if ((p.has_min && x < p.min) || (p.has_max && x > p.max)) {
                std::string range = range_text(p.has_min, p.min, p.has_max, p.max);
                if (p.out_of_range == kernel::OutOfRange::clamp) {
                    add("SK1007", s, "value " + std::to_string(x) + " of '" + s.key + "' is outside " + range,
                        "the kernel stores it clamped to " + range);
                    return;
                }
                add("SK1004", s,
                    "value " + std::to_string(x) + " of '" + s.key + "' is outside " + range +
                        ": the kernel refuses it (EINVAL)",
                    "the kernel accepts " + range + (p.unit.empty() ? "" : " (" + std::string(p.unit) + ")") +
                        (p.out_of_range == kernel::OutOfRange::hz
                             ? "; the upper bound is INT_MAX / CONFIG_HZ, given here for HZ=1000"
                             : ""));
                return;
            }
        }
        for (auto x : v.numbers) {
            if ((p.has_advice_min && x < p.advice_min) || (p.has_advice_max && x > p.advice_max)) {
                add("SK1007", s,
                    "value " + std::to_string(x) + " of '" + s.key + "' is outside the advised " +
                        range_text(p.has_advice_min, p.advice_min, p.has_advice_max, p.advice_max),
                    std::string(p.advice));
                return;
            }
        }
    }

    static std::string range_text(bool has_lo, int64_t lo, bool has_hi, int64_t hi)
    {
        return "[" + (has_lo ? std::to_string(lo) : std::string("..")) + ", " +
               (has_hi ? std::to_string(hi) : std::string("..")) + "]";
    }

    const model::ResolvedProfile& m_profile;
    const kernel::Target& m_target;
    Diagnostics m_out;
};

}  // namespace

Diagnostics lint(const model::ResolvedProfile& profile, const kernel::Target& target)
{
    return apply_ignores(profile, Linter(profile, target).run());
}

Diagnostics apply_ignores(const model::ResolvedProfile& profile, Diagnostics diagnostics)
{
    std::erase_if(diagnostics, [&](const Diagnostic& d) {
        const Rule* r = find_rule(d.id);
        if (!r || !r->suppressible) return false;
        auto it = profile.ignore_by_file.find(d.where.file);
        if (it == profile.ignore_by_file.end()) return false;
        return std::find(it->second.begin(), it->second.end(), d.id) != it->second.end();
    });
    return diagnostics;
}

void make_strict(Diagnostics& diagnostics)
{
    for (auto& d : diagnostics)
        if (d.severity == Severity::warning) d.severity = Severity::error;
}

}  // namespace sysknob::profile
