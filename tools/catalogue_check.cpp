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
// Output: one line per entry, "ok KEY: ..." / "FAIL KEY: ..." / "skip KEY:
// reason"; exit 0 when nothing failed, 1 otherwise, 64 on bad usage.
#include <cerrno>
#include <cstdlib>
#include <optional>
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
};

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
            check(p);
        }
        std::cout << m_ok << " ok, " << m_failed << " failed, " << m_skipped << " skipped (kernel " << m_o.release
                  << ")\n";
        return m_failed ? 1 : 0;
    }

  private:
    bool selected(const Param& p) const
    {
        if (sysknob::kernel::namespace_name(p.ns) != m_o.ns) return false;
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

    void check(const Param& p)
    {
        std::string key = instance(p.key, m_tree);
        const std::string& r = m_o.release;
        bool removed = at_or_after(r, p.removed_in);
        bool too_new = !p.added_in.empty() && p.added_in.front() != '<' && !at_or_after(r, p.added_in);
        auto live = m_tree.read(key, sysknob::ports::Intent::read);
        if (!live) {
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
        auto want = sysknob::kernel::default_for(p, r);
        if (p.has_default_value) {
            if (now != want)
                return fail(p, "default on " + r + " is '" + now + "', the catalogue says '" + std::string(want) + "'");
            facts += ", default '" + now + "'";
        } else {
            facts += ", default not checked (computed at boot)";
        }
        if (!m_o.write || p.type != sysknob::kernel::ParamType::integer || p.arity != 1 || !(p.has_min || p.has_max))
            return ok(p, facts);
        // A bound that depends on another key: ipv4_privileged_ports refuses
        // a start above ip_local_port_range's low end, so the range is moved
        // out of the way first (and put back).
        std::optional<std::string> moved;
        if (key == "net.ipv4.ip_unprivileged_port_start")
            if (auto range = m_tree.read("net.ipv4.ip_local_port_range", sysknob::ports::Intent::read))
                if (m_tree.write("net.ipv4.ip_local_port_range", "65535 65535"))
                    moved = sysknob::model::normalize_live(range->text);
        std::string problem = bounds(p, key, live->text);
        // Put the value back whatever happened.
        if (auto w = m_tree.write(key, sysknob::model::normalize_live(live->text)); !w)
            problem += (problem.empty() ? "" : "; ") + std::string("cannot restore the value: ") + w.error().message;
        if (moved && !m_tree.write("net.ipv4.ip_local_port_range", *moved))
            problem += "; cannot restore net.ipv4.ip_local_port_range";
        if (!problem.empty()) return fail(p, problem);
        ok(p, facts + ", kernel bounds hold");
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
        auto expect_refuse = [&](const std::string& v) {
            auto w = m_tree.write(key, v);
            if (w) {
                auto back = m_tree.read(key, sysknob::ports::Intent::read);
                std::string b = back ? sysknob::model::normalize_live(back->text) : "?";
                if (p.out_of_range != sysknob::kernel::OutOfRange::clamp)
                    out += "one past the bound, " + v + ", was accepted (reads '" + b + "'); ";
                return;
            }
            if (w.error().code != EINVAL)
                out += v + " refused with '" + w.error().message + "', not EINVAL; ";
        };
        if (p.has_min) expect_accept(std::to_string(p.min));
        if (p.has_max) expect_accept(std::to_string(p.max));
        // A jiffies bound is INT_MAX / CONFIG_HZ, given for HZ=1000: one
        // past it is refused only there, so it is not tried.
        if (p.out_of_range != sysknob::kernel::OutOfRange::hz) {
            if (p.has_min) expect_refuse(one_past(p.min, -1));
            if (p.has_max) expect_refuse(one_past(p.max, +1));
        }
        return out;
    }

    const Options& m_o;
    sysknob::ports::SysctlTree& m_tree;
    int m_ok = 0, m_failed = 0, m_skipped = 0;
};

int usage()
{
    std::cerr << "usage: catalogue_check [--namespace net|ipc|user|uts|global] [--child-netns rw|ro|absent|any]\n"
                 "                       [--release R] [--key KEY] [--write --outside-netns NSREF|none]\n";
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
