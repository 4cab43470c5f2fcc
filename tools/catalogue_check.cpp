// catalogue_check: holds the catalogue to the running kernel. For every
// selected entry it checks that the key exists (or that the catalogue says
// it does not on this release), that the live value equals the catalogue's
// default for this release, and, with --write, that the kernel-enforced
// bounds hold: min and max are accepted, one past them is refused with
// EINVAL (or clamped, as the catalogue says). Every value it writes is put
// back.
//
// Used by tests/netns/catalogue_truth.sh inside a fresh network namespace
// for the per-netns keys; the kernel lab (tests/vm/) can run the same
// binary as root in a throw-away VM for host-wide keys:
//   SYSKNOB_KERNEL_LAB=1 catalogue_check --namespace global --child-netns any
//       --write --outside-netns none
// It refuses --write in the network namespace named by --outside-netns
// (the caller's own, read before unshare), so it cannot touch the host.
//
// In the lab the defaults are the kernel's own, read before anything in user
// space wrote a key: --boot-values FILE names the "key value" lines the lab's
// early init (tests/vm/guest/early-init) saved before /sbin/init ran, so
// neither systemd's PID 1 (which raises fs.file-max and fs.nr_open) nor the
// image's /usr/lib/sysctl.d files (kernel.pid_max, fs.protected_*) hide them.
// A key missing there (its module was loaded later) is compared live: right
// after the modprobe, nothing else has written it. --expect KEY=VALUE names a
// value this kernel starts with that is not upstream's default (the kernel
// command line, a distribution's patch), with the reason on the caller's side. --claims checks the child_netns claim of each
// per-netns entry instead, run in a fresh network namespace.
//
// Output: one line per entry, "ok KEY: ..." / "FAIL KEY: ..." / "skip KEY:
// reason"; exit 0 when nothing failed, 1 otherwise, 64 on bad usage. A skip
// is never a pass for the lab: its step fails on any.
#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <iostream>
#include <string>
#include <sys/utsname.h>
#include <unistd.h>
#include <vector>

#include "kernel/catalogue.hpp"
#include "model/value.hpp"
#include "os/proc_sysctl_tree.hpp"
#include "util/strings.hpp"

namespace {

using sysknob::kernel::Param;

struct Options {
    std::string ns = "net";      // catalogue namespace to check
    std::string child = "rw";    // child_netns state to select ("" = any)
    std::string release;         // default: uname -r
    std::string outside_netns;   // with --write: the namespace we must not be in
    std::string only;            // a single key
    bool write = false;
    bool claims = false;         // check child_netns claims (in a child netns)
    std::map<std::string, std::string> boot_values;  // --boot-values FILE
    std::map<std::string, std::string> expect;       // --expect KEY=VALUE
    // Facts of this release that differ from the catalogue's current ones,
    // each with its reason on the caller's side: --expect-claim KEY=STATE
    // (the child_netns state), --unbounded KEY (the kernel enforces no min
    // or max: one past them is accepted, and that is checked).
    std::map<std::string, std::string> expect_claim;
    std::set<std::string> unbounded;
};

// Keys whose upper bound is not written in a 1 GiB VM because the kernel
// would act on it at once: vm.min_free_kbytes at its maximum makes every
// allocation reclaim (mm/page_alloc.c, setup_per_zone_wmarks) and
// vm.nr_hugepages at its maximum takes every free page
// (mm/hugetlb.c, set_max_huge_pages). One past the bound is still written
// and must be refused; the line says the maximum was not tried.
// kernel.yama.ptrace_scope at its maximum, 3, cannot be lowered again until
// the next boot (security/yama/yama_lsm.c yama_dointvec_minmax), so the
// value could not be put back.
bool hazardous_max(std::string_view key)
{
    return key == "vm.min_free_kbytes" || key == "vm.nr_hugepages" || key == "kernel.yama.ptrace_scope";
}

// Keys a write of which changes another key, and the key to put back after
// it: a write of vm.dirty_bytes zeroes vm.dirty_ratio (and the other way
// round), and 0, the boot value of the _bytes keys, is refused for them
// (mm/page-writeback.c, dirty_bytes_handler, dirty_background_bytes_handler).
std::string_view restored_through(std::string_view key)
{
    if (key == "vm.dirty_bytes") return "vm.dirty_ratio";
    if (key == "vm.dirty_background_bytes") return "vm.dirty_background_ratio";
    return {};
}

std::string self_netns()
{
    char buf[128];
    ssize_t n = ::readlink("/proc/self/ns/net", buf, sizeof buf - 1);
    return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
}

// The concrete key that stands for a family: the "default" instance, or
// "lo" where the kernel has no default entry (neigh gc_stale_time in a
// child netns), whichever exists.
std::string instance(std::string_view key, sysknob::ports::SysctlTree& tree)
{
    std::string k(key);
    auto star = k.find('*');
    if (star == std::string::npos) return k;
    std::string def = k.substr(0, star) + "default" + k.substr(star + 1);
    std::string lo = k.substr(0, star) + "lo" + k.substr(star + 1);
    if (tree.probe(def) == sysknob::ports::Access::absent && tree.probe(lo) != sysknob::ports::Access::absent)
        return lo;
    return def;
}

bool at_or_after(const std::string& release, std::string_view v)
{
    return !v.empty() && v.front() != '<' && sysknob::util::compare_release(release, v) >= 0;
}

// One past a bound, as text (int64 overflow becomes the next decimal).
std::string one_past(int64_t bound, int dir)
{
    if (dir > 0 && bound == INT64_MAX) return "9223372036854775808";
    if (dir < 0 && bound == INT64_MIN) return "-9223372036854775809";
    return std::to_string(bound + dir);
}

class Checker {
  public:
    Checker(const Options& o, sysknob::ports::SysctlTree& tree) : m_o(o), m_tree(tree) {}

    int run()
    {
        for (const auto& p : sysknob::kernel::catalogue()) {
            if (!m_o.only.empty() && p.key != m_o.only) continue;
            if (m_o.only.empty() && !selected(p)) continue;
            if (m_o.claims)
                claim(p);
            else
                check(p);
        }
        std::cout << m_ok << " ok, " << m_failed << " failed, " << m_skipped << " skipped (kernel " << m_o.release
                  << "); " << m_machine << " defaults not in the catalogue (not compared here), " << m_bounds
                  << " with kernel bounds written\n";
        return m_failed ? 1 : 0;
    }

  private:
    bool selected(const Param& p) const
    {
        if (m_o.ns != "any" && sysknob::kernel::namespace_name(p.ns) != m_o.ns) return false;
        if (!m_o.child.empty() && p.child_netns != m_o.child) return false;
        return p.replaced_by.empty();
    }

    void ok(const Param& p, const std::string& what)
    {
        ++m_ok;
        std::cout << "ok " << p.key << ": " << what << "\n";
    }
    void fail(const Param& p, const std::string& what)
    {
        ++m_failed;
        std::cout << "FAIL " << p.key << ": " << what << "\n";
    }
    void skip(const Param& p, const std::string& why)
    {
        ++m_skipped;
        std::cout << "skip " << p.key << ": " << why << "\n";
    }

    // The child_netns claim, in a fresh network namespace: rw = present and
    // writable, ro = present and read-only, absent = not there.
    void claim(const Param& p)
    {
        const std::string& r = m_o.release;
        if (p.child_netns == "n/a") return;
        if (at_or_after(r, p.removed_in) ||
            (!p.added_in.empty() && p.added_in.front() != '<' && !at_or_after(r, p.added_in)))
            return;  // not on this release at all: check() says so in the initial namespace
        std::string key = instance(p.key, m_tree);
        auto a = m_tree.probe(key);
        std::string got = a == sysknob::ports::Access::absent      ? "absent"
                          : a == sysknob::ports::Access::read_only ? "ro"
                                                                   : "rw";
        if (auto e = m_o.expect_claim.find(std::string(p.key)); e != m_o.expect_claim.end()) {
            if (got != e->second)
                return fail(p, "in a child network namespace '" + key + "' is " + got + ", the caller expects " +
                                   e->second + " on this release");
            return ok(p, "child network namespace: " + got + ", as the caller expects on this release (catalogue: " +
                             std::string(p.child_netns) + ")");
        }
        if (got != p.child_netns)
            return fail(p, "in a child network namespace '" + key + "' is " + got + ", the catalogue says " +
                               std::string(p.child_netns));
        ok(p, "child network namespace: " + got + ", as the catalogue says");
    }

    void check(const Param& p)
    {
        std::string key = instance(p.key, m_tree);
        const std::string& r = m_o.release;
        bool removed = at_or_after(r, p.removed_in);
        bool too_new = !p.added_in.empty() && p.added_in.front() != '<' && !at_or_after(r, p.added_in);
        auto live = m_tree.read(key, sysknob::ports::Intent::read);
        if (!live) {
            if (auto e = m_o.expect_claim.find(std::string(p.key)); e != m_o.expect_claim.end() && e->second == "absent")
                return ok(p, "absent in this namespace, as the caller expects on this release");
            if (removed || too_new)
                return ok(p, "absent, as the catalogue says (" +
                                 (removed ? "removed in " + std::string(p.removed_in)
                                          : "added in " + std::string(p.added_in)) +
                                 ")");
            if (!p.module.empty()) return skip(p, "absent: module '" + std::string(p.module) + "' is not loaded here");
            return fail(p, "'" + key + "' does not exist on " + r + ", but the catalogue says it does");
        }
        if (removed) return fail(p, "'" + key + "' exists on " + r + ", but the catalogue says it was removed in " +
                                        std::string(p.removed_in));
        std::string now = sysknob::model::normalize_live(live->text);
        std::string facts = "exists";
        std::string want(sysknob::kernel::default_for(p, r));
        std::string at_boot = now, when;
        if (!m_o.boot_values.empty()) {
            if (auto it = m_o.boot_values.find(key); it != m_o.boot_values.end()) {
                at_boot = it->second;
                when = " before init";
                if (at_boot != now) when += " (user space has changed it to '" + now + "' since)";
            } else {
                when = p.module.empty() ? " live (not in the boot values)" : " live, right after loading " +
                                                                                std::string(p.module);
            }
        }
        if (auto e = m_o.expect.find(key); e != m_o.expect.end()) {
            // Set before any user space ran by something the caller names:
            // the kernel command line, a distribution's kernel patch.
            if (at_boot != e->second)
                return fail(p, "value" + when + " is '" + at_boot + "', the caller expects '" + e->second + "'");
            facts += ", '" + at_boot + "'" + when + " as the caller expects (not the catalogue's upstream default '" +
                     want + "')";
        } else if (p.has_default_value) {
            if (at_boot != want)
                return fail(p, "default on " + r + when + " is '" + at_boot + "', the catalogue says '" + want + "'");
            facts += ", default '" + at_boot + "'" + when;
        } else {
            ++m_machine;
            facts += ", default not in the catalogue, not compared here (computed at boot, or not representable; '" +
                     at_boot + "'" + when + ")";
        }
        if (!m_o.write || p.type != sysknob::kernel::ParamType::integer || p.arity != 1 || !(p.has_min || p.has_max))
            return ok(p, facts);
        if (m_o.unbounded.count(std::string(p.key))) {
            // This release enforces no bound: one past the catalogue's is accepted.
            std::string v = p.has_min ? one_past(p.min, -1) : one_past(p.max, +1);
            auto w = m_tree.write(key, v);
            std::string restore = sysknob::model::normalize_live(live->text);
            auto back = m_tree.write(key, restore);
            if (!w) return fail(p, "the caller expects no bound on this release, but " + v + " was refused");
            if (!back) return fail(p, "cannot restore the value: " + back.error().message);
            ++m_bounds;
            return ok(p, facts + ", no kernel bound on this release, as the caller expects (" + v + " accepted)");
        }
        // A bound that depends on another key: ipv4_privileged_ports refuses
        // a start above ip_local_port_range's low end, so the range is moved
        // out of the way first (and put back).
        std::optional<std::string> moved;
        if (key == "net.ipv4.ip_unprivileged_port_start")
            if (auto range = m_tree.read("net.ipv4.ip_local_port_range", sysknob::ports::Intent::read))
                if (m_tree.write("net.ipv4.ip_local_port_range", "65535 65535"))
                    moved = sysknob::model::normalize_live(range->text);
        std::string through(restored_through(key));
        std::optional<std::string> partner;
        if (!through.empty())
            if (auto v = m_tree.read(through, sysknob::ports::Intent::read))
                partner = sysknob::model::normalize_live(v->text);
        std::string problem = bounds(p, key, live->text);
        // Put the value back whatever happened.
        if (partner) {
            if (auto w = m_tree.write(through, *partner); !w)
                problem += (problem.empty() ? "" : "; ") + std::string("cannot restore ") + through + ": " +
                           w.error().message;
            auto back = m_tree.read(key, sysknob::ports::Intent::read);
            if (!back || sysknob::model::normalize_live(back->text) != sysknob::model::normalize_live(live->text))
                problem += (problem.empty() ? "" : "; ") + std::string("restoring ") + through + " did not restore " + key;
        } else if (auto w = m_tree.write(key, sysknob::model::normalize_live(live->text)); !w) {
            problem += (problem.empty() ? "" : "; ") + std::string("cannot restore the value: ") + w.error().message;
        }
        ++m_bounds;
        if (moved && !m_tree.write("net.ipv4.ip_local_port_range", *moved))
            problem += "; cannot restore net.ipv4.ip_local_port_range";
        if (!problem.empty()) return fail(p, problem);
        ok(p, facts + ", kernel bounds hold" +
                  (hazardous_max(key) ? std::string(" (the maximum itself not written: it would act on the VM or could not be undone)") : ""));
    }

    // Returns "" when the bounds hold.
    std::string bounds(const Param& p, const std::string& key, const std::string&)
    {
        std::string out;
        auto expect_accept = [&](const std::string& v) {
            auto w = m_tree.write(key, v);
            if (!w) {
                out += "bound " + v + " refused (" + w.error().message + "); ";
                return;
            }
            auto back = m_tree.read(key, sysknob::ports::Intent::read);
            // "clamp": the kernel stores a normalised value (the bridge keys store any non-zero as 1).
            if (back && sysknob::model::normalize_live(back->text) != v &&
                p.out_of_range != sysknob::kernel::OutOfRange::clamp)
                out += "bound " + v + " read back as '" + sysknob::model::normalize_live(back->text) + "'; ";
        };
        auto expect_refuse = [&](const std::string& v, bool above) {
            auto w = m_tree.write(key, v);
            if (w) {
                auto back = m_tree.read(key, sysknob::ports::Intent::read);
                std::string b = back ? sysknob::model::normalize_live(back->text) : "?";
                if (p.out_of_range != sysknob::kernel::OutOfRange::clamp)
                    out += "one past the bound, " + v + ", was accepted (reads '" + b + "'); ";
                return;
            }
            // erange: one past the maximum fails with ERANGE, below the minimum still EINVAL.
            int want = p.out_of_range == sysknob::kernel::OutOfRange::erange && above ? ERANGE : EINVAL;
            if (w.error().code != want)
                out += v + " refused with '" + w.error().message + "', not " +
                       (want == ERANGE ? "ERANGE" : "EINVAL") + "; ";
        };
        if (p.has_min) expect_accept(std::to_string(p.min));
        if (p.has_max && !hazardous_max(key)) expect_accept(std::to_string(p.max));
        // A jiffies bound is INT_MAX / CONFIG_HZ, given for HZ=1000: one
        // past it is refused only there, so it is not tried.
        if (p.out_of_range != sysknob::kernel::OutOfRange::hz) {
            if (p.has_min) expect_refuse(one_past(p.min, -1), false);
            if (p.has_max) expect_refuse(one_past(p.max, +1), true);
        }
        return out;
    }

    const Options& m_o;
    sysknob::ports::SysctlTree& m_tree;
    int m_ok = 0, m_failed = 0, m_skipped = 0, m_machine = 0, m_bounds = 0;
};

int usage()
{
    std::cerr << "usage: catalogue_check [--namespace net|ipc|user|uts|global|any] [--child-netns rw|ro|absent|any]\n"
                 "                       [--release R] [--key KEY] [--write --outside-netns NSREF|none]\n"
                 "                       [--boot-values FILE] [--expect KEY=VALUE]... [--claims]\n"
                 "                       [--expect-claim KEY=STATE]... [--unbounded KEY]...\n";
    return 64;
}

}  // namespace

int main(int argc, char** argv)
{
    Options o;
    std::vector<std::string> args(argv + 1, argv + argc);
    for (size_t i = 0; i < args.size(); ++i) {
        auto value = [&]() -> std::string { return i + 1 < args.size() ? args[++i] : std::string(); };
        if (args[i] == "--namespace")
            o.ns = value();
        else if (args[i] == "--child-netns")
            o.child = value() == "any" ? "" : args[i];
        else if (args[i] == "--release")
            o.release = value();
        else if (args[i] == "--key")
            o.only = value();
        else if (args[i] == "--outside-netns")
            o.outside_netns = value();
        else if (args[i] == "--write")
            o.write = true;
        else if (args[i] == "--claims")
            o.claims = true;
        else if (args[i] == "--unbounded")
            o.unbounded.insert(value());
        else if (args[i] == "--expect-claim") {
            std::string kv = value();
            auto eq = kv.find('=');
            if (eq == std::string::npos) return usage();
            o.expect_claim[kv.substr(0, eq)] = kv.substr(eq + 1);
        }
        else if (args[i] == "--expect") {
            std::string kv = value();
            auto eq = kv.find('=');
            if (eq == std::string::npos) return usage();
            o.expect[kv.substr(0, eq)] = kv.substr(eq + 1);
        } else if (args[i] == "--boot-values") {
            std::ifstream in(value());
            if (!in) {
                std::cerr << "catalogue_check: cannot read " << args[i] << "\n";
                return 1;
            }
            std::string line;
            while (std::getline(in, line)) {
                auto sp = line.find(' ');
                if (sp == std::string::npos) continue;
                o.boot_values[line.substr(0, sp)] = sysknob::model::normalize_live(line.substr(sp + 1));
            }
        }
        else
            return usage();
    }
    if (o.release.empty()) {
        struct utsname u {};
        if (::uname(&u) != 0) return 1;
        o.release = u.release;
    }
    if (o.write) {
        if (o.outside_netns.empty()) return usage();
        // "none" is for a throw-away VM, where writing host-wide keys is the
        // point; the lab says so with SYSKNOB_KERNEL_LAB=1, nothing else may.
        if (o.outside_netns == "none") {
            const char* lab = std::getenv("SYSKNOB_KERNEL_LAB");
            if (!lab || std::string(lab) != "1") {
                std::cerr << "catalogue_check: refusing --write --outside-netns none outside the kernel lab "
                             "(SYSKNOB_KERNEL_LAB=1 is set only in its throw-away VMs)\n";
                return 1;
            }
        } else if (self_netns().empty() || self_netns() == o.outside_netns) {
            std::cerr << "catalogue_check: refusing --write: still in network namespace " << o.outside_netns << "\n";
            return 1;
        }
        if (o.outside_netns != "none" && o.ns != "net") {
            std::cerr << "catalogue_check: --write outside a VM is only for per-netns keys (--namespace net)\n";
            return 1;
        }
    }
    sysknob::os::ProcSysctlTree tree;
    return Checker(o, tree).run();
}
