#include "change/load.hpp"

#include "profile/lint.hpp"
#include "util/strings.hpp"

namespace sysknob::change {

void add_facts_for(const model::ResolvedProfile& r, kernel::Target& t, ports::MachineProbe& machine)
{
    if (!t.live || !t.tree) return;
    auto& tree = *t.tree;
    static constexpr const char* machine_keys[] = {"net.netfilter.nf_conntrack_max", "fs.file-max", "kernel.pid_max",
                                                   "vm.nr_hugepages", "vm.min_free_kbytes", "vm.overcommit_memory",
                                                   "vm.overcommit_ratio"};
    bool wants_machine = false;
    for (const char* k : machine_keys)
        wants_machine = wants_machine || r.find(k);
    if (wants_machine && !t.machine.mem_total_bytes) {
        t.machine = machine.read();
        if (t.machine.mem_total_bytes) t.mem_total_bytes = *t.machine.mem_total_bytes;
    }
    if (r.find("net.netfilter.nf_conntrack_max") && t.conntrack_buckets.empty())
        if (auto b = tree.read("net.netfilter.nf_conntrack_buckets", ports::Intent::read)) t.conntrack_buckets = b->text;
    if (r.find("net.ipv4.tcp_congestion_control") && t.available_congestion_control.empty())
        if (auto cc = tree.read("net.ipv4.tcp_available_congestion_control", ports::Intent::read))
            for (auto tok : util::split_ws(cc->text))
                t.available_congestion_control.emplace_back(tok);
    if (r.find("net.ipv4.ip_local_port_range") && !r.find("net.ipv4.ip_unprivileged_port_start"))
        if (auto v = tree.read("net.ipv4.ip_unprivileged_port_start", ports::Intent::read))
            t.unprivileged_port_start = util::parse_i64(util::trim(v->text));
}

Loaded load_and_lint(const std::vector<std::string>& args, const std::vector<std::string>& dirs,
                     kernel::Target& target, ports::MachineProbe& machine, bool strict,
                     const profile::GivenTexts& given)
{
    Loaded out;
    out.load = profile::load_profiles(args, dirs, given);
    out.diagnostics = out.load.diagnostics;
    if (!model::has_errors(out.diagnostics)) {
        add_facts_for(out.load.resolved, target, machine);
        auto more = profile::lint(out.load.resolved, target);
        out.diagnostics.insert(out.diagnostics.end(), more.begin(), more.end());
    }
    if (strict) profile::make_strict(out.diagnostics);
    out.ok = !model::has_errors(out.diagnostics);
    return out;
}

}  // namespace sysknob::change
