#include "change/prepare.hpp"

#include <algorithm>
#include <set>

#include "apply/coupled.hpp"
#include "boot/boot_replay.hpp"
#include "boot/write_effects.hpp"
#include "change/bookkeeping.hpp"
#include "change/execute.hpp"
#include "change/ordered_lookup.hpp"
#include "kernel/catalogue.hpp"
#include "kernel/conntrack.hpp"
#include "kernel/expand.hpp"
#include "kernel/order.hpp"
#include "model/key.hpp"
#include "model/value.hpp"
#include "persist/fragments.hpp"
#include "persist/paths.hpp"
#include "util/strings.hpp"

namespace sysknob::change {

Result<std::pair<snapshot::State, bool>> read_state(Env& env)
{
    TRY(auto text, env.files.read_state());
    if (!text) return std::make_pair(snapshot::State{}, false);
    TRY(auto state, snapshot::parse_state(*text, env.files.display(std::string(persist::k_state_file))));
    return std::make_pair(std::move(state), true);
}

namespace {

// Adds a file change when the content differs from what is on disk.
Result<void> want_file(Env& env, ChangeSet& change, const std::string& path, const std::string* content,
                       unsigned mode = 0644)
{
    TRY(auto st, read_managed(env, path));
    FileChange f;
    f.path = path;
    if (!content) {
        if (!st.exists) return {};
        f.remove = true;
        f.action = "remove";
    } else {
        if (st.exists && st.content == *content && (st.mode & 0777) == mode) return {};
        f.content = *content;
        f.mode = mode;
        f.action = st.exists ? "update" : "create";
    }
    change.files.push_back(std::move(f));
    return {};
}

bool load_refused(const model::ResolvedProfile& r, const std::string& module)
{
    for (const auto& m : r.modules)
        if (m.name == module) return m.load_refused;
    return false;
}

// Whether a key this profile sets that the catalogue says `module` brings
// is in /proc/sys already: then the kernel has the module, even where
// /lib/modules is not installed (a container, a minimal image) and a
// built-in module without parameters has no /sys/module entry.
bool keys_present(Env& env, const model::ResolvedProfile& r, const std::string& module)
{
    for (const auto& s : r.settings)
        if (const auto* p = kernel::find_param(s.key);
            p && p->module == module && !model::key_has_glob(s.key) && env.tree.probe(s.key) != ports::Access::absent)
            return true;
    return false;
}

bool congestion_control_registered(Env& env, const std::string& cc)
{
    auto available = env.tree.read("net.ipv4.tcp_available_congestion_control", ports::Intent::read);
    if (!available) return false;
    for (const auto& name : util::split_ws(available->text))
        if (name == cc) return true;
    return false;
}

// Modules the profile needs: listed ones, those the catalogue says its keys
// need, and the module of a congestion control that is not built in; a
// module the profile says `load = false` for is left out. `optional_only`
// gets those needed only by optional keys (absent is then no error).
std::vector<std::string> needed_modules(Env& env, const model::ResolvedProfile& r, std::set<std::string>& optional_only)
{
    std::set<std::string> mods, required;
    for (const auto& m : r.modules)
        if (m.load) mods.insert(m.name), required.insert(m.name);
    auto need = [&](const std::string& m, bool optional) {
        if (load_refused(r, m)) return;
        mods.insert(m);
        if (!optional) required.insert(m);
    };
    for (const auto& s : r.settings) {
        if (const auto* p = kernel::find_param(s.key); p && !p->module.empty())
            need(std::string(p->module), s.optional);
        if (s.key == "net.ipv4.tcp_congestion_control" && s.value.kind == model::ValueKind::string) {
            const std::string& cc = s.value.text;
            // reno is part of the TCP core (net/ipv4/tcp_cong.c, tcp_reno).
            if (cc == "reno") continue;
            auto st = env.modules.state("tcp_" + cc);
            if (ports::is_builtin(st)) continue;
            // The kernel lists every registered congestion control, built in
            // or loaded, in tcp_available_congestion_control
            // (tcp_get_available_congestion_control(), net/ipv4/tcp_cong.c).
            // One listed there that is not a loaded module is built in, even
            // where /lib/modules (and so modules.builtin) is not installed.
            if ((!st || *st == ports::ModuleState::absent) && congestion_control_registered(env, cc)) continue;
            need("tcp_" + cc, s.optional);
        }
    }
    for (const auto& m : mods)
        if (!required.count(m)) optional_only.insert(m);
    return {mods.begin(), mods.end()};
}

// Parameters of [modules.X], "auto" resolved. Those of a module this change
// loads are given at load time; those of a loaded or built-in module are
// written live when /sys lets root change them, else a warning says when
// they take effect.
std::vector<persist::ModuleOption> module_options(Env& env, const model::ResolvedProfile& r,
                                                  const std::vector<std::string>& loading, bool live, Prepared& p)
{
    auto& warnings = p.warnings;
    std::vector<persist::ModuleOption> out;
    for (const auto& m : r.modules) {
        for (const auto& param : m.params) {
            std::string value = param.value;
            if (value == "auto" && m.name == "nf_conntrack" && param.name == "hashsize") {
                std::optional<int64_t> max;
                if (const auto* s = r.find("net.netfilter.nf_conntrack_max");
                    s && s->value.kind == model::ValueKind::integer)
                    max = s->value.numbers[0];
                else if (auto l = env.tree.read("net.netfilter.nf_conntrack_max", ports::Intent::read))
                    max = util::parse_i64(util::trim(l->text));
                if (!max) {
                    warnings.push_back("cannot resolve hashsize = \"auto\": nf_conntrack_max unknown, ignoring");
                    continue;
                }
                value = std::to_string(kernel::conntrack_buckets_for(*max, env.host.kernel_release()));
            } else if (value == "auto") {
                warnings.push_back("\"auto\" is defined only for nf_conntrack hashsize; '" + m.name + "." + param.name +
                                   "' ignored");
                continue;
            }
            out.push_back({m.name, param.name, value});
            if (!live) continue;
            if (std::find(loading.begin(), loading.end(), m.name) != loading.end()) {
                for (auto& l : p.change.load)
                    if (l.name == m.name) l.options += (l.options.empty() ? "" : " ") + param.name + "=" + value;
                continue;
            }
            auto st = env.modules.state(m.name);
            bool builtin = ports::is_builtin(st);
            auto next_time = [&](const std::string& why) {
                warnings.push_back("'" + m.name + "." + param.name + "=" + value + "' " + why +
                                   ": it takes effect at the next module load or boot" +
                                   (builtin ? " (built into this kernel: kernel command line '" + m.name + "." +
                                                  param.name + "=" + value + "')"
                                            : ""));
            };
            if (!st || (*st != ports::ModuleState::loaded && *st != ports::ModuleState::builtin)) continue;
            auto cur = env.modules.read_param(m.name, param.name);
            if (!cur) {
                next_time("is not a live parameter here");
                continue;
            }
            if (util::trim(cur->text) == value) continue;
            if (!cur->writable) {
                next_time("cannot change at runtime (read-only in /sys/module)");
                continue;
            }
            p.change.params.push_back({m.name, param.name, cur->text, value, ""});
        }
    }
    return out;
}

// The boot replayed (boot/boot_replay.hpp) with our fragment as it would be
// written: our keys that a kernel side effect of another write changes. The
// state before the boot is the kernel's compiled-in values (write_effects.toml
// [[boot_value]]), not the live ones, which our own apply may have set; the
// interfaces are the ones present now, lo with its address (systemd's PID 1
// brings lo up before any unit runs, src/core/loopback-setup.c), the others
// without one (an address comes later, from the network manager).
std::vector<boot::Shadow> effect_shadows_of(Env& env, const util::StringMap& ours, const std::string& name)
{
    bool reachable = false;
    for (const auto& entry : ours)
        reachable = reachable || boot::effect_can_reach(entry.first);
    if (!reachable) return {};
    auto files = env.boot.sysctl_d({});
    if (!files) return {};
    // Our fragment as persist::render_fragment() orders it: write rank, then
    // key (the order matters when one of our keys has effects on another).
    std::vector<const std::pair<std::string, std::string>*> order;
    for (const auto& entry : ours)
        order.push_back(&entry);
    std::stable_sort(order.begin(), order.end(), [](const auto* a, const auto* b) {
        return kernel::write_rank(a->first) < kernel::write_rank(b->first);
    });
    std::string content;
    for (const auto* entry : order)
        content += entry->first + " = " + entry->second + "\n";
    std::erase_if(*files, [&](const boot::ConfigFile& f) { return f.name == name; });
    files->push_back(boot::ConfigFile{std::string(persist::k_sysctl_d), name, content, false});
    auto model = boot::build_boot_model(*files, /*with_history=*/false);

    boot::ReplayInput input;
    if (auto dirs = env.tree.list("net.ipv4.conf")) {
        for (const auto& d : *dirs)
            if (d != "all" && d != "default") input.interfaces.push_back(boot::BootInterface{d, d == "lo", {}});
    }
    // Sorted and made unique once, as a vector: a std::set of every key of
    // a glob over thousands of interfaces cost more than the replay's use.
    auto& existing = input.existing_keys;
    for (const auto& a : model.table) {
        if (!a.is_glob) {
            existing.push_back(a.key);
            continue;
        }
        // expand_key() expands "*" segments; other glob characters are
        // matched afterwards.
        std::string star;
        for (auto seg : util::split(a.key, '.')) {
            if (!star.empty()) star += '.';
            star += boot::key_is_glob(seg) ? std::string("*") : std::string(seg);
        }
        for (auto& k : kernel::expand_key(env.tree, star))
            if (boot::glob_matches(a.key, k)) existing.push_back(std::move(k));
    }
    std::sort(existing.begin(), existing.end());
    existing.erase(std::unique(existing.begin(), existing.end()), existing.end());
    // A real boot: udev runs systemd-sysctl for each interface present too.
    input.udev_coldplug = true;
    // Only our keys' outcomes that a side effect or the boot's order made
    // are looked at (effect_shadows): the others are not collected.
    auto replay = boot::replay_boot(model, input, &ours, /*effects_only=*/true);
    return boot::effect_shadows(replay, ours, name);
}

// The keys a profile stopped setting go back to their baseline values. Of
// a writeback pair (a write of one member sets the other to 0), only the
// member that goes back to a value other than 0 is written, as rollback
// does (change/rollback.cpp): the kernel zeroes the other one, and refuses
// a written 0 for the _bytes keys (mm/page-writeback.c v6.12,
// dirty_background_bytes_handler(), dirty_bytes_handler(); extra1 of
// vm_page_writeback_sysctls). A restore to 0 is also implied by the
// profile's own write of the other member. A _bytes key whose other
// member's value before is not in the baseline (a state written before
// sysknob recorded it) cannot go back to 0 by any write: it is left as it
// is, and said.
void drop_implied_baseline_restores(Prepared& p, size_t first_restore)
{
    auto& live = p.change.live;
    std::vector<apply::LiveChange> restores(std::make_move_iterator(live.begin() + first_restore),
                                            std::make_move_iterator(live.end()));
    live.resize(first_restore);
    apply::drop_implied_restores(restores, apply::RestoreSide::to, live);
    for (auto& r : restores) {
        auto n = util::parse_i64(util::trim(r.to));
        if (n && *n == 0 && apply::zero_only_by_partner(r.key)) {
            p.warnings.push_back("'" + r.key + "' stays " + model::normalize_live(r.from) +
                                 ": its value before sysknob was 0, which the kernel sets only when the other "
                                 "member of its pair is written, and that member's value before is not recorded "
                                 "(state written by an older sysknob); set the other member in the profile to "
                                 "put it in effect");
            continue;
        }
        live.push_back(std::move(r));
    }
}

}  // namespace

std::vector<boot::Shadow> shadows_of(Env& env, const util::StringMap& ours, int priority)
{
    std::string name = persist::fragment_path(priority);
    name = name.substr(name.rfind('/') + 1);
    // Only a file read after ours (a later name, or /etc/sysctl.conf for
    // procps) can override it at boot: the others are not even read.
    auto files = env.boot.sysctl_d(name);
    if (!files) return {};
    auto model = boot::build_boot_model(*files);
    std::vector<boot::Shadow> out;
    std::set<std::string> keys;
    for (auto& s : boot::find_shadows(model, name, ours, &*files))
        if (!s.same_value && s.scope == boot::ShadowScope::systemd) {
            keys.insert(s.key);
            out.push_back(std::move(s));
        }
    // A key no later file names can still change at boot through the
    // kernel's side effect of another write (any file, earlier ones too).
    for (auto& s : effect_shadows_of(env, ours, name))
        if (keys.count(s.key) == 0) out.push_back(std::move(s));
    return out;
}

Result<Prepared> prepare(Env& env, Loaded loaded, const PrepareOptions& o)
{
    Prepared p;
    p.loaded = std::move(loaded);
    if (!p.loaded.ok) return p;
    const auto& r = p.loaded.load.resolved;
    TRY(auto st, read_state(env));
    p.old_state = std::move(st.first);
    p.had_state = st.second;

    // Keys the previous apply changed that this profile no longer sets go
    // back to their pre-sysknob values, as a reboot with the new fragment
    // alone would leave them. make_plan drops the ones the profile still
    // sets (globs expanded).
    static const util::StringMap k_none;
    const util::StringMap* restore_from = o.persist_only ? &k_none : &p.old_state.baseline;
    // The other member of a writeback pair stays in the baseline while the
    // profile sets a key whose write zeroes it (below): it is no restore
    // then. A copy only when there is one (rare: vm.dirty_* pairs).
    util::StringMap held_back;
    if (!o.persist_only) {
        std::vector<std::string_view> held;
        for (const auto& e : boot::write_effects()) {
            if (e.action != boot::EffectAction::set || !r.find(std::string(e.trigger))) continue;
            for (const auto& t : e.targets)
                if (t.value == boot::EffectValue::zero && !r.find(std::string(t.key)) &&
                    p.old_state.baseline.contains(t.key))
                    held.push_back(t.key);
        }
        if (!held.empty()) {
            for (const auto& [k, v] : p.old_state.baseline)
                if (std::find(held.begin(), held.end(), k) == held.end()) held_back.emplace(k, v);
            restore_from = &held_back;
        }
    }
    const auto& restore = *restore_from;
    // Modules first: the plan must know which absent keys a load brings.
    std::set<std::string> optional_only;
    p.boot_modules = needed_modules(env, r, optional_only);
    std::vector<std::string> loading, absent_optional;
    if (!o.persist_only) {
        for (const auto& m : p.boot_modules) {
            auto ms = env.modules.state(m);
            if (!ms) {
                p.module_errors.push_back(ms.error().message);
                continue;
            }
            if (*ms == ports::ModuleState::absent && keys_present(env, r, m))
                continue;  // built in without a /sys/module entry or a modules.builtin to say so
            if (*ms == ports::ModuleState::available) {
                loading.push_back(m);
                p.change.load.push_back({m, ""});
            } else if (*ms == ports::ModuleState::absent && optional_only.count(m)) {
                absent_optional.push_back(m);  // its keys are skipped; boot must not look for it either
            } else if (*ms == ports::ModuleState::absent) {
                const std::string rel = env.modules.release();
                p.module_errors.push_back("module '" + m + "' does not exist for kernel " + rel +
                                          ": not built in (modules.builtin) and not in /lib/modules/" + rel +
                                          "/modules.dep; install the package with this kernel's modules, or drop "
                                          "[modules." +
                                          m + "] and the keys that need it");
            }
        }
    }
    std::erase_if(p.boot_modules, [&](const std::string& m) {
        return std::find(absent_optional.begin(), absent_optional.end(), m) != absent_optional.end();
    });
    p.plan = plan::make_plan(r, env.tree, o.intent, restore, loading);

    auto& ns = p.new_state;
    ns.profiles = r.names;
    ns.priority = o.priority;
    for (const auto& s : r.settings)  // the state file groups each glob's keys under it
        if (model::key_has_glob(s.key)) ns.globs.push_back(s.key);
    // The items come in key order within each write rank, so the maps are
    // filled at their end and the old baseline is looked up with a cursor
    // (change/ordered_lookup.hpp): amortised O(1) per key, for globs over
    // thousands of interfaces.
    const auto& old_baseline = p.old_state.baseline;
    OrderedLookup old_baseline_of(old_baseline);
    // The new baseline: the old baseline of each key this profile sets, and
    // the live value of each key it changes for the first time (with
    // --persist-only, the old baseline as it is). It equals the old one when
    // every old entry is still set and no key is new to it; only then is it
    // left unbuilt (see state_changes below).
    size_t baseline_kept = 0;
    bool baseline_grows = false;
    for (const auto& item : p.plan.items) {
        if (item.restore) continue;
        ns.keys.emplace_hint(ns.keys.end(), item.key, item.desired);
        if (!item.after_load.empty()) {
            // It did not exist before: there is no value to return to, and
            // its value before (the module's default) is read after loading.
            p.change.after_load.push_back({item.key, "", item.desired});
            continue;
        }
        bool had = old_baseline_of.find(item.key) != old_baseline.end();
        baseline_kept += had;
        if (item.status == plan::Status::change && !o.persist_only) {
            baseline_grows = baseline_grows || !had;
            p.change.live.push_back({item.key, item.raw_live, item.desired});
        }
    }
    // The other member of a writeback pair (a write of one sets the other
    // to 0, schemas/write_effects.toml) is changed by our write too, though
    // the profile does not set it: the baseline keeps its value before, so
    // that a later profile that stops setting the pair puts back the member
    // that was in effect rather than writing 0 into the one we set (which
    // the kernel refuses for the _bytes keys, or takes as "the other one is
    // in effect"). Kept while a key that zeroes it is set; few keys, so
    // looked up directly.
    std::vector<std::pair<std::string, std::string>> coupled_baseline;
    if (!o.persist_only) {
        for (const auto& item : p.plan.items) {
            if (item.restore || !item.after_load.empty()) continue;
            for (auto key : boot::zeroed_by(item.key)) {
                if (ns.keys.contains(key)) continue;  // the profile sets it: its own entry
                auto known = [&](const auto& kv) { return kv.first == key; };
                if (std::any_of(coupled_baseline.begin(), coupled_baseline.end(), known)) continue;
                if (auto it = old_baseline.find(key); it != old_baseline.end()) {
                    coupled_baseline.emplace_back(std::string(key), it->second);
                    ++baseline_kept;
                } else if (item.status == plan::Status::change) {
                    auto live = env.tree.read(key, ports::Intent::read);
                    if (!live) continue;  // not on this kernel: nothing to put back
                    std::string now = live->text;
                    if (!now.empty() && now.back() == '\n') now.pop_back();
                    coupled_baseline.emplace_back(std::string(key), std::move(now));
                    baseline_grows = true;
                }
            }
        }
    }
    const bool baseline_same = o.persist_only || (!baseline_grows && baseline_kept == old_baseline.size());
    auto build_baseline = [&] {
        if (o.persist_only) ns.baseline = old_baseline;
        old_baseline_of.rewind();
        for (const auto& item : p.plan.items) {
            if (item.restore || !item.after_load.empty()) continue;
            if (auto it = old_baseline_of.find(item.key); it != old_baseline.end())
                ns.baseline.insert_or_assign(ns.baseline.end(), item.key, it->second);
            if (item.status == plan::Status::change && !o.persist_only) ns.baseline.emplace(item.key, item.raw_live);
        }
        for (auto& [key, value] : coupled_baseline)
            ns.baseline.emplace(key, value);
    };
    const size_t first_restore = p.change.live.size();
    for (const auto& item : p.plan.items)
        if (item.restore && item.status == plan::Status::change)
            p.change.live.push_back({item.key, item.raw_live, item.desired});
    drop_implied_baseline_restores(p, first_restore);
    // Our own writes have the kernel's side effects too: a changed
    // net.ipv4.conf.default.X is copied into every interface whose X was
    // never written (devinet_copy_dflt_conf()), ip_forward rewrites every
    // interface's forwarding. A key of ours that already holds its value is
    // not written, so nothing protects it: it is written again after the
    // change that would move it, which also marks it written in the kernel.
    // Nothing is written when nothing changes (the no-op promise holds).
    if (!o.persist_only) {
        size_t changed = p.change.live.size();
        std::set<std::string> pinned;
        for (size_t i = 0; i < changed; ++i) {
            const std::string written = p.change.live[i].key;
            for (const auto& item : p.plan.items) {
                if (item.restore || item.status != plan::Status::same || pinned.count(item.key) != 0) continue;
                if (!boot::effect_reaches(written, item.key)) continue;
                pinned.insert(item.key);
                p.change.live.push_back({item.key, item.raw_live, item.desired});
            }
        }
    }

    // The kernel keeps one of a writeback pair in effect: writing one member
    // sets the other to 0 (schemas/write_effects.toml). Said when it moves
    // a value; the snapshot records it and rollback puts it back.
    for (const auto& c : apply::coupled_before(p.change.live, env.tree))
        if (!model::live_in_sync(c.from, "0"))
            for (const auto& w : p.change.live)
                if (auto z = boot::zeroed_by(w.key); std::find(z.begin(), z.end(), c.key) != z.end())
                    p.warnings.push_back("writing '" + w.key + "' sets '" + c.key + "' (now " + c.from +
                                         ") to 0: the kernel keeps one of the pair in effect; rollback restores it");

    auto options = module_options(env, r, loading, !o.persist_only && p.module_errors.empty(), p);
    ns.modules = p.boot_modules;
    int boot_priority = o.intent == ports::Intent::write || !p.had_state ? o.priority : p.old_state.priority;
    p.shadows = shadows_of(env, ns.keys, boot_priority);  // ns.keys: what this profile sets
    if (!ns.modules.empty()) {
        auto listed = env.boot.modules_listed_for_boot();
        for (const auto& m : ns.modules)
            if (std::find(listed.begin(), listed.end(), m) == listed.end()) p.unlisted_modules.push_back(m);
    }
    if (!o.runtime_only) {
        std::string fragment = persist::render_fragment(r);
        TRY_VOID(want_file(env, p.change, persist::fragment_path(o.priority), &fragment));
        if (p.had_state && p.old_state.priority != o.priority)
            TRY_VOID(want_file(env, p.change, persist::fragment_path(p.old_state.priority), nullptr));
        std::string modprobe = persist::render_modprobe(r, options);
        TRY_VOID(want_file(env, p.change, std::string(persist::k_modprobe_conf), options.empty() ? nullptr : &modprobe));
        std::string modules = persist::render_modules_load(r, ns.modules);
        TRY_VOID(want_file(env, p.change, std::string(persist::k_modules_load_conf),
                           ns.modules.empty() ? nullptr : &modules));
    }
    const auto& os_ = p.old_state;
    bool state_changes = !p.had_state || !baseline_same || ns.profiles != os_.profiles || ns.priority != os_.priority ||
                         ns.modules != os_.modules || ns.keys != os_.keys;
    if (state_changes) build_baseline();
    // An unprivileged diff cannot look into root's 0700 state directory;
    // it compares values only, so the state file is left out of its plan.
    bool state_hidden = o.intent == ports::Intent::read && env.files.state_hidden();
    // An unchanged state is not serialised to be compared with the file it
    // was read from: with a glob over thousands of interfaces that alone
    // cost a sixth of an apply.
    if (!state_hidden && state_changes) {
        std::string state = snapshot::serialize_state(ns);
        TRY_VOID(want_file(env, p.change, std::string(persist::k_state_file), &state, 0600));
        // Interfaces that came or went between two applies change only the
        // state file's record of what the globs matched: no change of the
        // system (apply and diff say so; change/bookkeeping.hpp).
        p.state_bookkeeping = p.had_state && expansion_only(os_, ns, p.plan, env.tree);
    }
    return p;
}

std::string apply_refusal(const Prepared& p, const PrepareOptions& o)
{
    if (!p.loaded.ok) return "profile has errors; nothing was changed";
    if (!p.module_errors.empty()) {
        std::string list;
        for (const auto& e : p.module_errors)
            list += "\n  " + e;
        return "refusing to apply: a module the profile needs is missing; nothing was changed:" + list;
    }
    if (p.plan.has_refusals() && !o.persist_only) {
        std::string keys;
        for (const auto& i : p.plan.items)
            if (!i.optional && (i.status == plan::Status::missing || i.status == plan::Status::unwritable))
                keys += "\n  " + i.key + ": " + i.error;
        return "refusing to apply: these keys cannot be set here; nothing was changed:" + keys +
               "\n  hint: mark a key optional = true, or apply on the host";
    }
    return {};
}

}  // namespace sysknob::change
