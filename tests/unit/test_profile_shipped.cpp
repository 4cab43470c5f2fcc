#include <algorithm>
#include <doctest/doctest.h>
#include <filesystem>
#include <string>
#include <sys/utsname.h>
#include <vector>

#include "change/load.hpp"
#include "kernel/target.hpp"
#include "os/proc_machine_probe.hpp"
#include "os/proc_sysctl_tree.hpp"
#include "profile/lint.hpp"
#include "profile/loader.hpp"
#include "util/file.hpp"
#include "util/strings.hpp"

using namespace sysknob;

namespace {

const std::string k_dir = SYSKNOB_SOURCE_DIR "/profiles";

std::vector<std::string> shipped()
{
    std::vector<std::string> out;
    for (const auto& e : std::filesystem::directory_iterator(k_dir))
        if (e.path().extension() == ".toml") out.push_back(e.path().string());
    std::sort(out.begin(), out.end());
    return out;
}

std::string errors_of(const model::Diagnostics& ds)
{
    std::string out;
    for (const auto& d : ds)
        if (d.severity == model::Severity::error) out += model::render_diagnostic(d);
    return out;
}

profile::LoadResult load(const std::string& path)
{
    auto r = profile::load_profiles({path}, {k_dir});
    INFO(errors_of(r.diagnostics));
    CHECK(r.diagnostics.empty());
    CHECK_FALSE(r.resolved.settings.empty());
    return r;
}

}  // namespace

TEST_CASE("the shipped profiles are found")
{
    auto files = shipped();
    CHECK(files.size() >= 10);
    for (const char* name :
         {"base", "bulk-transfer", "dns-udp", "high-conn-web", "k8s-node", "low-latency", "nat-gateway",
          "postgresql", "search", "hardening"})
        CHECK(std::find(files.begin(), files.end(), k_dir + "/" + name + ".toml") != files.end());
}

TEST_CASE("every shipped profile lints without errors for the fleet's kernels offline")
{
    for (const auto& path : shipped()) {
        auto loaded = load(path);
        for (const char* release : {"4.19", "5.4", "5.15", "6.1"}) {
            CAPTURE(path);
            CAPTURE(release);
            kernel::Target t;
            t.release = release;
            t.live = false;
            auto ds = profile::lint(loaded.resolved, t);
            INFO(errors_of(ds));
            CHECK_FALSE(model::has_errors(ds));
        }
    }
}

TEST_CASE("every shipped profile lints clean, without warnings, for current kernels offline")
{
    for (const auto& path : shipped()) {
        auto loaded = load(path);
        for (const char* release : {"5.15", "6.1", "6.12"}) {
            CAPTURE(path);
            CAPTURE(release);
            kernel::Target t;
            t.release = release;
            t.live = false;
            t.machine.mem_total_bytes = 16ull << 30;
            t.mem_total_bytes = 16ull << 30;
            std::string warnings;
            for (const auto& d : profile::lint(loaded.resolved, t))
                if (d.severity != model::Severity::info) warnings += model::render_diagnostic(d);
            CHECK_MESSAGE(warnings.empty(), warnings);
        }
    }
}

TEST_CASE("every shipped profile lints without errors on the running kernel")
{
    os::ProcSysctlTree tree;
    kernel::Target t;
    struct utsname u {};
    REQUIRE(::uname(&u) == 0);
    t.release = u.release;
    t.live = true;
    t.tree = &tree;
    os::ProcMachineProbe machine;

    for (const auto& path : shipped()) {
        CAPTURE(path);
        auto loaded = load(path);
        // The live facts the rules need, as every command reads them.
        change::add_facts_for(loaded.resolved, t, machine);
        auto ds = profile::lint(loaded.resolved, t);
        // A module that this host has not loaded (nf_conntrack, br_netfilter)
        // hides its keys; that is the host, not the profile.
        std::erase_if(ds, [](const model::Diagnostic& d) {
            bool module_missing = d.id == "SK1005" && d.message.find("is not loaded") != std::string::npos;
            if (module_missing) MESSAGE("host lacks a module: " << d.message);
            return module_missing;
        });
        INFO(errors_of(ds));
        CHECK_FALSE(model::has_errors(ds));
    }
}
