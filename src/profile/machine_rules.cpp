#include "profile/machine_rules.hpp"

#include <optional>
#include <string>

#include "profile/rules.hpp"

namespace sysknob::profile {

namespace {

using model::Setting;

std::optional<int64_t> scalar(const Setting* s)
{
    if (!s || s->value.kind != model::ValueKind::integer || s->value.numbers.size() != 1) return std::nullopt;
    return s->value.numbers[0];
}

std::string mib(uint64_t bytes)
{
    return std::to_string(bytes >> 20) + " MiB";
}

class MachineRules {
  public:
    MachineRules(const model::ResolvedProfile& p, const kernel::Target& t, model::Diagnostics& out)
        : m_profile(p), m_target(t), m_out(out)
    {
    }

    void run()
    {
        file_max();
        pid_max();
        hugepages();
        min_free();
        overcommit();
    }

  private:
    void add(std::string_view id, const Setting& s, std::string message, std::string hint)
    {
        m_out.push_back(make_diagnostic(id, s.key, s.where, std::move(message), std::move(hint)));
    }

    // `offline_hint`: what the user can pass with --kernel, or "" when the
    // fact exists only on the machine itself.
    void unknown(const Setting& s, const char* fact, const char* offline_hint = "")
    {
        std::string hint = m_target.live ? "it could not be read from /proc"
                           : *offline_hint ? std::string("offline (--kernel) the machine is not this one: ") + offline_hint
                                           : "offline (--kernel) the machine is not this one: lint on the machine";
        add("SK3019", s, "'" + s.key + "' not compared with the machine: " + fact + " unknown", hint);
    }

    // fs.file-max below fs.file-nr's allocated count: opens fail with ENFILE
    // (Documentation/admin-guide/sysctl/fs.rst, file-max and file-nr).
    void file_max()
    {
        const Setting* s = m_profile.find("fs.file-max");
        auto v = scalar(s);
        if (!v) return;
        if (!m_target.machine.files_in_use) return unknown(*s, "the number of open files (fs.file-nr)");
        if (*v < *m_target.machine.files_in_use)
            add("SK3014", *s,
                "fs.file-max " + std::to_string(*v) + " is below the " + std::to_string(*m_target.machine.files_in_use) +
                    " files this machine has open",
                "raise it above fs.file-nr's first field with room to spare (fs.rst, file-max)");
    }

    // kernel.pid_max at or below a pid in use (kernel.rst, pid_max).
    void pid_max()
    {
        const Setting* s = m_profile.find("kernel.pid_max");
        auto v = scalar(s);
        if (!v) return;
        if (!m_target.machine.highest_pid) return unknown(*s, "the highest pid in use");
        if (*v <= *m_target.machine.highest_pid)
            add("SK3015", *s,
                "kernel.pid_max " + std::to_string(*v) + " is at or below pid " +
                    std::to_string(*m_target.machine.highest_pid) + ", which is in use",
                "keep it above the highest pid (kernel.rst, pid_max); 4194304 is the 64-bit limit");
    }

    // Huge pages are taken from memory at once; more than MemTotal cannot
    // be allocated (admin-guide/mm/hugetlbpage.rst).
    void hugepages()
    {
        const Setting* s = m_profile.find("vm.nr_hugepages");
        auto v = scalar(s);
        if (!v || *v <= 0) return;
        if (!m_target.machine.mem_total_bytes) return unknown(*s, "the memory size", "pass --mem-total");
        // Offline the page size is the x86_64 default unless /proc says otherwise.
        uint64_t page = m_target.machine.hugepage_bytes.value_or(2ull << 20);
        uint64_t need = static_cast<uint64_t>(*v) * page;
        if (need > *m_target.machine.mem_total_bytes)
            add("SK3016", *s,
                "vm.nr_hugepages " + std::to_string(*v) + " x " + mib(page) + " = " + mib(need) + " exceeds the " +
                    mib(*m_target.machine.mem_total_bytes) + " of memory",
                "size it for the application's shared memory; the kernel allocates what it can and stops "
                "(Documentation/admin-guide/mm/hugetlbpage.rst)");
        else if (need > *m_target.machine.mem_total_bytes / 4 * 3)
            add("SK3016", *s,
                "vm.nr_hugepages " + std::to_string(*v) + " reserves " + mib(need) + ", more than three quarters of the " +
                    mib(*m_target.machine.mem_total_bytes) + " of memory",
                "huge pages are not available to anything else; leave room for the kernel and page cache");
    }

    // vm.rst, min_free_kbytes: "setting this too high will OOM your
    // machine instantly". The kernel's own computation stays far below 5%.
    void min_free()
    {
        const Setting* s = m_profile.find("vm.min_free_kbytes");
        auto v = scalar(s);
        if (!v) return;
        if (!m_target.machine.mem_total_bytes) return unknown(*s, "the memory size", "pass --mem-total");
        uint64_t bytes = static_cast<uint64_t>(*v) * 1024;
        if (bytes > *m_target.machine.mem_total_bytes / 20)
            add("SK3017", *s,
                "vm.min_free_kbytes " + std::to_string(*v) + " reserves " + mib(bytes) + ", more than 5% of the " +
                    mib(*m_target.machine.mem_total_bytes) + " of memory",
                "too high a reserve makes the kernel reclaim and OOM early (vm.rst, min_free_kbytes)");
    }

    // overcommit-accounting.rst: with mode 2 the commit limit is
    // swap + (RAM - huge pages) x overcommit_ratio / 100.
    void overcommit()
    {
        const Setting* s = m_profile.find("vm.overcommit_memory");
        auto mode = scalar(s);
        if (!mode || *mode != 2) return;
        if (m_profile.find("vm.overcommit_kbytes")) return;  // the limit is then absolute
        if (!m_target.machine.mem_total_bytes || !m_target.machine.committed_as_bytes)
            return unknown(*s, "the memory size and what is committed (Committed_AS)");
        int64_t ratio = scalar(m_profile.find("vm.overcommit_ratio")).value_or(50);
        uint64_t limit = m_target.machine.swap_total_bytes.value_or(0) +
                         *m_target.machine.mem_total_bytes / 100 * static_cast<uint64_t>(ratio < 0 ? 0 : ratio);
        if (limit < *m_target.machine.committed_as_bytes)
            add("SK3018", *s,
                "vm.overcommit_memory = 2 with overcommit_ratio " + std::to_string(ratio) + " gives a commit limit of " +
                    mib(limit) + ", below the " + mib(*m_target.machine.committed_as_bytes) + " already committed",
                "raise vm.overcommit_ratio (or add swap) so CommitLimit stays above Committed_AS "
                "(Documentation/mm/overcommit-accounting.rst)");
    }

    const model::ResolvedProfile& m_profile;
    const kernel::Target& m_target;
    model::Diagnostics& m_out;
};

}  // namespace

void machine_rules(const model::ResolvedProfile& profile, const kernel::Target& target, model::Diagnostics& out)
{
    MachineRules(profile, target, out).run();
}

}  // namespace sysknob::profile
